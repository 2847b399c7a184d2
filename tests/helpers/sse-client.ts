/**
 * A Server-Sent Events client for tests, over a real streaming fetch. It
 * parses the stream as the HTML spec's EventSource does (fields, comments,
 * last event id, retry) but keeps everything for assertions, with the
 * moment each event arrived.
 */
export interface SseMessage {
  event: string;
  data: string;
  /** The last event id after this message, as EventSource would report it. */
  lastEventId: string;
  receivedAt: number;
}

export interface SseStream {
  response: Response;
  messages: SseMessage[];
  comments: string[];
  retry: number | undefined;
  /** EventSource's lastEventId: also set by messages that carry an id and no data. */
  lastEventId: string;
  /** The next message not yet returned by next(); rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseMessage>;
  /** Waits until `predicate` holds for the stream (checked on every message and comment). */
  waitFor(predicate: (s: SseStream) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** Resolves when the server ends the stream or the connection drops. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());
  let readIndex = 0;
  let data = '';
  let eventType = '';
  let idBuffer = '';
  const stream: SseStream = {
    response,
    messages: [],
    comments: [],
    retry: undefined,
    lastEventId: '',
    next(timeoutMs = 20_000) {
      return new Promise((resolve, reject) =>
        stream.waitFor((s) => s.messages.length > readIndex, timeoutMs, 'the next message').then(() => resolve(stream.messages[readIndex++]!), reject),
      );
    },
    waitFor(predicate, timeoutMs = 20_000, what = 'a condition') {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(stream)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`SSE: timed out after ${timeoutMs} ms waiting for ${what}; got ${stream.messages.length} messages`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };

  const onLine = (line: string) => {
    if (line === '') {
      stream.lastEventId = idBuffer;
      if (data !== '') {
        stream.messages.push({ event: eventType || 'message', data: data.slice(0, -1), lastEventId: idBuffer, receivedAt: performance.now() });
      }
      data = '';
      eventType = '';
      return;
    }
    if (line.startsWith(':')) {
      stream.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data += `${value}\n`;
    else if (field === 'event') eventType = value;
    else if (field === 'id' && !value.includes('\0')) idBuffer = value;
    else if (field === 'retry' && /^\d+$/.test(value)) stream.retry = Number(value);
  };

  stream.ended = (async () => {
    // An error answer (401, 503 ...) is JSON, not a stream: its body is left to the caller.
    if (!response.body || !response.ok) return;
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk, { stream: true });
        // The server ends lines with \n; a lone \r (allowed by the spec) is not handled.
        const lines = pending.split('\n');
        pending = lines.pop()!;
        lines.forEach((line) => onLine(line.replace(/\r$/, '')));
        changed();
      }
    } catch {
      // Aborted by close(), or the server dropped the connection.
    }
  })();
  return stream;
}

/** Parsed `data` of a message. */
export const payloadOf = (m: SseMessage) => JSON.parse(m.data) as { id: number; type: string; at: string; [key: string]: unknown };
