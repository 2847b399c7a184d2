import type { Words } from './messages.js';

/**
 * Values that pass JSON parsing and schema validation but that the database
 * cannot store, or that mean nothing:
 *
 * - the NUL character: PostgreSQL text cannot hold U+0000 (22021 / 22P05);
 * - a lone UTF-16 surrogate ("\ud800"): JSON.parse accepts it, but it is not
 *   Unicode text; the drivers would silently turn it into U+FFFD, and jsonb
 *   refuses its escape outright;
 * - a number that is not finite: `1e309` in a JSON body parses to Infinity,
 *   and ajv's type coercion turns `?limit=Infinity` or `/1e309` into one
 *   without running minimum/maximum on it (its range checks skip non-finite
 *   numbers), so it reaches SQL or arithmetic (`zoom=-1e309` gave NaN cells);
 * - nesting deeper than any of our documents (GeoJSON needs under 10 levels).
 *
 * The walk is iterative (no stack overflow on deep input) and builds a path
 * only for the value it reports.
 */
export const MAX_DEPTH = 64;

export interface UnsafeInput {
  /** Where, e.g. `body.districts.0` or `querystring.actor`; ASCII whatever the keys. */
  field: string;
  words: Words;
}

const NUL: Words = { en: 'must not contain the NUL character (U+0000)', zh: '不能包含空字符（U+0000）' };
const LONE_SURROGATE: Words = { en: 'must be valid Unicode text (it contains a lone surrogate)', zh: '必须是有效的 Unicode 文本（含有孤立的代理字符）' };
const NOT_FINITE: Words = { en: 'must be a finite number', zh: '必须是有限的数值' };
const TOO_DEEP: Words = { en: `nested more than ${MAX_DEPTH} levels deep`, zh: `嵌套层级超过 ${MAX_DEPTH} 层` };
const KEY_NUL: Words = { en: `a property name ${NUL.en}`, zh: `属性名${NUL.zh}` };
const KEY_SURROGATE: Words = { en: `a property name ${LONE_SURROGATE.en}`, zh: `属性名${LONE_SURROGATE.zh}` };

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(s: string, nul: Words, surrogate: Words): Words | undefined {
  if (s.includes('\u0000')) return nul;
  if (LONE_SURROGATE_RE.test(s)) return surrogate;
  return undefined;
}

interface PathNode {
  parent: PathNode | undefined;
  key: string | number;
}

/** One path segment, as ajv writes them (`a.b.0`), with odd keys quoted and escaped to ASCII. */
function segment(key: string | number): string {
  if (typeof key === 'number' || /^[A-Za-z0-9_$-]{1,64}$/.test(key)) return `.${key}`;
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return `[${JSON.stringify(shown).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}]`;
}

function pathOf(root: string, node: PathNode | undefined): string {
  const parts: string[] = [];
  for (let n = node; n; n = n.parent) parts.push(segment(n.key));
  return root + parts.reverse().join('');
}

function scalarProblem(v: unknown): Words | undefined {
  if (typeof v === 'string') return stringProblem(v, NUL, LONE_SURROGATE);
  if (typeof v === 'number' && !Number.isFinite(v)) return NOT_FINITE;
  return undefined;
}

/**
 * The first unsafe value in a parsed request part, or undefined when all is
 * well. Scalars are checked where they stand; only containers go on the
 * stack, so a million coordinates cost a million number checks and no more.
 */
export function findUnsafeInput(value: unknown, root: string): UnsafeInput | undefined {
  const top = scalarProblem(value);
  if (top) return { field: root, words: top };
  const stack: { value: object; depth: number; path: PathNode | undefined }[] = [];
  if (value !== null && typeof value === 'object') stack.push({ value, depth: 0, path: undefined });
  while (stack.length) {
    const item = stack.pop()!;
    if (item.depth >= MAX_DEPTH) return { field: pathOf(root, item.path), words: TOO_DEEP };
    const v = item.value;
    const keys: (string | number)[] | undefined = Array.isArray(v) ? undefined : Object.keys(v);
    const length = keys ? keys.length : (v as unknown[]).length;
    const children: { value: object; key: string | number }[] = [];
    for (let i = 0; i < length; i++) {
      const key = keys ? keys[i]! : i;
      if (typeof key === 'string') {
        const problem = stringProblem(key, KEY_NUL, KEY_SURROGATE);
        if (problem) return { field: pathOf(root, item.path), words: problem };
      }
      const child = (v as Record<string | number, unknown>)[key];
      if (Array.isArray(child) && item.depth + 1 < MAX_DEPTH && child.every((x) => x === null || typeof x !== 'object')) {
        // A flat array (a coordinate pair, a list of codes): checked here rather than stacked.
        const at = child.findIndex((x) => scalarProblem(x) !== undefined);
        if (at >= 0) return { field: pathOf(root, { parent: { parent: item.path, key }, key: at }), words: scalarProblem(child[at])! };
      } else if (child !== null && typeof child === 'object') children.push({ value: child, key });
      else {
        const problem = scalarProblem(child);
        if (problem) return { field: pathOf(root, { parent: item.path, key }), words: problem };
      }
    }
    // Pushed last to first, so the first container is looked at first.
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ value: children[i]!.value, depth: item.depth + 1, path: { parent: item.path, key: children[i]!.key } });
    }
  }
  return undefined;
}
