/**
 * Shapes of the API answers the wall reads, from the route schemas in
 * server/contract/ (OpenAPI at /docs), and of the event stream (GET /api/stream).
 */
import type { Json } from '../../server/contract/common-schemas.js';
import type { DirectiveView, TargetStatus } from '../../server/contract/directive-schemas.js';
import type { IncidentListFeature, IncidentPage as IncidentPageAnswer, OutlineCollection as Outlines } from '../../server/contract/geojson-schemas.js';
import type { Urgency } from '../../server/contract/vocabulary.js';
import type { HeatBins as HeatBinsAnswer, Summary as SummaryAnswer } from '../../server/contract/wall-schemas.js';

export type { CategoryBreakdown, GridMetrics, RegionNode, WallConfig } from '../../server/contract/wall-schemas.js';
export type { Urgency } from '../../server/contract/vocabulary.js';

export type Summary = SummaryAnswer;
export type Figures = Omit<SummaryAnswer, 'region' | 'from' | 'to' | 'children'>;
/** The part of GET /api/map/heatmap the wall keeps. */
export type HeatBins = Pick<HeatBinsAnswer, 'cell_degrees' | 'bins' | 'truncated'>;

export type Position = [number, number];
export type Bbox = [number, number, number, number];

export type OutlineCollection = Json<Outlines>;
export type OutlineProperties = OutlineCollection['features'][number]['properties'];

export type IncidentFeature = Json<IncidentListFeature>;
export type IncidentPage = Json<IncidentPageAnswer>;

export type DirectiveStatus = TargetStatus;
export type Directive = Json<DirectiveView>;

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

export const INCIDENT_EVENTS = ['incident.created', 'incident.status_changed', 'incident.escalated', 'incident.overdue', 'incident.urged'] as const;
export const DIRECTIVE_EVENTS = ['directive.created', 'directive.answered'] as const;
export type IncidentEventType = (typeof INCIDENT_EVENTS)[number];
export type DirectiveEventType = (typeof DIRECTIVE_EVENTS)[number];

export type StreamEvent =
  | { id: number; type: IncidentEventType; at: string; incident: StreamIncident }
  | { id: number; type: DirectiveEventType; at: string; directive: Directive }
  | { id?: number; type: 'reset'; at?: string };
