import { readFileSync } from 'node:fs';

/** Reads a .sql file that sits beside the repository using it, once, at import. */
export function sqlFile(name: string): string {
  return readFileSync(new URL(`./sql/${name}`, import.meta.url), 'utf8');
}
