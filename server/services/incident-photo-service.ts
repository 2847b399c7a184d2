import type { Readable } from 'node:stream';
import type { OpenedPhoto } from '../photos/photo-store.js';
import { actorFields, principalOf, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, notFoundError } from './domain-error.js';
import { visibilityOf } from './actor.js';
import type { ServiceDeps } from './service-deps.js';
import { hashRequest, writeOnce, type WriteAnswer } from './idempotency.js';

export type PhotoKind = 'before' | 'after' | 'check';

/**
 * Who may upload which kind of photo: "before" at report time (or added to
 * a nearby report by a worker of its grid), "after" at resolution, "check"
 * at the grid worker's on-site check (核查) of a resolved incident.
 */
const PHOTO_ROLES: Record<PhotoKind, readonly string[]> = {
  before: ['grid_worker', 'dispatcher', 'commander'],
  after: ['handler', 'commander'],
  check: ['grid_worker'],
};

/**
 * Whether the actor may add a `kind` photo to incident `code`: checked before
 * the route accepts any bytes, so a refused upload costs nothing.
 */
export async function checkPhotoUpload(deps: Pick<ServiceDeps, 'repos'>, who: Actor, input: { code: string; kind: PhotoKind }): Promise<void> {
  const principal = principalOf(who);
  if (!PHOTO_ROLES[input.kind].includes(principal.role)) {
    throw new DomainError('forbidden', `the ${principal.role} role may not upload "${input.kind}" photos`);
  }
  if (!(await deps.repos.workflow.isVisible(input.code, visibilityOf(principal)))) throw notFoundError(`incident ${input.code}`);
}

/**
 * Stores an uploaded photo (content-addressed: the same bytes are stored
 * once) and records it on the incident, with its history and audit entries,
 * in one transaction. With an idempotency key, a repeat (the same incident,
 * kind and bytes) gets the first answer and records nothing. Answers with the
 * photo's id and what was stored, as the body the API sends (201).
 */
export async function addPhoto(
  deps: ServiceDeps,
  who: Actor,
  input: { code: string; kind: PhotoKind; file: Readable & { truncated?: boolean } },
  idempotencyKey?: string,
): Promise<WriteAnswer> {
  if (!deps.photos) throw new Error('addPhoto needs a photo store');
  const stored = await deps.photos.save(input.file);
  const principal = principalOf(who);
  const { actor, actorUserId } = actorFields(who);
  const { code, kind } = input;
  const keyed =
    idempotencyKey === undefined
      ? undefined
      : { key: idempotencyKey, route: 'POST /api/incidents/:code/photos', requestHash: hashRequest({ code, kind, sha256: stored.sha256 }) };
  return writeOnce(deps, who, keyed, async (tx) => {
    const incident = await deps.repos.workflow.lock(code, visibilityOf(principal), tx);
    if (!incident) throw notFoundError(`incident ${code}`);
    const photoId = await deps.repos.workflow.addPhoto(
      { incidentId: incident.id, kind, sha256: stored.sha256, mime: stored.mime, bytes: stored.bytes, by: actor },
      tx,
    );
    const details = { kind, photo_id: photoId, sha256: stored.sha256 };
    await deps.repos.workflow.addHistory(
      { incidentId: incident.id, at: deps.clock(), actor, actorUserId, action: 'photo', from: incident.status, to: incident.status, details },
      tx,
    );
    await recordAudit(deps, who, 'incident.photo', { type: 'incident', id: code }, { after: details }, tx);
    const body = { id: photoId, kind, sha256: stored.sha256, mime: stored.mime, bytes: stored.bytes, url: `/api/incidents/${code}/photos/${photoId}` };
    return { status: 201, body: JSON.stringify(body) };
  });
}

/** A photo of an incident the actor may see, with its bytes; null when either is unknown or out of sight. */
export async function openPhoto(deps: ServiceDeps, who: Actor, input: { code: string; id: number }): Promise<OpenedPhoto | null> {
  const meta = await deps.repos.workflow.photo(input.code, input.id, visibilityOf(who.principal));
  if (!meta) return null;
  if (!deps.photos) throw new Error('openPhoto needs a photo store');
  const photo = await deps.photos.open(meta.sha256);
  // The row names bytes the store does not have: our fault, not the client's.
  if (!photo) throw new Error(`photo ${meta.sha256} of incident ${input.code} is missing from the photo store`);
  return photo;
}
