#!/usr/bin/env -S node --import tsx
import { parseArgs } from 'node:util';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from './config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { createUserCommand, CreateUserRefused, readPassword } from './auth/create-user-command.js';
import { MigrationError } from './db/migrate.js';
import { ImportRejected, insertDistricts, readDistrictFile } from '../geodata/district-import.js';
import { CityAlreadySeeded } from '../geodata/demo-city/seed-demo-city.js';
import { openMigratedDatabase, seedConfiguredCity, serve } from './server.js';

const USAGE = `Usage: gridscope <command> [options]

Commands:
  serve                         start the HTTP service (builds the demo city on an empty database)
  migrate                       apply pending migrations and exit
  seed [--grids N] [--incidents N] [--seed S] [--districts FILE]
                                build the demo city into an empty database
  import-districts FILE         load a city's district boundaries (GeoJSON, features with adcode + name)
  create-user NAME --role ROLE [--scope CODE] [--unit CODE] [--name DISPLAY]
                                add a user; the password is read from stdin or GRIDSCOPE_NEW_PASSWORD

Options for every command:
  --port N, --data-dir DIR, --database-url URL   override PORT, GRIDSCOPE_DATA_DIR, DATABASE_URL

Environment:
${Object.entries(CONFIG_VARIABLES).map(([k, v]) => `  ${k.padEnd(26)} ${v.doc} (default: ${v.default || 'unset'})`).join('\n')}
`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      grids: { type: 'string' },
      incidents: { type: 'string' },
      seed: { type: 'string' },
      districts: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      unit: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  const env = { ...process.env };
  if (values.port) env.PORT = values.port;
  if (values['data-dir']) env.GRIDSCOPE_DATA_DIR = values['data-dir'];
  if (values['database-url']) env.DATABASE_URL = values['database-url'];
  if (values.grids) env.GRIDSCOPE_DEMO_GRIDS = values.grids;
  if (values.incidents) env.GRIDSCOPE_DEMO_INCIDENTS = values.incidents;
  if (values.seed) env.GRIDSCOPE_DEMO_SEED = values.seed;
  if (values.districts) env.GRIDSCOPE_DEMO_DISTRICTS = values.districts;
  const config = loadConfig(env);
  const say = (line: string) => console.log(line);

  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      return withDatabase(config, async () => say('database is up to date'));
    case 'seed':
      return withDatabase(config, (db) => seedConfiguredCity(db, config, say));
    case 'import-districts': {
      const file = rest[0];
      if (!file) throw new UsageError('import-districts needs a GeoJSON file');
      const features = readDistrictFile(file);
      return withDatabase(config, async (db) => {
        await db.transaction(async (tx) => {
          const [{ n }] = (await tx.query<{ n: number }>('SELECT count(*)::int n FROM region')) as [{ n: number }];
          if (n > 0) throw new UsageError('the database already holds regions; import districts into an empty database');
          await insertDistricts(tx, features);
        });
        say(`imported ${features.length} districts: ${features.map((f) => `${f.code} ${f.name}`).join(', ')}`);
      });
    }
    case 'create-user': {
      const username = rest[0];
      if (!username || !values.role) throw new UsageError('create-user needs a username and --role');
      const password = await readPassword(process.env);
      return withDatabase(config, async (db) => say(await createUserCommand(db, {
        username, role: values.role!, scope: values.scope, unit: values.unit, name: values.name, password,
      })));
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

class UsageError extends Error {}

async function withDatabase(config: Config, work: (db: Awaited<ReturnType<typeof openMigratedDatabase>>) => Promise<void>) {
  const db = await openMigratedDatabase(config, (line) => console.log(line));
  try {
    await work(db);
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Expected failures get one clear line; anything else its stack too.
  const known = [CreateUserRefused, ConfigError, DataDirInUseError, MigrationError, ImportRejected, CityAlreadySeeded, UsageError].some((k) => err instanceof k);
  console.error(`gridscope: ${known ? (err as Error).message : (err as Error)?.stack ?? String(err)}`);
  if (err instanceof UsageError) console.error('run "gridscope --help" for usage');
  process.exit(1);
});
