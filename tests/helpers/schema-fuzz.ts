import fc from 'fast-check';

/**
 * Pieces of the schema-driven fuzz test (tests/api/input-fuzz.test.ts): a
 * valid example of a JSON schema (so a request gets past every field but the
 * one being spoiled), the places in a request a strange value can go, and the
 * strange values themselves, as JSON text and as URL text.
 */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
};

/** JSON text that JSON.stringify cannot write (1e309, -0 as typed, deep nesting): spliced in as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}

export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A valid value for a schema. `known` gives values by property name for what a
 * schema cannot say (a grid code that exists, a point inside the city, a
 * strong password); otherwise the first enum member, the minimum, the
 * required properties, and so on.
 */
export function exampleOf(schema: JsonSchema, known: Record<string, unknown>, name = ''): unknown {
  if (name in known) return known[name];
  const branch = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (branch) return exampleOf(branch, known, name);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const type = [schema.type ?? 'object'].flat().find((t) => t !== 'null') ?? 'null';
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') return new Date(Date.now() + 3_600_000).toISOString();
      return 'f'.repeat(Math.max(schema.minLength ?? 1, 1));
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      if (Array.isArray(schema.items)) return schema.items.map((s) => exampleOf(s, known));
      return Array.from({ length: schema.minItems ?? 0 }, () => exampleOf((schema.items as JsonSchema | undefined) ?? {}, known));
    }
    default: {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = exampleOf(schema.properties?.[key] ?? {}, known, key);
      return out;
    }
  }
}

/** Every place inside a JSON value where a strange value can go: [] is the whole value. */
export function placesIn(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const places = [path];
  if (Array.isArray(value)) value.forEach((v, i) => places.push(...placesIn(v, [...path, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) places.push(...placesIn(v, [...path, k]));
  return places;
}

/** A copy of `value` with `path` set to `replacement` (a new key when the path names a property that is not there). */
export function withValueAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head!] = withValueAt(copy[head!], rest, replacement);
  return copy;
}

const deep = (n: number) => new RawJson('['.repeat(n) + ']'.repeat(n));
const deepObject = (n: number) => new RawJson('{"a":'.repeat(n) + '1' + '}'.repeat(n));

/** Strange JSON values: what a hostile or broken client sends. */
export const strangeJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\udc00\ud800',
    '',
    ' ',
    '\u202e\u200b',
    '😀',
    "'; DROP TABLE grid;--",
    '%00',
    '../../etc/passwd',
    new RawJson('1e309'),
    new RawJson('-1e309'),
    new RawJson('1e-400'),
    new RawJson('-0'),
    new RawJson('99999999999999999999'),
    new RawJson('123456789012345678901234567890e300'),
    2 ** 31,
    2 ** 53 + 2,
    -1,
    0,
    0.5,
    -2_147_483_649,
    null,
    true,
    false,
    [],
    {},
    [null],
    [[[]]],
    { '': null },
    deep(200),
    deep(5000),
    deepObject(100),
    { __proto__: null, constructor: { prototype: {} } } as unknown,
    new RawJson('{"__proto__":{"polluted":1}}'),
    { '\u0000': 1 },
    { '\ud800': 'x' },
    Array.from({ length: 20_000 }, () => 0),
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 10, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.double(),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((n) => new RawJson(n.toString())),
);

/** Strange query and path values, already as URL text (some deliberately badly encoded). */
export const strangeUrlText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%FF',
    '%C0%80',
    '%',
    '%zz',
    'Infinity',
    '-Infinity',
    '1e309',
    '-1e309',
    'NaN',
    '99999999999999999999',
    '-0',
    '0x10',
    '1e-400',
    '%20',
    '',
    '0',
    '-1',
    '2147483648',
    '9007199254740993',
    '1.5',
    'true',
    'null',
    '[]',
    '{}',
    'a,,b',
    ',',
    '2026-02-30',
    '2026-01-01T25:00:00Z',
    '9999-12-31T23:59:59Z',
    '0000-01-01',
    '-180,-90,180,90',
    '1,1,1,1',
    'x'.repeat(5000),
    encodeURIComponent('😀'),
    '%E2%80%AE',
    '..%2F..%2Fetc%2Fpasswd',
    '%27%3B--',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
);
