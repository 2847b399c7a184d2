import type { Database, Queryable } from '../db/database.js';
import type { DatabaseAvailability } from '../db/database-unavailable.js';

/** The channel migrations/026 notifies with the new revision whenever grid or region rows change. */
export const GEOMETRY_CHANNEL = 'gridscope_geometry';
/** How long a revision read is trusted without news, in case a notification is lost without the connection being seen to drop. */
export const GEOMETRY_REVISION_MAX_AGE_MS = 5_000;

export interface GeometryRevisionWatch {
  /** The revision to build and file tiles under: from memory while nothing says it moved, else read. */
  current(): Promise<string>;
  /** What a NOTIFY on GEOMETRY_CHANNEL carries (`null`: the listening connection was lost, news may be missing). */
  notified(payload: string | null): void;
  /** Drops the revision held, so the next tile reads it again (the database went away or came back). */
  forget(): void;
}

/**
 * The geometry revision as this process knows it, so that a vector tile from
 * the cache costs no statement. A publish in any process moves the revision
 * and notifies it (migrations/026); until a notification names a newer one,
 * the last read stands, for at most `maxAgeMs`. The revision is read from the
 * database the tiles are built from (the replica, if any), and a read older
 * than the newest notified one is not kept: a replica still behind the
 * primary is asked again on the next tile, so no tile is filed under a
 * revision its rows do not have.
 */
export function createGeometryRevisionWatch(
  read: () => Promise<string>,
  { maxAgeMs = GEOMETRY_REVISION_MAX_AGE_MS, now = () => performance.now() } = {},
): GeometryRevisionWatch {
  let known: { revision: bigint; at: number } | null = null;
  let announced = 0n;
  // Bumped on every notice, so a read that began before one is never kept after it.
  let epoch = 0;

  return {
    async current() {
      if (known && known.revision >= announced && now() - known.at < maxAgeMs) return String(known.revision);
      const startedAt = now();
      const startedEpoch = epoch;
      const revision = await read();
      const value = BigInt(revision);
      if (epoch === startedEpoch && value >= announced) known = { revision: value, at: startedAt };
      return revision;
    },
    notified(payload) {
      epoch++;
      const value = payload !== null && /^\d+$/.test(payload) ? BigInt(payload) : null;
      if (value === null) known = null;
      else if (value > announced) announced = value;
    },
    forget() {
      epoch++;
      known = null;
    },
  };
}

/**
 * A watch fed by the primary's notifications (a replica cannot LISTEN) and
 * reset whenever either database comes or goes. If listening fails, every
 * tile reads the revision, as before the watch: slower, never stale.
 */
export async function watchGeometryRevision(
  primary: Database,
  readFrom: Queryable & { availability?: DatabaseAvailability },
  read: () => Promise<string>,
  onListenFailed: (err: unknown) => void,
  maxAgeMs = GEOMETRY_REVISION_MAX_AGE_MS,
): Promise<{ watch: GeometryRevisionWatch; stop: () => Promise<void> }> {
  const watch = createGeometryRevisionWatch(read, { maxAgeMs });
  const reading = { current: read, notified: () => undefined, forget: () => undefined } satisfies GeometryRevisionWatch;
  let unlisten: (() => Promise<void>) | null = null;
  try {
    unlisten = await primary.listen(GEOMETRY_CHANNEL, (payload) => watch.notified(payload));
  } catch (err) {
    onListenFailed(err);
    return { watch: reading, stop: async () => undefined };
  }
  const stops = [primary.availability, readFrom.availability].map((a) => a?.onChange(() => watch.forget()));
  return {
    watch,
    stop: async () => {
      for (const stop of stops) stop?.();
      await unlisten?.();
    },
  };
}
