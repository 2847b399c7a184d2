/**
 * `gridscope help` and `gridscope help COMMAND` in Chinese and English. The
 * command names, options, environment variables and their defaults are the
 * same in both; what each variable does is said in both (ENVIRONMENT_DOCS).
 */
import type { CliLang, Said } from './cli-messages.js';
import { CONFIG_VARIABLES, EMBEDDED_TIMEOUT_FACTOR, type ConfigVariable } from './config.js';
import { WALL_METRICS, WALL_WINDOWS } from './contract/wall-options.js';

/** One line per variable of server/config.ts: a variable missing here does not compile. */
const ENVIRONMENT_DOCS: Record<ConfigVariable, Said> = {
  HOST: { en: 'address to listen on', zh: '监听地址' },
  PORT: { en: 'port to listen on', zh: '监听端口' },
  DATABASE_URL: { en: 'PostgreSQL + PostGIS connection string; empty = embedded PGlite', zh: 'PostgreSQL + PostGIS 连接串;为空 = 内嵌 PGlite' },
  DATABASE_READ_URL: {
    en: 'streaming replica of DATABASE_URL for figures, map, tile and export reads (writes and read-your-writes stay on DATABASE_URL); empty = none',
    zh: 'DATABASE_URL 的流复制副本,用于数字、地图、瓦片和导出的读取(写入及读自己写入的请求仍走 DATABASE_URL);为空 = 无',
  },
  GRIDSCOPE_DATA_DIR: { en: 'embedded database directory (PGlite only)', zh: '内嵌数据库目录(仅 PGlite)' },
  GRIDSCOPE_DATA_FSYNC: {
    en: 'flush each commit of the embedded database to disk; false is faster, and a power cut may then lose the last commits',
    zh: '内嵌数据库每次提交都写入磁盘;false 更快,但断电可能丢失最后几次提交',
  },
  GRIDSCOPE_SEED_DEMO: { en: 'build the demo city on start when the database is empty', zh: '数据库为空时启动即生成演示城市' },
  GRIDSCOPE_DEMO_GRIDS: {
    en: 'number of grids in the demo city; empty = 3,261 for Zhuzhou, else from the population',
    zh: '演示城市的网格数;为空 = 株洲 3,261 个,其他城市按人口计算',
  },
  GRIDSCOPE_DEMO_POPULATION: {
    en: 'file of district populations for the demo city (JSON {"code": population} or CSV code,population); empty = estimated by kind and area',
    zh: '演示城市的区县人口文件(JSON {"code": population} 或 CSV code,population);为空 = 按类型和面积估算',
  },
  GRIDSCOPE_DEMO_INCIDENTS: { en: 'number of incidents in the demo city', zh: '演示城市的事件数' },
  GRIDSCOPE_DEMO_SEED: { en: 'random seed of the demo city', zh: '演示城市的随机种子' },
  GRIDSCOPE_DEMO_DISTRICTS: {
    en: "GeoJSON of district boundaries for the demo city; empty = Zhuzhou's real outline (geodata/zhuzhou-outline.geojson), synthetic = made-up shapes",
    zh: '演示城市的区县边界 GeoJSON;为空 = 株洲的真实轮廓(geodata/zhuzhou-outline.geojson),synthetic = 虚构形状',
  },
  GRIDSCOPE_ANONYMOUS_READ: {
    en: 'let requests without credentials read everything as a viewer; empty = on for the embedded demo, off otherwise',
    zh: '允许不带凭据的请求以查看者身份读取全部数据;为空 = 内嵌演示时开启,否则关闭',
  },
  GRIDSCOPE_DEMO_USERS: {
    en: 'create one demo user per role when there are no users; empty = on for the embedded demo, off otherwise',
    zh: '没有用户时为每个角色建一个演示用户;为空 = 内嵌演示时开启,否则关闭',
  },
  GRIDSCOPE_DEMO_PASSWORD: { en: 'password of the demo users', zh: '演示用户的密码' },
  GRIDSCOPE_SESSION_HOURS: { en: 'how long a web sign-in lasts', zh: '网页登录的有效时长(小时)' },
  GRIDSCOPE_COOKIE_SECURE: { en: 'mark the session cookie Secure (serve over HTTPS)', zh: '会话 Cookie 标记为 Secure(通过 HTTPS 提供服务时)' },
  DB_POOL_SIZE: { en: 'PostgreSQL pool size', zh: 'PostgreSQL 连接池大小' },
  DB_STATEMENT_TIMEOUT_MS: { en: 'PostgreSQL statement timeout', zh: 'PostgreSQL 语句超时(毫秒)' },
  GRIDSCOPE_EMBEDDED_STATEMENT_TIMEOUT_MS: {
    en: `embedded database (PGlite): a request's statement running longer than this many ms fails as on the PostgreSQL timeout and the database thread is restarted; empty = ${EMBEDDED_TIMEOUT_FACTOR} × DB_STATEMENT_TIMEOUT_MS, 0 = off; never applied to seeding, imports, rollups or migrations`,
    zh: `内嵌数据库(PGlite):请求的单条语句运行超过此毫秒数即按 PostgreSQL 语句超时处理,并重启数据库线程;为空 = DB_STATEMENT_TIMEOUT_MS 的 ${EMBEDDED_TIMEOUT_FACTOR} 倍,0 = 关闭;从不用于生成演示城市、导入、汇总重建和迁移`,
  },
  GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS: {
    en: 'embedded database (PGlite): a restart of the database thread that has not opened the data directory after this many ms is ended and counts as a failed open (after 5 in a row the server answers data_directory_unusable); 0 = no limit; the first open at start-up is not limited',
    zh: '内嵌数据库(PGlite):数据库线程重启后超过此毫秒数仍未打开数据目录即被结束,计为一次打开失败(连续 5 次后服务器答复 data_directory_unusable);0 = 不限;启动时的首次打开不受限',
  },
  GRIDSCOPE_EMBEDDED_RESTART_MS: {
    en: 'embedded database (PGlite): the first wait before the database thread is opened again after it died, doubled after each death soon after a restart, up to 20 s',
    zh: '内嵌数据库(PGlite):数据库线程终止后重新打开前的首次等待(毫秒),重启后不久再次终止则每次加倍,最多 20 秒',
  },
  LOG_LEVEL: { en: 'fatal, error, warn, info, debug, trace or silent', zh: 'fatal、error、warn、info、debug、trace 或 silent' },
  GRIDSCOPE_DEBUG: { en: '1: a command that fails unexpectedly also prints the stack trace', zh: '1:命令意外失败时同时显示调用栈' },
  GRIDSCOPE_WORK_PERIODS: { en: 'working periods of a working day, China time (UTC+8), for deadlines', zh: '工作日的工作时段(北京时间,UTC+8),用于计算期限' },
  GRIDSCOPE_HOLIDAYS: {
    en: 'dates (YYYY-MM-DD) or ranges (A..B) with no work; default: the 2026 PRC public holidays',
    zh: '不上班的日期(YYYY-MM-DD)或日期范围(A..B);默认:2026 年法定节假日',
  },
  GRIDSCOPE_WORKDAYS: {
    en: 'weekend dates that are worked (调休); default: the 2026 PRC make-up days',
    zh: '需要上班的周末日期(调休);默认:2026 年的调休上班日',
  },
  GRIDSCOPE_SWEEP_SECONDS: { en: 'seconds between overdue (督办) and red-alert sweeps', zh: '超期(督办)和红色预警巡检的间隔秒数' },
  GRIDSCOPE_PHOTO_DIR: { en: 'incident photo directory; empty = <GRIDSCOPE_DATA_DIR>/photos', zh: '事件照片目录;为空 = <GRIDSCOPE_DATA_DIR>/photos' },
  GRIDSCOPE_PHOTO_MAX_BYTES: { en: 'largest photo accepted, in bytes (default 10 MiB)', zh: '可接受的最大照片字节数(默认 10 MiB)' },
  GRIDSCOPE_PHOTO_KEEP_ORIGINAL: {
    en: 'also keep each photo as uploaded, metadata (GPS) included, under <photo dir>/originals; never served',
    zh: '另外保留上传的原始照片(含 GPS 等元数据),存于 <照片目录>/originals;从不对外提供',
  },
  GRIDSCOPE_WRITE_LIMIT_PER_PRINCIPAL: {
    en: 'writes (POST/PUT/PATCH/DELETE under /api) per minute per user or token; 0 = unlimited',
    zh: '每个用户或令牌每分钟的写请求数(/api 下的 POST/PUT/PATCH/DELETE);0 = 不限',
  },
  GRIDSCOPE_WRITE_LIMIT_PER_ADDRESS: { en: 'writes per minute per client address; 0 = unlimited', zh: '每个客户端地址每分钟的写请求数;0 = 不限' },
  GRIDSCOPE_PASSWORD_COST: {
    en: 'log2 of scrypt N for new password hashes (17 = OWASP); older hashes are upgraded at sign-in',
    zh: '新密码哈希的 scrypt N 的以 2 为底的对数(17 = OWASP 建议);旧哈希在登录时升级',
  },
  GRIDSCOPE_EVENT_RETENTION_DAYS: { en: 'live events kept for replay to reconnecting clients, in days', zh: '实时事件保留天数,供重连的客户端补发' },
  GRIDSCOPE_POSITION_RETENTION_DAYS: {
    en: "days a grid worker's shared position is kept (deleted by the periodic sweep)",
    zh: '网格员共享位置的保留天数(由定期巡检删除)',
  },
  GRIDSCOPE_WALL_METRIC: { en: `grid colouring of the wall display: ${WALL_METRICS.join(', ')}`, zh: `大屏网格的着色指标:${WALL_METRICS.join(', ')}` },
  GRIDSCOPE_WALL_WINDOW: { en: `time window of the wall display: ${WALL_WINDOWS.join(', ')}`, zh: `大屏的时间窗口:${WALL_WINDOWS.join(', ')}` },
  GRIDSCOPE_WALL_MIN_GRID_PIXELS: {
    en: 'a tiled wall colours communities where its mean grid would be drawn under this many pixels a side; 0 = always grids',
    zh: '以矢量瓦片绘制的大屏,网格平均边长小于此像素数时按社区着色;0 = 始终按网格',
  },
  GRIDSCOPE_BASEMAP_STYLE_URL: {
    en: 'MapLibre style URL drawn under the wall map; empty = no basemap (offline)',
    zh: '大屏地图下方绘制的 MapLibre 样式 URL;为空 = 无底图(离线)',
  },
  GRIDSCOPE_GRID_HOUSEHOLDS: {
    en: 'households per grid in urban communities (社区), MIN-MAX, MIN- or -MAX; empty = unbounded',
    zh: '城市社区每个网格的户数,MIN-MAX、MIN- 或 -MAX;为空 = 不限',
  },
  GRIDSCOPE_GRID_HOUSEHOLDS_RURAL: { en: 'households per grid in villages (村), same form; empty = unbounded', zh: '村每个网格的户数,格式同上;为空 = 不限' },
  GRIDSCOPE_GEOMETRY_MAX_VERTICES: {
    en: 'most vertices (over all rings) of one feature in a grid import or plan edit',
    zh: '网格导入或方案编辑中单个要素的最多顶点数(所有环合计)',
  },
  GRIDSCOPE_GEOMETRY_MAX_RINGS: { en: 'most rings (outer rings and holes, over all parts) of one feature', zh: '单个要素的最多环数(外环和内洞,所有部分合计)' },
  GRIDSCOPE_IMPORT_MAX_FEATURES: { en: 'most features in one grid import', zh: '一次网格导入的最多要素数' },
  GRIDSCOPE_IMPORT_MAX_BYTES: { en: 'largest grid import body, in bytes (default 32 MiB)', zh: '网格导入请求体的最大字节数(默认 32 MiB)' },
  GRIDSCOPE_TILE_CACHE_MB: {
    en: 'vector tiles (/tiles) kept in memory per process, in MiB; 0 = none',
    zh: '每个进程在内存中缓存的矢量瓦片(/tiles),单位 MiB;0 = 不缓存',
  },
  GRIDSCOPE_TILE_GRID_THRESHOLD: {
    en: 'a wall whose region has more grids than this draws them from vector tiles (/tiles/grids), not GeoJSON',
    zh: '区域网格数超过此值时,大屏从矢量瓦片(/tiles/grids)而非 GeoJSON 绘制网格',
  },
};

function environment(lang: CliLang): string {
  const defaultIs = lang === 'zh' ? (d: string) => `(默认:${d || '未设置'})` : (d: string) => `(default: ${d || 'unset'})`;
  return Object.entries(CONFIG_VARIABLES)
    .map(([k, v]) => `  ${k.padEnd(26)} ${ENVIRONMENT_DOCS[k as ConfigVariable][lang]} ${defaultIs(v.default)}`)
    .join('\n');
}

const USAGE: Said = {
  en: `Usage: gridscope <command> [options]

Commands:
  help [COMMAND]                this text, or one command's
  serve                         start the HTTP service (builds the demo city on an empty database)
  migrate                       apply pending migrations and exit
  seed [--grids N] [--incidents N] [--seed S] [--districts FILE|synthetic] [--population FILE] [IMPORT OPTIONS]
                                build the demo city into an empty database
  import-districts FILE [IMPORT OPTIONS]
                                load a city's district boundaries (GeoJSON, features with adcode + name);
                                the next \`serve\` or \`seed\` builds the demo city on them
  create-user NAME --role ROLE [--scope CODE] [--unit CODE] [--name DISPLAY]
                                add a user; the password is read from stdin or GRIDSCOPE_NEW_PASSWORD
  rollup --rebuild              recompute the daily and heatmap rollups of incidents (safe while serving)

Import options (for --districts FILE and import-districts):
  --city-name NAME              the city's name (default: the file's city/parent name, else its code)
  --make-valid                  repair invalid geometries (ST_MakeValid, touching parts joined;
                                refused if a district's area changes by more than 0.1 %)
  --allow-overlaps              import districts that overlap or leave gaps (over 1000 m²) between them

Options for every command:
  --port N, --data-dir DIR, --database-url URL   override PORT, GRIDSCOPE_DATA_DIR, DATABASE_URL
  --help, -h                    usage (of a command: gridscope COMMAND --help)
  --version, -v                 print the version

Language: the command line speaks Chinese; GRIDSCOPE_LANG=en (or an English locale, LANG=en_US.UTF-8) for English.

Environment:
${environment('en')}
`,
  zh: `用法:gridscope <命令> [选项]

命令:
  help [命令]                   显示本说明,或某个命令的说明
  serve                         启动 HTTP 服务(数据库为空时先生成演示城市)
  migrate                       执行待执行的数据库迁移后退出
  seed [--grids N] [--incidents N] [--seed S] [--districts 文件|synthetic] [--population 文件] [导入选项]
                                在空数据库中生成演示城市
  import-districts 文件 [导入选项]
                                导入一个城市的区县边界(GeoJSON,要素带 adcode 和 name);
                                之后的 \`serve\` 或 \`seed\` 在这些区县上生成演示城市
  create-user 用户名 --role 角色 [--scope 代码] [--unit 代码] [--name 显示名]
                                添加用户;密码从标准输入或 GRIDSCOPE_NEW_PASSWORD 读取
  rollup --rebuild              重新计算事件的每日汇总和热力图汇总(服务运行中也可安全执行)

导入选项(用于 --districts 文件 和 import-districts):
  --city-name 名称              城市名称(默认取文件中的城市/上级名称,否则用其代码)
  --make-valid                  修复无效几何(ST_MakeValid,相接的部分合并;
                                区县面积变化超过 0.1 % 则拒绝)
  --allow-overlaps              导入相互重叠或留有空隙(超过 1000 m²)的区县

所有命令通用的选项:
  --port N, --data-dir 目录, --database-url URL  覆盖 PORT、GRIDSCOPE_DATA_DIR、DATABASE_URL
  --help, -h                    显示用法(某个命令的:gridscope 命令 --help)
  --version, -v                 显示版本

语言:命令行默认使用中文;设置 GRIDSCOPE_LANG=en(或英文区域设置,如 LANG=en_US.UTF-8)改用英文。

环境变量:
${environment('zh')}
`,
};

/** One paragraph per command, for `gridscope help COMMAND` and `gridscope COMMAND --help`. */
const COMMAND_HELP: Record<string, Said> = {
  serve: {
    en: 'gridscope serve [--port N] [--data-dir DIR] [--database-url URL]\n  Starts the HTTP service. On an empty database it first builds the demo city\n  (GRIDSCOPE_SEED_DEMO) and, on the embedded database, one demo user per role.',
    zh: 'gridscope serve [--port N] [--data-dir 目录] [--database-url URL]\n  启动 HTTP 服务。数据库为空时先生成演示城市(GRIDSCOPE_SEED_DEMO),\n  使用内嵌数据库时还为每个角色建一个演示用户。',
  },
  migrate: {
    en: 'gridscope migrate [--data-dir DIR] [--database-url URL]\n  Applies pending migrations (migrations/*.sql) and exits.',
    zh: 'gridscope migrate [--data-dir 目录] [--database-url URL]\n  执行待执行的迁移(migrations/*.sql)后退出。',
  },
  seed: {
    en:
      'gridscope seed [--grids N] [--incidents N] [--seed S] [--districts FILE|synthetic] [--population FILE] [--city-name NAME] [--make-valid] [--allow-overlaps]\n' +
      '  Builds the demo city into an empty database (or on districts imported before): N grids (at least one\n' +
      '  per district; default 3,261 for Zhuzhou, else from the population), N incidents over the last year,\n' +
      '  random seed S; districts from FILE (GeoJSON, checked as import-districts checks them), made up\n' +
      "  (synthetic), or by default Zhuzhou's real outline. --population FILE: residents by district code\n" +
      '  (JSON {"430102": 520000} or CSV code,population); without it, estimated by kind (区, 县, 市) and area.',
    zh:
      'gridscope seed [--grids N] [--incidents N] [--seed S] [--districts 文件|synthetic] [--population 文件] [--city-name 名称] [--make-valid] [--allow-overlaps]\n' +
      '  在空数据库中(或在之前导入的区县上)生成演示城市:N 个网格(每个区县至少一个;株洲默认 3,261 个,\n' +
      '  其他城市按人口计算),最近一年内的 N 起事件,随机种子 S;区县取自文件(GeoJSON,与 import-districts\n' +
      '  同样检查)、虚构(synthetic),默认为株洲的真实轮廓。--population 文件:按区县代码给出常住人口\n' +
      '  (JSON {"430102": 520000} 或 CSV code,population);不给则按类型(区、县、市)和面积估算。',
  },
  'import-districts': {
    en:
      'gridscope import-districts FILE [--city-name NAME] [--make-valid] [--allow-overlaps]\n' +
      "  Loads a city's district boundaries (GeoJSON features with adcode + name) into an empty database;\n" +
      '  then `gridscope serve` (npm start) or `gridscope seed` builds the demo city on them.\n' +
      '  Every geometry must be valid (--make-valid repairs it if its area changes by at most 0.1 %) and the\n' +
      '  districts must not overlap nor leave gaps over 1000 m² (--allow-overlaps imports them anyway).\n' +
      '  The city is named by --city-name, else by a city/parent name in the file, else by its code.',
    zh:
      'gridscope import-districts 文件 [--city-name 名称] [--make-valid] [--allow-overlaps]\n' +
      '  把一个城市的区县边界(GeoJSON 要素,带 adcode 和 name)导入空数据库;\n' +
      '  之后 `gridscope serve`(npm start)或 `gridscope seed` 在这些区县上生成演示城市。\n' +
      '  每个几何都须有效(--make-valid 可修复,面积变化不超过 0.1 %),区县之间不得重叠,\n' +
      '  也不得留下超过 1000 m² 的空隙(--allow-overlaps 则照样导入)。\n' +
      '  城市名称取 --city-name,否则取文件中的城市/上级名称,否则用其代码。',
  },
  'create-user': {
    en: 'gridscope create-user NAME --role ROLE [--scope CODE] [--unit CODE] [--name DISPLAY]\n  Adds a user. The password is read from stdin or GRIDSCOPE_NEW_PASSWORD.\n  Roles: commander, district_leader, staff, dispatcher, handler, grid_worker, planner, viewer.',
    zh: 'gridscope create-user 用户名 --role 角色 [--scope 代码] [--unit 代码] [--name 显示名]\n  添加用户。密码从标准输入或 GRIDSCOPE_NEW_PASSWORD 读取。\n  角色:commander, district_leader, staff, dispatcher, handler, grid_worker, planner, viewer。',
  },
  rollup: {
    en:
      'gridscope rollup --rebuild [--data-dir DIR] [--database-url URL]\n' +
      "  Recomputes the daily rollup behind the window figures (migrations/020) and the heatmap's rollup\n" +
      '  (migrations/022) from the incidents, in one transaction. Safe on a live database: reads go on,\n' +
      '  incident writes wait for it and then apply on top.',
    zh:
      'gridscope rollup --rebuild [--data-dir 目录] [--database-url URL]\n' +
      '  在一个事务中由事件重新计算窗口数据背后的每日汇总(migrations/020)和热力图汇总(migrations/022)。\n' +
      '  可在运行中的数据库上执行:' +
      '读取照常,事件写入等它完成后再叠加上去。',
  },
  help: {
    en: 'gridscope help [COMMAND]\n  Prints the usage of every command, or of one.',
    zh: 'gridscope help [命令]\n  显示所有命令的用法,或某一个命令的。',
  },
};

/** The whole usage text in `lang`. */
export function usage(lang: CliLang): string {
  return USAGE[lang];
}

/** One command's help in `lang`, or undefined for a command that does not exist. */
export function commandHelp(topic: string, lang: CliLang): string | undefined {
  return Object.hasOwn(COMMAND_HELP, topic) ? COMMAND_HELP[topic]![lang] : undefined;
}
