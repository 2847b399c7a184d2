import type { FastifyServerOptions } from 'fastify';

/**
 * Logger options that keep secrets out of the logs: the Authorization and
 * Cookie headers are redacted, Set-Cookie never logged, and an access_token
 * in a URL (wall displays, EventSource) is masked before the URL is written.
 */
export function maskAccessToken(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[REDACTED]');
}

export function secretSafeLogger(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: { method: string; url: string; ip?: string; headers?: Record<string, unknown> }) => ({
        method: req.method,
        url: maskAccessToken(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
}
