/**
 * `gridscope help` and `gridscope help COMMAND` in Chinese and English. The
 * command names, options and environment variables are the same in both; the
 * environment variables' one-line descriptions (server/config.ts) are English
 * only, as the README's configuration table is.
 */
import type { CliLang, Said } from './cli-messages.js';
import { CONFIG_VARIABLES } from './config.js';

const ENVIRONMENT = Object.entries(CONFIG_VARIABLES)
  .map(([k, v]) => `  ${k.padEnd(26)} ${v.doc} (default: ${v.default || 'unset'})`)
  .join('\n');

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
${ENVIRONMENT}
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

环境变量(说明为英文):
${ENVIRONMENT}
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
