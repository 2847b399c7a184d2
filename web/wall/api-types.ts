/**
 * Shapes of the API answers the wall reads, as the route schemas document
 * them (server/routes/*-routes.ts; OpenAPI at /docs), and of the event stream
 * contract (GET /api/stream).
 */
import type { Geometry } from 'geojson';
import type { WallMetric, WallWindow } from '../../server/contract/wall-options.js';

export interface WallConfig {
  metric: WallMetric;
  window: WallWindow;
  basemap_style_url: string | null;
  features: { stream: boolean; directives: boolean };
}

export interface Figures {
  reported: number;
  closed: number;
  closure_rate: number | null;
  open: number;
  overdue: number;
  red_open: number;
}

export interface Summary extends Figures {
  region: { code: string; name: string; level: string };
  from: string | null;
  to: string | null;
  children: (Figures & { code: string; name: string })[];
}

export interface GridMetrics {
  from: string | null;
  fields: string[];
  /** code → [reported, closed, open, overdue, max_open_urgency, population], every grid */
  grids: Record<string, [number, number, number, number, number, number]>;
}

export interface HeatBins {
  cell_degrees: number;
  bins: [number, number, number][];
  truncated: boolean;
}

export interface CategoryBreakdown {
  categories: { code: string; name_zh: string; name_en: string; reported: number; closed: number; open: number; closure_rate: number | null }[];
}

export type Position = [number, number];
export type Bbox = [number, number, number, number];

export interface OutlineProperties {
  code: string;
  level: 'district' | 'street';
  name: string;
  name_en: string | null;
  population: number | null;
  label: Position;
}

export interface OutlineCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: string; bbox: Bbox; geometry: Geometry; properties: OutlineProperties }[];
}

/** A node of GET /api/regions: the caller's region tree, without geometry. */
export interface RegionNode {
  code: string;
  level: string;
  name: string;
  name_en: string | null;
  children: RegionNode[];
}

export type Urgency = 'red' | 'yellow' | 'blue';

export interface IncidentFeature {
  id: string;
  geometry: { type: 'Point'; coordinates: Position };
  properties: { code: string; category: string; urgency: Urgency; status: string; description: string; reported_at: string; grid_code: string; district_code: string };
}

export interface IncidentPage {
  features: IncidentFeature[];
}

export type DirectiveStatus = 'waiting' | 'answered' | 'zero_report';

export interface Directive {
  id: number | string;
  title: string;
  deadline: string | null;
  created_at?: string;
  districts: { code: string; name?: string; status: DirectiveStatus; answered_at?: string | null }[];
}

/** The `incident` of incident.* stream events. */
export interface StreamIncident {
  code: string;
  category: string;
  urgency: Urgency;
  status: string;
  previous_status?: string;
  /** With previous_status: the urgency before the change (an escalation may raise it in the same step). */
  previous_urgency?: Urgency;
  location: Position;
  grid_code: string;
  district_code: string;
  reported_at: string;
}

export const INCIDENT_EVENTS = ['incident.created', 'incident.status_changed', 'incident.escalated', 'incident.overdue'] as const;
export const DIRECTIVE_EVENTS = ['directive.created', 'directive.answered'] as const;
export type IncidentEventType = (typeof INCIDENT_EVENTS)[number];
export type DirectiveEventType = (typeof DIRECTIVE_EVENTS)[number];

export type StreamEvent =
  | { id: number; type: IncidentEventType; at: string; incident: StreamIncident }
  | { id: number; type: DirectiveEventType; at: string; directive: Directive }
  | { id?: number; type: 'reset'; at?: string };

/** Statuses after which an incident no longer needs anyone. */
export const CLOSED_STATUSES = new Set(['closed', 'rejected', 'duplicate']);
