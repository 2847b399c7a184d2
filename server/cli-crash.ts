/**
 * What the command line says when a command fails where nothing expected it
 * to (a bug, a database that refuses the connection, a file the system will
 * not give us): one line in the operator's language naming the command and
 * what failed. The stack trace is for developers: printed only with
 * GRIDSCOPE_DEBUG=1 (`serve` also logs it, with the JSON logs); a person
 * acts on the first line of the error, which is what they get.
 */
import { cliSays, type CliLang } from './cli-messages.js';

/** GRIDSCOPE_DEBUG set to anything but empty, 0, false, no or off. */
export function debugWanted(env: NodeJS.ProcessEnv): boolean {
  const raw = env.GRIDSCOPE_DEBUG?.trim().toLowerCase() ?? '';
  return raw !== '' && !['0', 'false', 'no', 'off'].includes(raw);
}

/** The lines to print on stderr for an unexpected failure of `command` (undefined: before one was chosen). */
export function crashLines(err: unknown, command: string | undefined, lang: CliLang, env: NodeJS.ProcessEnv): string[] {
  const lines = [`gridscope: ${cliSays.crashed(command ?? 'gridscope', whatFailed(err), debugWanted(env))[lang]}`];
  if (debugWanted(env)) lines.push(err instanceof Error && err.stack ? err.stack : String(err));
  return lines;
}

/**
 * The error's first line, with its class when that says something (TypeError)
 * and credentials cut out of any connection string it quotes. A connection
 * refused on every address of a host is an AggregateError with no message of
 * its own: its first error's is used.
 */
export function whatFailed(err: unknown): string {
  let e = err;
  if (e instanceof AggregateError && !e.message && e.errors.length > 0) e = e.errors[0];
  const text = e instanceof Error ? `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message || (e as { code?: string }).code || ''}` : String(e);
  const first = text.split('\n').find((l) => l.trim()) ?? text;
  return first.replace(/\/\/[^@/\s]*@/g, '//***@').trim();
}
