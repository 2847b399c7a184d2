import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layer rule of STYLE.md, "Layers in Gridscope": the browser may use
 * server/contract/ and nothing else of the server, and server/contract/ is
 * pure (it is bundled into pages), importing only TypeBox and itself.
 * A test rather than a convention: a violation names the file and line.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WEB = join(ROOT, 'web');
const SERVER = join(ROOT, 'server');
const CONTRACT = join(SERVER, 'contract');
/** Packages the contract may import: the schema library only. */
const CONTRACT_PACKAGES = new Set(['typebox']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs|html)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface ImportSite {
  file: string;
  line: number;
  specifier: string;
}

/** Static imports, re-exports, side-effect imports and dynamic import() calls, with their line. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): ImportSite[] {
  const sites: ImportSite[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;
  for (const m of text.matchAll(pattern)) {
    sites.push({ file, line: text.slice(0, m.index).split('\n').length, specifier: m[2]! });
  }
  return sites;
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);
const where = (s: ImportSite) => `${relative(ROOT, s.file)}:${s.line} imports '${s.specifier}'`;

/** Where an import points on disk, or null for a package. */
function target(site: ImportSite): string | null {
  if (!site.specifier.startsWith('.') && !site.specifier.startsWith('/')) return null;
  const base = site.specifier.startsWith('/') ? ROOT : dirname(site.file);
  return resolve(base, site.specifier.replace(/^\//, ''));
}

/** A page's import reaching into the server outside the contract. */
function webBreach(s: ImportSite): boolean {
  const to = target(s);
  return to !== null && inside(to, SERVER) && !inside(to, CONTRACT);
}

/** A contract import of anything but its packages and its own files. */
function contractBreach(s: ImportSite): boolean {
  const to = target(s);
  return to === null ? !CONTRACT_PACKAGES.has(s.specifier) : !inside(to, CONTRACT);
}

function webViolations(files: string[]): string[] {
  return files
    .flatMap((f) => importsOf(f))
    .filter(webBreach)
    .map((s) => `${where(s)}: the browser may import server/contract/ only`);
}

function contractViolations(files: string[]): string[] {
  return files
    .flatMap((f) => importsOf(f))
    .filter(contractBreach)
    .map((s) => `${where(s)}: server/contract/ may import only ${[...CONTRACT_PACKAGES].join(', ')} and itself`);
}

describe('import boundaries', () => {
  it('web/ imports nothing of server/ but server/contract/', () => {
    const files = sourceFiles(WEB);
    expect(files.length).toBeGreaterThan(20);
    expect(webViolations(files)).toEqual([]);
  });

  it('server/contract/ imports nothing but typebox and itself', () => {
    const files = sourceFiles(CONTRACT);
    expect(files.length).toBeGreaterThan(5);
    expect(contractViolations(files)).toEqual([]);
  });

  it('reports an offending import with its file and line (the checks can fail)', () => {
    const page = join(WEB, 'example', 'page.ts');
    const pageText = "import { html } from 'lit';\nimport type { X } from '../../server/contract/x.js';\nimport { ROLES } from '../../server/auth/roles.js';\n";
    const sites = importsOf(page, pageText);
    expect(sites.map((s) => s.line)).toEqual([1, 2, 3]);
    expect(sites.filter(webBreach).map(where)).toEqual(["web/example/page.ts:3 imports '../../server/auth/roles.js'"]);

    const schema = join(CONTRACT, 'example.ts');
    const schemaText =
      "import { Type } from 'typebox';\nimport { DateTime } from './common-schemas.js';\nimport { badRequest } from '../http-errors.js';\nimport pg from 'pg';\n";
    expect(importsOf(schema, schemaText).filter(contractBreach).map(where)).toEqual([
      "server/contract/example.ts:3 imports '../http-errors.js'",
      "server/contract/example.ts:4 imports 'pg'",
    ]);
  });
});
