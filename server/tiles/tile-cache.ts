/**
 * Encoded tiles kept in memory, least recently used first out, bounded by
 * their total size in bytes (config GRIDSCOPE_TILE_CACHE_MB). Entries are
 * filed under the geometry revision they were built from: the caller reads
 * the revision from the database on every request (one row), so when any
 * process publishes a boundary change every process drops its old tiles on
 * its next request.
 */
export class TileCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;
  private revision: string | undefined;

  constructor(readonly maxBytes: number) {}

  /** The tile stored under `key` for `revision`; a newer revision empties the cache first. */
  get(revision: string, key: string): Uint8Array | undefined {
    if (!this.follow(revision)) return undefined;
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Re-inserting moves the key to the end of the Map's order: most recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /** Keeps a tile built from `revision`, unless a newer revision has been seen meanwhile (it raced a publish). */
  set(revision: string, key: string, tile: Uint8Array): void {
    if (!this.follow(revision)) return;
    if (tile.byteLength > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.byteLength;
    }
    this.entries.set(key, tile);
    this.bytes += tile.byteLength;
    for (const [oldest, body] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= body.byteLength;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** Moves to `revision` if it is newer (dropping every tile); false if it is older than the tiles held. */
  private follow(revision: string): boolean {
    if (revision === this.revision) return true;
    // Revisions only grow: a request that read the revision before a publish must not wipe newer tiles.
    if (this.revision !== undefined && BigInt(revision) < BigInt(this.revision)) return false;
    this.entries.clear();
    this.bytes = 0;
    this.revision = revision;
    return true;
  }
}
