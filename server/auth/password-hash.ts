import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard, in Node's standard library).
 * The stored form names its parameters, `scrypt$N$r$p$salt$hash`, so they can
 * be raised without invalidating existing hashes: a hash made with other
 * parameters still verifies, and the sign-in that verifies it stores a new
 * one (`needsRehash`).
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's Password Storage Cheat Sheet: N = 2^17, r = 8, p = 1 (128 MiB per hash). */
export const OWASP_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/**
 * log2 of N for new hashes. Only the test suite lowers it (vitest.config.ts
 * sets GRIDSCOPE_PASSWORD_COST=14), so that its hundreds of sign-ins do not
 * each cost 128 MiB and a quarter of a second; config.ts validates the same
 * variable for `serve`.
 */
export const PASSWORD_COST_VARIABLE = 'GRIDSCOPE_PASSWORD_COST';
export const MIN_COST = 14;
export const MAX_COST = 20;

export function parsePasswordCost(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return Math.log2(OWASP_SCRYPT.N);
  const cost = Number(raw);
  return /^\d+$/.test(raw.trim()) && cost >= MIN_COST && cost <= MAX_COST ? cost : null;
}

let current: ScryptParams | undefined;

/** The parameters new hashes are made with, read from the environment once (config.ts has already refused a bad value). */
export function currentParams(): ScryptParams {
  if (current) return current;
  const cost = parsePasswordCost(process.env[PASSWORD_COST_VARIABLE]);
  if (cost === null) throw new RangeError(`invalid configuration: ${PASSWORD_COST_VARIABLE}; expected an integer from ${MIN_COST} to ${MAX_COST}`);
  current = { ...OWASP_SCRYPT, N: 2 ** cost };
  return current;
}
const KEY_LENGTH = 32;

/** Memory scrypt needs for these parameters (OpenSSL's own count), with room to spare: Node refuses anything above `maxmem`. */
const memoryFor = ({ N, r, p }: ScryptParams) => 128 * r * (N + p + 2) + 1024 * 1024;

/** Parameters that a stored hash may name: no more than MAX_COST, so a forged row cannot make a sign-in take all memory. */
function plausible({ N, r, p }: ScryptParams): boolean {
  return Number.isInteger(Math.log2(N)) && N >= 2 && N <= 2 ** MAX_COST && Number.isInteger(r) && r >= 1 && r <= 32 && Number.isInteger(p) && p >= 1 && p <= 16;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: memoryFor(params) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = currentParams()): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { params: ScryptParams; salt: string; hash: string } | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash || !plausible(params)) return null;
  return { params, salt, hash };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64url');
  const key = await derive(password, Buffer.from(parsed.salt, 'base64url'), parsed.params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with other parameters than new ones are: then the next sign-in stores a new hash. */
export function needsRehash(stored: string, params: ScryptParams = currentParams()): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

let dummy: Promise<string> | undefined;

/** A hash of a password nobody knows, so a login for an unknown user costs the same time as a real one; made on first use. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'));
  return dummy;
}

/** Minimum rules for a new password; returns the reason it is refused, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return 'must be at least 8 characters';
  if (password.length > 200) return 'must be at most 200 characters';
  return null;
}
