import { describe, expect, it } from 'vitest';
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
