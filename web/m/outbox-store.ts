/**
 * The outbox: reports and photos made on the phone, kept in IndexedDB until
 * the server has them. Plain IndexedDB (`idb` is not among the project's
 * dependencies; four calls do not need it). Blobs are stored as they are, so
 * a photo survives a reload, a restart of the phone and an expired sign-in.
 */
export type PhotoKind = 'before' | 'after' | 'check';

export interface OutboxPhoto {
  /** The photo's own Idempotency-Key. */
  key: string;
  kind: PhotoKind;
  blob: Blob;
  sent: boolean;
}

export interface ReportBody {
  category: string;
  urgency: 'red' | 'yellow' | 'blue';
  description: string;
  /** [longitude, latitude], WGS84 as the phone's Geolocation gives it. */
  location: [number, number];
  accuracy_m: number | null;
}

export type OutboxState = 'waiting' | 'sending' | 'sent' | 'failed';

/**
 * A workflow step taken on the phone (start, resolve, check, mediate): its photos go first, then the transition.
 * Steps on one incident are sent in the order they were taken (a resolve after its start).
 */
export interface OutboxAction {
  /** The body of POST /api/incidents/:code/transitions. */
  body: { action: 'start' | 'resolve' | 'check' | 'mediate'; note?: string; verdict?: 'fixed' | 'not_fixed'; outcome?: 'succeeded' | 'failed' };
  /** The server has taken the step (its answer arrived). */
  done: boolean;
}

export interface OutboxItem {
  /** Also the report's (or the step's) Idempotency-Key: one key per item for every try. */
  id: string;
  created_at: string;
  /** A new report, photos added to an incident that exists (a nearby one the worker chose), or a workflow step. */
  kind: 'report' | 'photos' | 'action';
  report?: ReportBody;
  action?: OutboxAction;
  /** The incident: known from the start for 'photos', once the server answers for 'report'. */
  code?: string;
  photos: OutboxPhoto[];
  state: OutboxState;
  /** Why the last try failed (shown with 失败), or why it waits (sign-in needed). */
  error?: string;
  needs_login?: boolean;
}

const DB_NAME = 'gridscope-field';
const STORE = 'outbox';

let opened: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = work(tx.objectStore(STORE));
    // Resolved when the transaction commits, so a write is on disk before the page says "kept".
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const outboxStore = {
  put: (item: OutboxItem) => run('readwrite', (s) => s.put(item)).then(() => undefined),
  remove: (id: string) => run('readwrite', (s) => s.delete(id)).then(() => undefined),
  /** Every item, oldest first. */
  all: async (): Promise<OutboxItem[]> => ((await run('readonly', (s) => s.getAll())) as OutboxItem[]).sort((a, b) => a.created_at.localeCompare(b.created_at)),
};

/** A new idempotency key (RFC 9562 v4 UUID), made on the phone. */
export const newKey = (): string => crypto.randomUUID();
