// The CLI's heavy modules (the server, the database, the importer), loaded by the commands that
// use them, so that `--version`, `help` and a usage error answer at once instead of after loading
// PGlite and Fastify. A module of its own because tsx cannot transform a dynamic import in a file
// that starts with a shebang (server/cli.ts).

export const serverModule = () => import('./server.js');
export const districtImportModule = () => import('../geodata/district-import.js');
export const createUserModule = () => import('./auth/create-user-command.js');
