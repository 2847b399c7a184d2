import { describe, expect, it } from 'vitest';
import { findUnsafeInput, MAX_DEPTH } from '../../server/errors/input-guard.js';

/** The guard every route's parsed input passes through (errors-plugin.ts), on its own. */
describe('findUnsafeInput', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);

  it.each<[string, unknown, string | undefined, RegExp | undefined]>([
    ['plain text, numbers, nulls and nesting', { a: ['x', 1.5, null, { b: true }], c: '网格 😀' }, undefined, undefined],
    ['a NUL in a string', { title: 'a\u0000b' }, 'body.title', /NUL/],
    ['a lone high surrogate', { t: ['ok', 'x\ud800'] }, 'body.t.1', /lone surrogate/],
    ['a lone low surrogate', { t: '\udc00y' }, 'body.t', /lone surrogate/],
    ['surrogates the wrong way round', { t: '\udc00\ud800' }, 'body.t', /lone surrogate/],
    ['a paired surrogate (an emoji) is fine', { t: '\ud83d\ude00' }, undefined, undefined],
    ['Infinity', { location: [Infinity, 1] }, 'body.location.0', /finite/],
    ['NaN', { n: NaN }, 'body.n', /finite/],
    ['a NUL in a property name', { a: { 'x\u0000': 1 } }, 'body.a', /property name/],
    ['an odd key is quoted in ASCII', { 'a b': { 'é\u0000': 1 } }, 'body["a b"]', /property name/],
    ['an odd key on the way to a bad value', { 'k\u00e9y': 'x\u0000' }, 'body["k\\u00e9y"]', /NUL/],
    [`nesting deeper than ${MAX_DEPTH}`, nested(MAX_DEPTH + 1), 'body', /nested/],
    [`nesting of exactly ${MAX_DEPTH}`, nested(MAX_DEPTH), undefined, undefined],
  ])('%s', (_what, value, field, reason) => {
    const found = findUnsafeInput(value, 'body');
    if (field === undefined) return expect(found).toBeUndefined();
    expect(found?.field.startsWith(field), JSON.stringify(found)).toBe(true);
    expect(found?.field).toMatch(/^[\x20-\x7e]+$/);
    expect(found?.words.en).toMatch(reason!);
    expect(found?.words.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('reports the first bad value in document order', () => {
    expect(findUnsafeInput({ a: 'fine', b: '\u0000', c: '\ud800' }, 'body')?.field).toBe('body.b');
  });

  it('walks a 100,000-deep array without overflowing the stack', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeInput(deep, 'body')?.words.en).toMatch(/nested/);
  });
});
