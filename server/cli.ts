#!/usr/bin/env -S node --import tsx
import { parseArgs } from 'node:util';
import { CONFIG_VARIABLES, loadConfig } from './config.js';
import type { Config } from './config.js';
import type { InsertOptions } from '../geodata/district-import.js';
import { importSays, type ImportLang } from '../geodata/district-import-messages.js';
import type { Database } from './db/database.js';
import packageJson from '../package.json' with { type: 'json' };
import { createUserModule, districtImportModule, serverModule as server } from './cli-modules.js';
// Light (types only): needs no lazy load.
import { rebuildRollups } from './repositories/daily-rollup.js';

const USAGE = `Usage: gridscope <command> [options]

Commands:
  help [COMMAND]                this text, or one command's
  serve                         start the HTTP service (builds the demo city on an empty database)
  migrate                       apply pending migrations and exit
  seed [--grids N] [--incidents N] [--seed S] [--districts FILE|synthetic] [--population FILE] [IMPORT OPTIONS]
                                build the demo city into an empty database
  import-districts FILE [IMPORT OPTIONS]
                                load a city's district boundaries (GeoJSON, features with adcode + name);
                                the next \`serve\` or \`seed\` builds the demo city on them

Import options (for --districts FILE and import-districts):
  --city-name NAME              the city's name (default: the file's city/parent name, else its code)
  --make-valid                  repair invalid geometries (ST_MakeValid, touching parts joined;
                                refused if a district's area changes by more than 0.1 %)
  --allow-overlaps              import districts that overlap or leave gaps (over 1000 m²) between them
                                (the importer speaks Chinese; GRIDSCOPE_LANG=en or an English locale for English)
  create-user NAME --role ROLE [--scope CODE] [--unit CODE] [--name DISPLAY]
                                add a user; the password is read from stdin or GRIDSCOPE_NEW_PASSWORD
  rollup --rebuild              recompute the daily and heatmap rollups of incidents (safe while serving)

Options for every command:
  --port N, --data-dir DIR, --database-url URL   override PORT, GRIDSCOPE_DATA_DIR, DATABASE_URL
  --help, -h                    usage (of a command: gridscope COMMAND --help)
  --version, -v                 print the version

Environment:
${Object.entries(CONFIG_VARIABLES)
  .map(([k, v]) => `  ${k.padEnd(26)} ${v.doc} (default: ${v.default || 'unset'})`)
  .join('\n')}
`;

/** One paragraph per command, for `gridscope help COMMAND` and `gridscope COMMAND --help`. */
const COMMAND_HELP: Record<string, string> = {
  serve:
    'gridscope serve [--port N] [--data-dir DIR] [--database-url URL]\n  Starts the HTTP service. On an empty database it first builds the demo city\n  (GRIDSCOPE_SEED_DEMO) and, on the embedded database, one demo user per role.',
  migrate: 'gridscope migrate [--data-dir DIR] [--database-url URL]\n  Applies pending migrations (migrations/*.sql) and exits.',
  seed:
    'gridscope seed [--grids N] [--incidents N] [--seed S] [--districts FILE|synthetic] [--population FILE] [--city-name NAME] [--make-valid] [--allow-overlaps]\n' +
    '  Builds the demo city into an empty database (or on districts imported before): N grids (at least one\n' +
    '  per district; default 3,261 for Zhuzhou, else from the population), N incidents over the last year,\n' +
    '  random seed S; districts from FILE (GeoJSON, checked as import-districts checks them), made up\n' +
    "  (synthetic), or by default Zhuzhou's real outline. --population FILE: residents by district code\n" +
    '  (JSON {"430102": 520000} or CSV code,population); without it, estimated by kind (区, 县, 市) and area.',
  'import-districts':
    'gridscope import-districts FILE [--city-name NAME] [--make-valid] [--allow-overlaps]\n' +
    "  Loads a city's district boundaries (GeoJSON features with adcode + name) into an empty database;\n" +
    '  then `gridscope serve` (npm start) or `gridscope seed` builds the demo city on them.\n' +
    '  Every geometry must be valid (--make-valid repairs it if its area changes by at most 0.1 %) and the\n' +
    '  districts must not overlap nor leave gaps over 1000 m² (--allow-overlaps imports them anyway).\n' +
    '  The city is named by --city-name, else by a city/parent name in the file, else by its code.\n' +
    '  Its messages are in Chinese; GRIDSCOPE_LANG=en (or LANG=en_…) prints them in English.',
  'create-user':
    'gridscope create-user NAME --role ROLE [--scope CODE] [--unit CODE] [--name DISPLAY]\n  Adds a user. The password is read from stdin or GRIDSCOPE_NEW_PASSWORD.\n  Roles: commander, district_leader, staff, dispatcher, handler, grid_worker, planner, viewer.',
  rollup:
    'gridscope rollup --rebuild [--data-dir DIR] [--database-url URL]\n' +
    "  Recomputes the daily rollup behind the window figures (migrations/020) and the heatmap's rollup\n" +
    '  (migrations/022) from the incidents, in one transaction. Safe on a live database: reads go on, incident writes wait for it and then apply on top.',
  help: 'gridscope help [COMMAND]\n  Prints the usage of every command, or of one.',
};

/** A numeric flag checked here, so that a bad value names the flag rather than the variable it sets. */
function wholeNumberFlag(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d+$/.test(value.trim())) throw new UsageError(`--${flag} must be a whole number, got ${JSON.stringify(value)}`);
  return value?.trim();
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    // node:util's messages are clear but long-winded; keep the first sentence.
    throw new UsageError((err as Error).message.split(/\. (?=To specify)/)[0]!.replace(/^Unknown option/, 'unknown option'));
  }
}

const OPTIONS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  grids: { type: 'string' },
  incidents: { type: 'string' },
  seed: { type: 'string' },
  districts: { type: 'string' },
  population: { type: 'string' },
  'city-name': { type: 'string' },
  'make-valid': { type: 'boolean' },
  'allow-overlaps': { type: 'boolean' },
  role: { type: 'string' },
  scope: { type: 'string' },
  unit: { type: 'string' },
  name: { type: 'string' },
  rebuild: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandLine(argv);
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`gridscope ${packageJson.version}\n`);
    return;
  }
  if (command === 'help' || values.help || !command) {
    const topic = command === 'help' ? rest[0] : command;
    if (!topic) return void process.stdout.write(USAGE);
    const text = COMMAND_HELP[topic];
    if (!text) throw new UsageError(`unknown command ${JSON.stringify(topic)}`);
    return void process.stdout.write(`${text}\n`);
  }
  values.grids = wholeNumberFlag('grids', values.grids);
  values.incidents = wholeNumberFlag('incidents', values.incidents);
  values.seed = wholeNumberFlag('seed', values.seed);
  values.port = wholeNumberFlag('port', values.port);
  const env = { ...process.env };
  if (values.port) env.PORT = values.port;
  if (values['data-dir']) env.GRIDSCOPE_DATA_DIR = values['data-dir'];
  if (values['database-url']) env.DATABASE_URL = values['database-url'];
  if (values.grids) env.GRIDSCOPE_DEMO_GRIDS = values.grids;
  if (values.incidents) env.GRIDSCOPE_DEMO_INCIDENTS = values.incidents;
  if (values.seed) env.GRIDSCOPE_DEMO_SEED = values.seed;
  if (values.districts) env.GRIDSCOPE_DEMO_DISTRICTS = values.districts;
  if (values.population) env.GRIDSCOPE_DEMO_POPULATION = values.population;
  const config = loadConfig(env);
  const say = (line: string) => console.log(line);
  const districtImport: InsertOptions = {
    cityName: values['city-name']?.trim() || undefined,
    makeValid: values['make-valid'],
    allowOverlaps: values['allow-overlaps'],
    report: say,
    lang: LANG,
  };

  switch (command) {
    case 'serve':
      return (await server()).serve(config);
    case 'migrate':
      return withDatabase(config, async () => say('database is up to date'));
    case 'seed': {
      const { seedConfiguredCity } = await server();
      return withDatabase(config, (db) => seedConfiguredCity(db, config, say, districtImport));
    }
    case 'import-districts': {
      const file = rest[0];
      if (!file) throw new UsageError(LANG === 'zh' ? 'import-districts 需要一个 GeoJSON 文件' : 'import-districts needs a GeoJSON file');
      const { insertDistricts, readDistrictSource } = await districtImportModule();
      const { features, cityName } = readDistrictSource(file);
      const options = { ...districtImport, cityName: districtImport.cityName ?? cityName };
      return withDatabase(config, async (db) => {
        await db.transaction(async (tx) => {
          const [{ n }] = (await tx.query<{ n: number }>('SELECT count(*)::int n FROM region')) as [{ n: number }];
          if (n > 0) throw new UsageError(importSays.notEmpty()[LANG]);
          await insertDistricts(tx, features, options);
        });
        const [city] = await db.query<{ code: string; name: string }>("SELECT code, name FROM region WHERE level = 'city'");
        say(importSays.imported(features)[LANG]);
        say(importSays.city(city!.code, city!.name)[LANG]);
        if (!options.cityName && city!.name === city!.code) say(importSays.cityNamedByCode()[LANG]);
        say(importSays.next()[LANG]);
      });
    }
    case 'create-user': {
      const username = rest[0];
      if (!username || !values.role) throw new UsageError('create-user needs a username and --role');
      const { createUserCommand, readPassword } = await createUserModule();
      const password = await readPassword(process.env);
      return withDatabase(config, async (db) =>
        say(
          await createUserCommand(db, {
            username,
            role: values.role!,
            scope: values.scope,
            unit: values.unit,
            name: values.name,
            password,
          }),
        ),
      );
    }
    case 'rollup':
      if (!values.rebuild) throw new UsageError('rollup needs --rebuild');
      return withDatabase(config, async (db) => {
        const { daily, heat } = await db.transaction((tx) => rebuildRollups(tx));
        say(`rollups rebuilt: daily ${daily} rows, heat ${heat} rows`);
      });
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

class UsageError extends Error {}

/**
 * The operator's language for what the importer says: GRIDSCOPE_LANG (zh or
 * en), else English when the locale (LC_ALL, LC_MESSAGES, LANG) is, else Chinese.
 */
function cliLang(env: NodeJS.ProcessEnv): ImportLang {
  const set = env.GRIDSCOPE_LANG?.trim().toLowerCase();
  if (set === 'zh' || set === 'en') return set;
  return /^en([_.-]|$)/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'en' : 'zh';
}
const LANG = cliLang(process.env);

const EXPECTED_FAILURES = new Set([
  'CreateUserRefused',
  'ConfigError',
  'DataDirInUseError',
  'MigrationError',
  'ImportRejected',
  'CityAlreadySeeded',
  UsageError.name,
]);

async function withDatabase(config: Config, work: (db: Database) => Promise<void>) {
  const db = await (await server()).openMigratedDatabase(config, (line) => console.log(line));
  try {
    await work(db);
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Expected failures get one clear line; anything else its stack too.
  // By class name: the classes live in modules that only some commands load.
  const known = err instanceof Error && EXPECTED_FAILURES.has(err.constructor.name);
  const said = err instanceof Error && 'messageIn' in err ? (err as Error & { messageIn(l: ImportLang): string }).messageIn(LANG) : (err as Error)?.message;
  console.error(`gridscope: ${known ? said : ((err as Error)?.stack ?? String(err))}`);
  if (err instanceof UsageError) console.error('run "gridscope --help" for usage');
  process.exit(1);
});
