import type { ActedFirst } from '../../server/contract/acted-first.js';
import type { Unit } from '../../server/contract/unit-schemas.js';
import type { WorkerPositions } from '../../server/contract/field-schemas.js';
import type { Feature, Geometry } from 'geojson';
import type { GridWorkerContact, NearbyIncidents } from '../../server/contract/incident-geojson-schemas.js';
import type { Action, BulkAction } from '../../server/contract/incident-workflow.js';
import type { OutlineCollection } from '../../server/contract/geojson-schemas.js';
import { apiRequest } from '../shared/api-request.js';
import type { QueueItem } from './dispatch-queues.js';

/**
 * The console's calls to the HTTP API, typed: the incident list, one
 * incident's record, a workflow step, the units and the reference lists. All
 * go through the shared client (session cookie, CSRF token, error shape).
 */
export type { Unit };

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  note: string;
  details: Record<string, unknown> | null;
}
export interface Assignment {
  unit: string;
  unit_name: string;
  unit_name_en: string | null;
  status: string;
  assigned_at: string;
  due_at: string;
  resolved_at: string | null;
  feedback: string;
}
export interface Photo {
  id: number;
  kind: 'before' | 'after' | 'check';
  mime: string;
  uploaded_by: string;
  uploaded_at: string;
  url: string;
}

/** GET /api/incidents/:code's properties (incident-detail.sql). */
export interface IncidentDetail extends QueueItem {
  category_name: { zh: string; en: string };
  reporter: string;
  /** The category's time limit in working hours, counted from dispatch. */
  deadline_hours: number;
  filed_at: string | null;
  dispatched_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  overdue: boolean;
  community_code: string;
  /** The grid's name in both languages; null if the grid is gone. */
  grid_name: { zh: string; en: string } | null;
  duplicate_of: string | null;
  assignments: Assignment[];
  photos: Photo[];
  history: HistoryEntry[];
  /** The grid worker's latest on-site check (核查) of the repair, null if none. */
  site_check: { verdict: 'fixed' | 'not_fixed'; note: string; at: string; actor: string; photo_urls: string[]; current: boolean } | null;
}

export interface Category {
  code: string;
  name_zh: string;
  name_en: string;
}
export interface RegionNode {
  code: string;
  level: string;
  name: string;
  name_en: string | null;
  children: RegionNode[];
}

/** One of our point features as it comes: where it is (null for nowhere) and its properties. */
interface PointFeature<P> {
  geometry: { coordinates: [number, number] } | null;
  properties: P;
}

/** A feature's properties with its point as `location`: a queue row or a record that the queue's map can place. */
export function located<P extends QueueItem>(f: PointFeature<P>): P {
  return f.geometry ? { ...f.properties, location: f.geometry.coordinates } : f.properties;
}

interface FeaturePage<P> {
  features: PointFeature<P>[];
  numberMatched: number;
  next_cursor?: string;
}

/** One page of the incident list with its filters; `cursor` continues a walk. */
export async function incidentPage(query: Record<string, string | number | undefined>): Promise<FeaturePage<QueueItem>> {
  return apiRequest<FeaturePage<QueueItem>>('GET', '/api/incidents', { query });
}

/** The districts and streets of the user's area with names and label points, under the queue map's dots. */
export const areaOutlines = (): Promise<OutlineCollection> => apiRequest<OutlineCollection>('GET', '/api/map/outlines');

export async function incidentDetail(code: string): Promise<IncidentDetail> {
  return located(await apiRequest<PointFeature<IncidentDetail>>('GET', `/api/incidents/${code}`));
}

export interface TransitionBody {
  action: Action;
  note?: string;
  units?: string[];
  duplicate_of?: string;
}

/** One workflow step; answers with the incident as it is afterwards. */
export async function transition(code: string, body: TransitionBody, csrf: string | null): Promise<IncidentDetail> {
  return (await apiRequest<{ properties: IncidentDetail }>('POST', `/api/incidents/${code}/transitions`, { body, csrf })).properties;
}

export type NearbyIncident = NearbyIncidents['duplicates'][number];

/** The incident's position and its possible duplicates (same category, 50 m, 24 h before it). */
export async function nearbyIncidents(code: string): Promise<NearbyIncidents> {
  return apiRequest<NearbyIncidents>('GET', `/api/incidents/${code}/nearby`);
}

export async function gridShape(code: string): Promise<Feature<Geometry>> {
  return apiRequest<Feature<Geometry>>('GET', `/api/grids/${code}`);
}

/** A community's outline: one of its street's children (GET /api/explore/shapes); undefined if not there. */
export async function communityShape(street: string, community: string): Promise<Feature<Geometry> | undefined> {
  const shapes = await apiRequest<{ features: (Feature<Geometry> & { id: string })[] }>('GET', '/api/explore/shapes', { query: { region: street } });
  return shapes.features.find((f) => f.id === community);
}

/** The incident's grid workers with their numbers in clear (commanders and dispatchers; each view audited). */
export async function gridContacts(code: string): Promise<GridWorkerContact[]> {
  return (await apiRequest<{ workers: GridWorkerContact[] }>('GET', `/api/incidents/${code}/contacts`)).workers;
}

export type WorkerPosition = WorkerPositions['workers'][number];

/** Where the incident's grid workers who share their position are (commanders and dispatchers; each one shown is audited). */
export async function workerPositions(code: string): Promise<WorkerPosition[]> {
  return (await apiRequest<WorkerPositions>('GET', '/api/workers/positions', { query: { incident: code } })).workers;
}

/** Notes in the incident's history that the worker was called. */
export async function noteContact(code: string, worker: number, csrf: string | null): Promise<void> {
  await apiRequest<null>('POST', `/api/incidents/${code}/contacts/${worker}`, { csrf });
}

export async function units(query: { region?: string; category?: string } = {}): Promise<Unit[]> {
  return (await apiRequest<{ units: Unit[] }>('GET', '/api/units', { query })).units;
}

export async function categories(): Promise<Category[]> {
  return (await apiRequest<{ categories: Category[] }>('GET', '/api/stats/categories')).categories;
}

export async function regionTree(): Promise<RegionNode[]> {
  return (await apiRequest<{ regions: RegionNode[] }>('GET', '/api/regions')).regions;
}

/** The districts in a (scoped) region tree: the city's children, or the tree's own roots when they are districts. */
export function districtsOf(tree: RegionNode[]): RegionNode[] {
  const out: RegionNode[] = [];
  const walk = (n: RegionNode) => (n.level === 'district' ? out.push(n) : n.level === 'city' ? n.children.forEach(walk) : undefined);
  tree.forEach(walk);
  return out;
}

/** The deadline a dispatch made now would get (the server's working calendar; the dispatch's own checks). */
export async function deadlinePreview(code: string, unitCodes: readonly string[]): Promise<{ from: string; due_at: string; deadline_hours: number }> {
  return apiRequest('GET', `/api/incidents/${code}/deadline-preview`, { query: { units: unitCodes.length ? unitCodes.join(',') : undefined } });
}

export interface BulkResult {
  code: string;
  ok: boolean;
  status?: string;
  error?: { code: string; message: string };
  acted?: ActedFirst;
}

/** Files or rejects several new reports, or urges several incidents in hand: each its own transaction, a result per item (POST /api/incidents/transitions). */
export async function bulkTransition(items: { code: string; action: BulkAction; note?: string }[], csrf: string | null): Promise<BulkResult[]> {
  return (await apiRequest<{ results: BulkResult[] }>('POST', '/api/incidents/transitions', { body: { items }, csrf })).results;
}
