import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * STYLE.md: source files stay under ~300 formatted lines (Biome formats them
 * in CI, so a line count here is a formatted count). A file that grows past
 * it is split where it has two jobs, not squeezed. The product's code only:
 * a test file is mostly a table of cases and may be longer.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 300;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.(ts|sql|html|css)$/.test(e.name) ? [path] : [];
  });
}

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

describe('file size', () => {
  const sources = ['server', 'web'].flatMap((d) => files(join(ROOT, d)));

  it('finds the sources to measure', () => {
    expect(sources.length).toBeGreaterThan(200);
  });

  it(`keeps every file of server/ and web/ at ${MAX_LINES} lines or fewer`, () => {
    const long = sources
      .map((f) => ({ file: relative(ROOT, f), lines: lineCount(readFileSync(f, 'utf8')) }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });

  it('counts lines as wc -l does (the check can fail)', () => {
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount(`${'x\n'.repeat(MAX_LINES + 1)}`)).toBeGreaterThan(MAX_LINES);
  });
});
