import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../http-errors.js';
import { chooseLanguage, wordsFor, type Lang } from './messages.js';

/**
 * Errors raised by Fastify, its plugins and Node's HTTP parser, in our shape
 * and words: their own codes (`FST_ERR_CTP_EMPTY_JSON_BODY`) and sentences
 * are implementation details a client should never have to know.
 */
export interface ClientErrorAnswer {
  status: number;
  code: string;
}

/** Fastify's and @fastify/multipart's client-error codes, by what they mean. */
const BY_FASTIFY_CODE: Record<string, ClientErrorAnswer> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'empty_body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_FILES_LIMIT: { status: 413, code: 'too_many_files' },
  FST_PARTS_LIMIT: { status: 413, code: 'too_many_parts' },
  FST_FIELDS_LIMIT: { status: 413, code: 'too_many_parts' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'unsupported_media_type' },
};

/** Any other client error keeps its status and gets the code of that status. */
const BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/**
 * Our answer to an error that carries a 4xx status but is not ours (not an
 * HttpError, not schema validation): Fastify's body parsing, routing limits,
 * multipart limits, and a JSON body that secure-json-parse refused (a
 * `__proto__` key). Undefined for anything else: that is a server fault.
 */
export function clientErrorAnswer(err: Pick<FastifyError, 'code' | 'statusCode'>): ClientErrorAnswer | undefined {
  const known = err.code ? BY_FASTIFY_CODE[err.code] : undefined;
  if (known) return known;
  const status = err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return { status, code: BY_STATUS[status] ?? 'bad_request' };
}

/**
 * Fastify's `frameworkErrors` option: a bad percent-encoding in the path and a
 * path parameter over `maxParamLength` (414) are answered before routing, so
 * the error handler never sees them.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer = clientErrorAnswer(err) ?? { status: 400, code: 'bad_request' };
  const words = wordsFor(answer.code);
  reply.status(answer.status).send(errorBody(answer.code, words[chooseLanguage(request.headers['accept-language'])]));
}

/** Sockets already answered: after a parse error Node keeps feeding the parser, which keeps failing. */
const answered = new WeakSet<Socket>();
/** How long a refused connection may keep sending before it is cut. */
const LINGER_MS = 2000;

/**
 * Node's HTTP parser refuses a request before Fastify sees it: headers (the
 * request line included) over `maxHeaderSize` (16 KiB by default), a malformed
 * request line, a request that does not arrive in time. Fastify's default
 * answer is its own JSON; this writes ours. There is no parsed request, so the
 * language is read from the raw bytes Node hands over (`rawPacket`), if any.
 *
 * The close lingers: Node (and Fastify) write the answer and destroy the
 * socket at once, but closing with the client's unread bytes still queued
 * makes the kernel send a reset, and a reset can reach the client before it
 * has read the answer, which is then lost. So: send the answer and a FIN,
 * drop whatever still arrives, and cut the connection after a short while.
 */
export function clientErrorHandler(err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  // Typed as Buffer#toJSON()'s shape, but Node hands over the Buffer itself.
  const packet: unknown = err.rawPacket;
  const raw = Buffer.isBuffer(packet) ? packet.toString('latin1') : '';
  let status = 400;
  let code = 'bad_request';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') [status, code] = [408, 'request_timeout'];
  else if (err.code === 'HPE_HEADER_OVERFLOW') {
    // A request line that alone fills the limit is a URL that is too long (414), not too many headers.
    const requestLine = raw.indexOf('\r\n') === -1 ? raw : raw.slice(0, raw.indexOf('\r\n'));
    [status, code] = requestLine.length > 8 * 1024 ? [414, 'uri_too_long'] : [431, 'headers_too_large'];
  }
  const acceptLanguage = /\r\naccept-language:([^\r\n]{0,200})/i.exec(raw)?.[1];
  const lang: Lang = chooseLanguage(acceptLanguage);
  const body = JSON.stringify(errorBody(code, wordsFor(code)[lang]));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.on('data', () => undefined).resume();
  socket.on('end', () => socket.destroy());
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
