/**
 * Which of ajv's errors to show. A body that matches none of a union's
 * branches (anyOf/oneOf, e.g. the plan edit's `op` variants) fails every
 * branch, and ajv lists the first branch's complaint first: an `add` edit
 * with a bad geometry was answered "body.key: must have required property
 * 'key'" because the `reshape` branch needs a key. The branch meant is the
 * one whose discriminator (a property with a `const`, such as `op` or
 * `type`) matches the data; its own first error is the one that names what
 * is actually wrong. Needs ajv's `verbose` option (schema and data on errors).
 */
export interface AjvError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
  schema?: unknown;
  data?: unknown;
}

type Branch = { type?: string | string[]; const?: unknown; properties?: Record<string, { const?: unknown }> };

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const typeFits = (branch: Branch, data: unknown) => {
  if (branch.type === undefined) return true;
  const t = jsonType(data);
  return [branch.type].flat().some((b) => b === t || (b === 'number' && t === 'integer'));
};
const consts = (branch: Branch) => Object.entries(branch.properties ?? {}).filter(([, s]) => s && typeof s === 'object' && 'const' in s);

/** The branch the data means: its discriminator consts all match; else the only one of the data's JSON type. -1: none. */
function branchFor(branches: Branch[], data: unknown): number {
  const discriminated = branches.findIndex(
    (b) => typeFits(b, data) && consts(b).length > 0 && consts(b).every(([name, s]) => (data as Record<string, unknown>)[name] === s.const),
  );
  if (discriminated >= 0) return discriminated;
  const byType = branches.flatMap((b, i) => (typeFits(b, data) && consts(b).length === 0 ? [i] : []));
  return byType.length === 1 ? byType[0]! : -1;
}

/** An error for data that fits no branch: the discriminator's allowed values (as an `enum` error), or the allowed types (a `type` error). */
function noBranch(union: AjvError, branches: Branch[]): AjvError {
  const names = [...new Set(branches.flatMap((b) => consts(b).map(([name]) => name)))];
  const tag = names.find((n) => branches.every((b) => consts(b).some(([name]) => name === n)));
  const data = union.data as Record<string, unknown> | null;
  if (tag && data && typeof data === 'object' && !Array.isArray(data)) {
    const allowed = branches.map((b) => b.properties![tag]!.const);
    return {
      ...union,
      keyword: 'enum',
      instancePath: `${union.instancePath}/${tag}`,
      params: { allowedValues: allowed },
      message: `must be one of ${allowed.join(', ')}`,
    };
  }
  if (branches.every((b) => 'const' in b)) {
    const allowed = branches.map((b) => b.const);
    return { ...union, keyword: 'enum', params: { allowedValues: allowed }, message: `must be one of ${allowed.join(', ')}` };
  }
  const types = [...new Set(branches.flatMap((b) => [b.type ?? 'any'].flat()))];
  return { ...union, keyword: 'type', params: { type: types.join(',') }, message: `must be ${types.join(' or ')}` };
}

export function mostRelevantError<E extends AjvError>(errors: readonly E[]): E | undefined {
  let list = errors;
  for (;;) {
    const first = list[0];
    if (!first) return undefined;
    const union = list
      .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && first.schemaPath.startsWith(`${e.schemaPath}/`))
      .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
    if (!union || !Array.isArray(union.schema)) return first;
    const i = branchFor(union.schema as Branch[], union.data);
    if (i < 0) return noBranch(union, union.schema as Branch[]) as E;
    const inBranch = list.filter((e) => e.schemaPath.startsWith(`${union.schemaPath}/${i}/`));
    if (!inBranch.length) return first;
    list = inBranch;
  }
}
