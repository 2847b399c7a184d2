import type { Readable } from 'node:stream';
import type { OpenedPhoto, StoredPhoto } from '../photos/photo-store.js';
import { actorFields, principalOf, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, notFoundError } from './domain-error.js';
import { visibilityOf } from './incident-workflow-service.js';
import type { ServiceDeps } from './service-deps.js';

export type PhotoKind = 'before' | 'after';

/** Who may upload which kind of photo: "before" at report time, "after" at resolution. */
const PHOTO_ROLES: Record<PhotoKind, readonly string[]> = { before: ['grid_worker', 'dispatcher', 'commander'], after: ['handler', 'commander'] };

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
 * in one transaction. Returns the photo's id and what was stored.
 */
export async function addPhoto(
  deps: ServiceDeps,
  who: Actor,
  input: { code: string; kind: PhotoKind; file: Readable & { truncated?: boolean } },
): Promise<StoredPhoto & { id: number }> {
  if (!deps.photos) throw new Error('addPhoto needs a photo store');
  const stored = await deps.photos.save(input.file);
  const principal = principalOf(who);
  const { actor, actorUserId } = actorFields(who);
  const { code, kind } = input;
  const id = await deps.db.transaction(async (tx) => {
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
    return photoId;
  });
  return { ...stored, id };
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
