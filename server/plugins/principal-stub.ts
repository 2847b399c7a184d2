/**
 * Placeholder for the authenticated caller, until the auth plugin sets it.
 * The event stream only needs the caller's region scope: a region code, or
 * null / absent for the whole city. When the auth plugin declares
 * `principal` itself (with at least `scope: string | null`), delete this
 * file: two declarations of one property must have the same type.
 */
declare module 'fastify' {
  interface FastifyRequest {
    principal?: { scope: string | null };
  }
}

export {};
