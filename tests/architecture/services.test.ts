import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of STYLE.md, read from the source: services know nothing of
 * HTTP (no Fastify, no request or reply, no HttpError, no auth plugin, not
 * even through a module they import) and run no SQL, repositories hold the
 * SQL and no HTTP errors, and routes neither open transactions nor write audit entries.
 * Each finding names the file and line, and for an indirect import the chain.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = join(ROOT, 'server');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const rel = (file: string) => relative(ROOT, file);
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

interface ImportRef {
  specifier: string;
  line: number;
}

/** Every module a file imports or re-exports, statically or with import(), types included. */
function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const found: ImportRef[] = [];
  const patterns = [/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gms, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) found.push({ specifier: m[1]!, line: lineOf(text, m.index! + m[0].indexOf(m[1]!)) });
  }
  return found;
}

/** The file a relative specifier names (our sources import `./x.js` for `./x.ts`), or null for a package. */
function resolveLocal(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
}

/** Why a module may not be reached from a service, or null. */
function httpModule(specifier: string, resolved: string | null): string | null {
  if (/^(fastify|fastify-plugin|@fastify\/)/.test(specifier)) return `the package ${specifier}`;
  if (!resolved) return null;
  const r = relative(SERVER, resolved);
  if (r === 'http-errors.ts') return 'server/http-errors.ts (HttpError carries HTTP statuses)';
  if (r.startsWith('plugins/')) return `a Fastify plugin (server/${r})`;
  if (r.startsWith('routes/')) return `a route module (server/${r})`;
  return null;
}

describe('server/services/ does not know HTTP', () => {
  const services = tsFiles(join(SERVER, 'services'));

  it('has services to check', () => {
    expect(services.length).toBeGreaterThan(5);
  });

  it('imports neither Fastify, the plugins, the routes nor HttpError, directly or through another module', () => {
    const findings: string[] = [];
    for (const service of services) {
      // Breadth-first over local imports, keeping the chain that led to each module.
      const seen = new Map<string, string[]>([[service, [`${rel(service)}`]]]);
      const queue = [service];
      while (queue.length) {
        const file = queue.shift()!;
        for (const ref of importsOf(file)) {
          const target = resolveLocal(file, ref.specifier);
          const chain = [...seen.get(file)!.slice(0, -1), `${rel(file)}:${ref.line}`];
          const why = httpModule(ref.specifier, target);
          if (why) findings.push(`${chain.join(' → ')} imports ${why}`);
          else if (target && target.startsWith(SERVER) && !seen.has(target)) {
            seen.set(target, [...chain, rel(target)]);
            queue.push(target);
          }
        }
      }
    }
    expect([...new Set(findings)]).toEqual([]);
  });

  it('never names a request, a reply or an HTTP error class', () => {
    const findings: string[] = [];
    for (const service of services) {
      const text = readFileSync(service, 'utf8');
      for (const m of text.matchAll(/\b(FastifyRequest|FastifyReply|FastifyInstance|HttpError|statusCode|reply\.(?:status|code|send|header))\b/g)) {
        findings.push(`${rel(service)}:${lineOf(text, m.index!)} names ${m[1]}`);
      }
    }
    expect(findings).toEqual([]);
  });

  it('runs no SQL of its own: statements live in the repositories (SQL files beside them)', () => {
    const findings: string[] = [];
    for (const service of services) {
      const text = readFileSync(service, 'utf8');
      // A statement run on a connection, a SQL file read, or a statement's text in a string.
      for (const m of text.matchAll(
        /\b(?:db|tx)\.(?:query|exec)\b|\bsqlFile\(|sql-file\.js|['"`]\s*(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|WITH \w+ AS)\b/g,
      ))
        findings.push(`${rel(service)}:${lineOf(text, m.index!)} ${m[0].trim()}`);
    }
    expect(findings).toEqual([]);
  });
});

describe('the other layers keep to their part', () => {
  it('repositories import no HTTP errors, no Fastify and no services (refusals are decided above them)', () => {
    const findings = tsFiles(join(SERVER, 'repositories')).flatMap((file) =>
      importsOf(file)
        .filter((ref) => httpModule(ref.specifier, resolveLocal(file, ref.specifier)) || /\/services\//.test(resolveLocal(file, ref.specifier) ?? ''))
        .map((ref) => `${rel(file)}:${ref.line} imports ${ref.specifier}`),
    );
    expect(findings).toEqual([]);
  });

  it('routes open no transactions and write no audit entries: services do', () => {
    const findings: string[] = [];
    for (const file of tsFiles(join(SERVER, 'routes'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\.transaction\(|\baudit\.record\(|\brecordAudit\(/g))
        findings.push(`${rel(file)}:${lineOf(text, m.index!)} calls ${m[0]}`);
    }
    expect(findings).toEqual([]);
  });

  it('audit entries are written through services/audit.ts alone', () => {
    const findings: string[] = [];
    for (const file of tsFiles(SERVER)) {
      if (file === join(SERVER, 'services', 'audit.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\baudit\.record\(|INSERT INTO audit_log/g))
        findings.push(`${rel(file)}:${lineOf(text, m.index!)} writes the audit log with ${m[0]}`);
    }
    // The repository's own INSERT is the one statement the helper runs.
    expect(findings.filter((f) => !f.startsWith('server/repositories/audit-repository.ts'))).toEqual([]);
  });
});

describe('every reason a service names has a status and words', () => {
  it('each literal reason of a DomainError is in server/errors/messages.ts', async () => {
    const { MESSAGES } = await import('../../server/errors/messages.js');
    const findings: string[] = [];
    for (const file of tsFiles(SERVER)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new DomainError\(\s*'([a-z_]+)'|\bcode: '([a-z_]+)'(?=, message)/g)) {
        const reason = m[1] ?? m[2]!;
        if (!Object.hasOwn(MESSAGES, reason)) findings.push(`${rel(file)}:${lineOf(text, m.index!)} throws ${reason}, which has no status in messages.ts`);
      }
    }
    // Reasons built at run time: the plan lifecycle's, undo/redo's.
    for (const reason of ['plan_not_editable', 'nothing_to_undo', 'nothing_to_redo'])
      if (!Object.hasOwn(MESSAGES, reason)) findings.push(`${reason} has no status`);
    expect(findings).toEqual([]);
  });
});
