import type { FastifySchema, RouteOptions } from 'fastify';
import { accessOf, decide, EVERY_ROLE, type Access } from '../contract/route-access.js';
import { ERROR_SCHEMA_ID, ErrorSchema } from '../contract/common-schemas.js';
import { ANONYMOUS, CSRF_HEADER, SESSION_COOKIE } from './auth-plugin.js';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The request body as documented, for bodies Fastify must not validate:
     * a multipart upload is read by @fastify/multipart in the handler, and a
     * `body` schema would reject it before. Documentation only.
     */
    multipartBody?: unknown;
  }
}

/**
 * How a caller proves who they are (auth-plugin.ts). Swagger UI offers each
 * one behind its Authorize button.
 */
export const SECURITY_SCHEMES = {
  bearerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'gst_…',
    description: 'An API token (made with POST /api/tokens): `Authorization: Bearer gst_…`.',
  },
  accessTokenQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description: 'The same API token as a query parameter, accepted on reads only (EventSource and wall URLs cannot set headers).',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The HttpOnly session cookie set by POST /api/auth/login. The browser sends it by itself: sign in to the app in the same browser.',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description: 'Writes with the session cookie also need this header: `csrf_token` from the login answer or GET /api/auth/me.',
  },
} as const;

type SecurityRequirement = Record<string, readonly string[]>;
type SchemeName = keyof typeof SECURITY_SCHEMES;
const requirement = (...names: SchemeName[]): SecurityRequirement => Object.fromEntries(names.map((n) => [n, []]));

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The alternatives that let a caller through auth-plugin.ts: none for public
 * routes; a token or the session on reads; a token, or the session with its
 * CSRF header, on writes. `{}` (no credentials) is listed wherever the
 * server lets the anonymous reader in (reads, and logout, which any caller
 * may). Roles are not security schemes in OpenAPI 3.0 (scopes are for OAuth
 * only): they go into the description.
 */
export function securityOf(access: Access, method: string, anonymousRead: boolean): SecurityRequirement[] {
  if (access === 'public') return [];
  const alternatives = READ_METHODS.has(method)
    ? [requirement('bearerToken'), requirement('accessTokenQuery'), requirement('sessionCookie')]
    : [requirement('bearerToken'), requirement('sessionCookie', 'csrfToken')];
  if (anonymousRead && decide(access, method, ANONYMOUS) === 'allow') alternatives.push({});
  return alternatives;
}

function whoMayCall(access: Access): string {
  if (access === 'public') return 'Public: no credentials needed.';
  if (access === 'signed-in') return 'Any signed-in caller.';
  if (access === EVERY_ROLE) return 'Every role, each within its own scope.';
  return `Roles: ${access.join(', ')}.`;
}

/** The one error shape, as a reference to #/components/schemas/Error rather than a copy in every answer. */
const ERROR_REF = { $ref: `${ERROR_SCHEMA_ID}#` };
/** Every 4xx and 5xx answer has the one error shape, whether or not a route lists the code. */
const ERROR_RANGES = { '4XX': ERROR_REF, '5XX': ERROR_REF };

/**
 * A route's schema as the OpenAPI document should show it. Only the
 * document changes: Fastify keeps validating with the route's own schema.
 */
export function documentRoute(route: Pick<RouteOptions, 'method' | 'url'>, schema: FastifySchema, options: { anonymousRead: boolean }): FastifySchema {
  const method = [route.method].flat().find((m) => m !== 'HEAD') ?? 'GET';
  const access = accessOf(method, route.url);
  const doc: FastifySchema = { ...schema };

  if (access) {
    // A route that takes one kind of credential only says so in its schema (the token session: a bearer token).
    doc.security = (schema as { security?: SecurityRequirement[] }).security ?? securityOf(access, method, options.anonymousRead);
    doc.description = [schema.description, whoMayCall(access)].filter(Boolean).join('\n\n');
  }
  if (schema.multipartBody) {
    doc.body = schema.multipartBody;
    doc.consumes = ['multipart/form-data'];
    delete doc.multipartBody;
  }
  const responses = Object.fromEntries(Object.entries(schema.response ?? {}).map(([status, answer]) => [status, answer === ErrorSchema ? ERROR_REF : answer]));
  if (schema.produces) {
    // @fastify/swagger gives `produces` to every status; errors stay JSON.
    for (const [status, answer] of Object.entries(responses)) {
      if (/^2\d\d$/.test(status) && status !== '204') responses[status] = inMediaTypes(answer, schema.produces);
    }
    delete doc.produces;
  }
  doc.response = { ...ERROR_RANGES, ...responses };

  for (const part of ['body', 'querystring', 'params', 'headers', 'response'] as const) {
    if (doc[part] !== undefined) doc[part] = withoutTuples(doc[part]);
  }
  return doc;
}

function inMediaTypes(answer: unknown, mediaTypes: readonly string[]) {
  const description = (answer as { description?: string }).description;
  return { ...(description ? { description } : {}), content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: answer }])) };
}

/**
 * OpenAPI 3.0 has no tuples: `items` is one schema, so TypeBox's
 * `items: [a, b]` with `additionalItems: false` is invalid there. Documented
 * as an array of exactly that many items, each any of the members. Nodes
 * without a tuple below them are returned as they are (the same object), so
 * shared schemas with an `$id` still become references.
 */
export function withoutTuples(node: unknown): unknown {
  if (Array.isArray(node)) {
    const copy = node.map(withoutTuples);
    return copy.some((item, i) => item !== node[i]) ? copy : node;
  }
  if (node === null || typeof node !== 'object') return node;
  const source = node as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  let changed = false;
  for (const [key, value] of Object.entries(source)) {
    copy[key] = withoutTuples(value);
    if (copy[key] !== value) changed = true;
  }
  if (copy.type === 'array' && Array.isArray(copy.items)) {
    const members = copy.items as unknown[];
    copy.items = members.length === 1 ? members[0] : { anyOf: members };
    copy.minItems ??= members.length;
    if (copy.additionalItems === false) copy.maxItems ??= members.length;
    delete copy.additionalItems;
    changed = true;
  }
  return changed ? copy : node;
}
