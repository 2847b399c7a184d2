import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

export interface SecurityHeadersOptions {
  /** Served over HTTPS (config GRIDSCOPE_COOKIE_SECURE): then also HSTS and upgrade-insecure-requests. */
  https: boolean;
  /**
   * A basemap style on another server (GRIDSCOPE_BASEMAP_STYLE_URL): its
   * origin may be fetched from (style, tiles, glyphs) and drawn as images.
   */
  basemapStyleUrl?: string;
}

/** `'sha256-…'` for an inline script's text, as a CSP source. */
export function scriptHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The Content-Security-Policy of every answer: everything from our own origin
 * only, because the pages load nothing from elsewhere (the app runs on closed
 * networks). `inlineScripts` are the hashes of a page's inline scripts
 * (web-plugin.ts computes them from the built HTML). Why each exception:
 * - style-src 'unsafe-inline': the pages' own <style> blocks, Lit's and
 *   Swagger UI's style attributes, MapLibre's positioning; styles cannot run code;
 * - img-src data: blob:, worker-src/child-src blob:: MapLibre and deck.gl
 *   decode images and may start workers from in-memory blobs;
 * - font-src data:: Swagger UI's embedded fonts.
 */
export function contentSecurityPolicy(options: SecurityHeadersOptions, inlineScripts: readonly string[] = []): string {
  const basemap = options.basemapStyleUrl && /^https?:\/\//.test(options.basemapStyleUrl) ? [new URL(options.basemapStyleUrl).origin] : [];
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['base-uri', "'self'"],
    ['connect-src', "'self'", ...basemap],
    ['font-src', "'self'", 'data:'],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
    ['img-src', "'self'", 'data:', 'blob:', ...basemap],
    ['manifest-src', "'self'"],
    ['object-src', "'none'"],
    ['script-src', "'self'", ...inlineScripts],
    ['script-src-attr', "'none'"],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['worker-src', "'self'", 'blob:'],
    ['child-src', "'self'", 'blob:'],
  ];
  if (options.https) directives.push(['upgrade-insecure-requests']);
  return directives.map((d) => d.join(' ')).join('; ');
}

/**
 * Security headers on every answer, pages and API alike: the CSP above,
 * nosniff, no framing (frame-ancestors 'none' and X-Frame-Options: DENY), a
 * same-origin Referrer-Policy (a wall's first URL carries its token), and
 * `Cache-Control: no-store` on API answers that do not choose their own
 * caching, so that no shared or disk cache keeps a signed-in user's data or
 * a sign-in's answer (its CSRF token).
 */
export default fp<SecurityHeadersOptions>(
  async (app, opts) => {
    await app.register(helmet, {
      // Written as a whole (above) so that pages can add their inline script hashes to the same text.
      contentSecurityPolicy: false,
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'same-origin' },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: opts.https ? { maxAge: 180 * 86_400 } : false,
    });
    const policy = contentSecurityPolicy(opts);
    app.addHook('onRequest', async (_request, reply) => {
      reply.header('content-security-policy', policy);
    });
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      return payload;
    });
  },
  { name: 'security-headers' },
);
