import { describe, expect, it } from 'vitest';
import { createGeometryRevisionWatch } from '../../server/tiles/geometry-revision-watch.js';
import { TileCache } from '../../server/tiles/tile-cache.js';

const bytes = (n: number) => new Uint8Array(n);

describe('tile cache', () => {
  it('stays within its byte budget, dropping the least recently used tile first', () => {
    const cache = new TileCache(100);
    cache.set('1', 'a', bytes(40));
    cache.set('1', 'b', bytes(40));
    expect(cache.get('1', 'a')?.byteLength).toBe(40); // a is now the most recently used
    cache.set('1', 'c', bytes(40));
    expect(cache.get('1', 'b')).toBeUndefined();
    expect(cache.get('1', 'a')?.byteLength).toBe(40);
    expect(cache.get('1', 'c')?.byteLength).toBe(40);
    expect(cache.size).toEqual({ entries: 2, bytes: 80 });
    cache.set('1', 'huge', bytes(101));
    expect(cache.get('1', 'huge')).toBeUndefined();
    expect(cache.size.bytes).toBe(80);
  });

  it('forgets every tile once a newer geometry revision is seen, and never files a tile built from an older one', () => {
    const cache = new TileCache(1000);
    cache.set('7', 'a', bytes(10));
    expect(cache.get('8', 'a')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    cache.set('7', 'a', bytes(10)); // built before the publish, finished after it
    expect(cache.get('8', 'a')).toBeUndefined();
    cache.set('8', 'a', bytes(10));
    expect(cache.get('7', 'a')).toBeUndefined(); // a request that read the old revision misses, and wipes nothing
    expect(cache.get('8', 'a')?.byteLength).toBe(10);
    // Revisions compare as numbers, not text.
    cache.set('10', 'b', bytes(5));
    expect(cache.get('10', 'b')?.byteLength).toBe(5);
  });
});

describe('geometry revision watch', () => {
  /** A database whose revision the test sets, counting reads, and a clock the test moves. */
  function rig(maxAgeMs = 1_000) {
    const state = { revision: 3, reads: 0, clock: 0 };
    const watch = createGeometryRevisionWatch(
      async () => {
        state.reads++;
        return String(state.revision);
      },
      { maxAgeMs, now: () => state.clock },
    );
    return { state, watch };
  }

  it('reads once, then answers from memory until told of a newer revision or until the read is too old', async () => {
    const { state, watch } = rig();
    expect(await watch.current()).toBe('3');
    expect(await watch.current()).toBe('3');
    expect(state.reads).toBe(1);
    state.revision = 4;
    watch.notified('4');
    expect(await watch.current()).toBe('4');
    expect(await watch.current()).toBe('4');
    expect(state.reads).toBe(2);
    // A notification lost without the connection dropping: the read expires all the same.
    state.revision = 5;
    state.clock = 999;
    expect(await watch.current()).toBe('4');
    state.clock = 1_000;
    expect(await watch.current()).toBe('5');
    expect(state.reads).toBe(3);
  });

  it('keeps asking a replica that is behind the notified revision, and never keeps its older answer', async () => {
    const { state, watch } = rig(60_000);
    expect(await watch.current()).toBe('3');
    watch.notified('5'); // the primary is at 5; the replica has replayed 4 so far
    state.revision = 4;
    expect(await watch.current()).toBe('4');
    expect(await watch.current()).toBe('4');
    expect(state.reads).toBe(3);
    state.revision = 5;
    expect(await watch.current()).toBe('5');
    expect(await watch.current()).toBe('5');
    expect(state.reads).toBe(4);
    // An older or repeated notification changes nothing.
    watch.notified('4');
    watch.notified('5');
    expect(await watch.current()).toBe('5');
    expect(state.reads).toBe(4);
  });

  it('forgets on a lost connection or a database outage, and drops a read that a notice overtook', async () => {
    const { state, watch } = rig(60_000);
    await watch.current();
    watch.notified(null);
    await watch.current();
    watch.forget();
    await watch.current();
    await watch.current();
    expect(state.reads).toBe(3);
    // A read in flight when a notice comes is answered but not kept.
    let release: () => void = () => undefined;
    const slow = createGeometryRevisionWatch(
      () =>
        new Promise<string>((resolve) => {
          state.reads++;
          release = () => resolve('3');
        }),
      { maxAgeMs: 60_000, now: () => 0 },
    );
    const first = slow.current();
    slow.notified('3');
    release();
    expect(await first).toBe('3');
    const second = slow.current();
    release();
    expect(await second).toBe('3');
    expect(state.reads).toBe(5);
  });
});
