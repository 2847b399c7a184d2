import type { ServerResponse } from 'node:http';

/**
 * One Server-Sent Events response with a bounded queue. Writes never wait:
 * while the socket accepts data they go straight to it; once it pushes back
 * (write() returns false) further messages queue here until 'drain'. A client
 * that lets the queue pass either bound is disconnected rather than allowed
 * to hold memory or slow anyone down; it reconnects with Last-Event-ID and
 * catches up from the event log, which is the durable queue.
 */
export interface SseLimits {
  maxQueueEvents: number;
  maxQueueBytes: number;
}

export interface SseConnection {
  /** Queues or writes one complete SSE message (or comment); false once the connection is finished. */
  write(text: string): boolean;
  /** Ends the response politely (server shutting down). */
  end(): void;
  readonly closed: boolean;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: compressing proxies would otherwise buffer the stream.
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx buffers responses unless told not to.
  'x-accel-buffering': 'no',
} as const;

export function openSseConnection(res: ServerResponse, limits: SseLimits, onOverflow: () => void): SseConnection {
  const queue: string[] = [];
  let queuedBytes = 0;
  let blocked = false;
  let closed = false;

  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  res.on('close', () => {
    closed = true;
    queue.length = 0;
  });

  const flush = () => {
    blocked = false;
    while (queue.length > 0 && !closed) {
      const text = queue.shift()!;
      queuedBytes -= Buffer.byteLength(text);
      if (!res.write(text)) {
        blocked = true;
        res.once('drain', flush);
        return;
      }
    }
  };

  return {
    write(text) {
      if (closed) return false;
      if (blocked) {
        queue.push(text);
        queuedBytes += Buffer.byteLength(text);
        if (queue.length > limits.maxQueueEvents || queuedBytes > limits.maxQueueBytes) {
          closed = true;
          queue.length = 0;
          onOverflow();
          // destroy, not end: end() would wait for the unread data to drain.
          res.destroy();
          return false;
        }
        return true;
      }
      if (!res.write(text)) {
        blocked = true;
        res.once('drain', flush);
      }
      return true;
    },
    end() {
      if (closed) return;
      closed = true;
      queue.length = 0;
      res.end();
    },
    get closed() {
      return closed;
    },
  };
}
