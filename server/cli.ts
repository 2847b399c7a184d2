#!/usr/bin/env -S node --import tsx
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import type { Config } from './config.js';
import type { InsertOptions } from '../geodata/district-import.js';
import { importSays } from '../geodata/district-import-messages.js';
import { cliLang, cliSays, SaidError, type CliLang } from './cli-messages.js';
import { commandHelp, usage } from './cli-help.js';
import { crashLines } from './cli-crash.js';
import type { Database } from './db/database.js';
import packageJson from '../package.json' with { type: 'json' };
import { createUserModule, districtImportModule, serverModule as server } from './cli-modules.js';
// Light (types only): needs no lazy load.
import { rebuildRollups } from './repositories/daily-rollup.js';

/** A numeric flag checked here, so that a bad value names the flag rather than the variable it sets. */
function wholeNumberFlag(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d+$/.test(value.trim())) throw new UsageError(cliSays.notWholeNumber(flag, value));
  return value?.trim();
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    // node:util's messages are clear but long-winded (and English): name the unknown option ourselves, keep the first sentence of others.
    const nodeSays = (err as Error).message.split(/\. (?=To specify)/)[0]!;
    const unknown = /^Unknown option (.+)$/.exec(nodeSays);
    throw new UsageError(unknown ? cliSays.unknownOption(unknown[1]!) : cliSays.badArguments(nodeSays));
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
    if (!topic) return void process.stdout.write(usage(LANG));
    const text = commandHelp(topic, LANG);
    if (!text) throw new UsageError(cliSays.unknownCommand(topic));
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
      return (await server()).serve(config, LANG);
    case 'migrate':
      return withDatabase(config, async () => say(cliSays.upToDate()[LANG]));
    case 'seed': {
      const { seedConfiguredCity } = await server();
      return withDatabase(config, (db) => seedConfiguredCity(db, config, say, districtImport));
    }
    case 'import-districts': {
      const file = rest[0];
      if (!file) throw new UsageError(cliSays.importNeedsFile());
      const { insertDistricts, readDistrictSource } = await districtImportModule();
      const { features, cityName } = readDistrictSource(file);
      const options = { ...districtImport, cityName: districtImport.cityName ?? cityName };
      return withDatabase(config, async (db) => {
        await db.transaction(async (tx) => {
          const [{ n }] = (await tx.query<{ n: number }>('SELECT count(*)::int n FROM region')) as [{ n: number }];
          if (n > 0) throw new UsageError(importSays.notEmpty());
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
      if (!username || !values.role) throw new UsageError(cliSays.createUserNeeds());
      const { createUserCommand, readPassword, refuseBadNewUser } = await createUserModule();
      const user = { username, role: values.role, scope: values.scope, unit: values.unit, name: values.name, password: await readPassword(process.env) };
      // Before the database is opened: a typo is answered at once (create-user-command.ts).
      refuseBadNewUser(user);
      return withDatabase(config, async (db) => say((await createUserCommand(db, user))[LANG]));
    }
    case 'rollup':
      if (!values.rebuild) throw new UsageError(cliSays.rollupNeedsRebuild());
      return withDatabase(config, async (db) => {
        const { daily, heat } = await db.transaction((tx) => rebuildRollups(tx));
        say(cliSays.rollupRebuilt(daily, heat)[LANG]);
      });
    default:
      throw new UsageError(cliSays.unknownCommand(command));
  }
}

class UsageError extends SaidError {}

/** What the CLI says to a person is in this language: Chinese unless GRIDSCOPE_LANG or the locale says English. */
const LANG: CliLang = cliLang(process.env);

const EXPECTED_FAILURES = new Set([
  'CreateUserRefused',
  'ConfigError',
  'DataDirInUseError',
  'MigrationError',
  'ImportRejected',
  'CityAlreadySeeded',
  'PopulationFileRejected',
  UsageError.name,
]);

async function withDatabase(config: Config, work: (db: Database) => Promise<void>) {
  const db = await (await server()).openMigratedDatabase(config, (line) => console.log(line), LANG);
  try {
    await work(db);
  } finally {
    await db.close();
  }
}

/** The one place a command's failure ends the process: one line, in the operator's language, and exit code 1. */
main(process.argv.slice(2)).catch((err: unknown) => {
  // Expected failures say what to do; anything else names what failed (cli-crash.ts).
  // By class name: the classes live in modules that only some commands load.
  const known = err instanceof Error && EXPECTED_FAILURES.has(err.constructor.name);
  if (known) console.error(`gridscope: ${'messageIn' in err ? (err as SaidError).messageIn(LANG) : err.message}`);
  else for (const line of crashLines(err, commandOf(process.argv.slice(2)), LANG, process.env)) console.error(line);
  if (err instanceof UsageError) console.error(cliSays.seeUsage()[LANG]);
  process.exit(1);
});

/** The command a failed run was given, for its crash line. */
function commandOf(argv: string[]): string | undefined {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS, strict: false }).positionals[0];
}
