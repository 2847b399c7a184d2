/**
 * Shapes of the API answers the wall reads, from the route schemas in
 * server/contract/ (OpenAPI at /docs), and of the event stream (GET /api/stream).
 */
import type { Json } from '../../server/contract/common-schemas.js';
import type { DirectiveView, TargetStatus } from '../../server/contract/directive-schemas.js';
import type { OutlineCollection as Outlines } from '../../server/contract/geojson-schemas.js';
import type { IncidentListFeature, IncidentPage as IncidentPageAnswer } from '../../server/contract/incident-geojson-schemas.js';
import type { DirectiveEventType, IncidentEventType, StreamIncident } from '../../server/contract/stream-events.js';
import type { GridMetricColumns, HeatBins as HeatBinsAnswer, Summary as SummaryAnswer } from '../../server/contract/wall-schemas.js';

export type { CategoryBreakdown, GridMetricTuple, RegionNode, WallConfig } from '../../server/contract/wall-schemas.js';
export type { Urgency } from '../../server/contract/vocabulary.js';

export type Summary = SummaryAnswer;
/** GET /api/map/grid-metrics?shape=columns: the wall reads the columnar answer (no object per grid at 100k grids). */
export type GridMetrics = GridMetricColumns;
export type Figures = Omit<SummaryAnswer, 'region' | 'unit' | 'from' | 'to' | 'children'>;
/** The part of GET /api/map/heatmap the wall keeps. */
export type HeatBins = Pick<HeatBinsAnswer, 'cell_degrees' | 'bins' | 'truncated'>;

export type Position = [number, number];
export type Bbox = [number, number, number, number];

/** GET /api/map/outlines as it comes: a city's or a district's districts and streets, a street's own outline and its communities. */
export type ServerOutlines = Json<Outlines>;
type ServerOutline = ServerOutlines['features'][number];
/**
 * The outlines as the wall draws them (wallTiers, wall-tiers.ts): two tiers named after a city wall's, the place's top
 * shapes (`district`: a city's districts, a district itself, a street itself) and their parts (`street`: streets, or a
 * street's communities).
 */
export type OutlineCollection = Omit<ServerOutlines, 'features'> & {
  features: (Omit<ServerOutline, 'properties'> & { properties: Omit<ServerOutline['properties'], 'level'> & { level: 'district' | 'street' } })[];
};
export type OutlineProperties = OutlineCollection['features'][number]['properties'];

export type IncidentFeature = Json<IncidentListFeature>;
export type IncidentPage = Json<IncidentPageAnswer>;

export type DirectiveStatus = TargetStatus;
export type Directive = Json<DirectiveView>;

export type { StreamIncident } from '../../server/contract/stream-events.js';

/** The events the wall follows (the stream's vocabulary is in the contract). */
export const INCIDENT_EVENTS = [
  'incident.created',
  'incident.status_changed',
  'incident.escalated',
  'incident.overdue',
  'incident.urged',
] as const satisfies readonly IncidentEventType[];
export const DIRECTIVE_EVENTS = ['directive.created', 'directive.answered'] as const satisfies readonly DirectiveEventType[];
type WallIncidentEvent = (typeof INCIDENT_EVENTS)[number];
type WallDirectiveEvent = (typeof DIRECTIVE_EVENTS)[number];

export type StreamEvent =
  | { id: number; type: WallIncidentEvent; at: string; incident: StreamIncident }
  | { id: number; type: WallDirectiveEvent; at: string; directive: Directive }
  | { id?: number; type: 'reset'; at?: string };
