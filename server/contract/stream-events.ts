/**
 * The live stream's vocabulary (GET /api/stream): which events exist and
 * the incident every incident.* event carries. The server checks each event
 * it records against EVENT_TYPES; the pages subscribe by these names.
 */
import { Type, type Static } from 'typebox';
import { IncidentStatusSchema as Status, UrgencySchema as Urgency } from './common-schemas.js';

export const INCIDENT_EVENT_TYPES = [
  'incident.created',
  'incident.status_changed',
  'incident.escalated',
  'incident.overdue',
  'incident.red_alert',
  'incident.urged',
  'incident.checked',
] as const;
export const DIRECTIVE_EVENT_TYPES = ['directive.created', 'directive.answered', 'directive.reminded'] as const;
export const EVENT_TYPES = [...INCIDENT_EVENT_TYPES, ...DIRECTIVE_EVENT_TYPES] as const;

export type IncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];
export type DirectiveEventType = (typeof DIRECTIVE_EVENT_TYPES)[number];
export type EventType = (typeof EVENT_TYPES)[number];

/** The `incident` of every incident.* event: enough for a page to move its counts without asking the API. */
export const StreamIncidentSchema = Type.Object({
  code: Type.String(),
  category: Type.String(),
  urgency: Urgency,
  status: Status,
  /** On a status change: the status before it. */
  previous_status: Type.Optional(Status),
  /** With previous_status: the urgency before the change (an escalation may raise it in the same step). */
  previous_urgency: Type.Optional(Urgency),
  /** [longitude, latitude], WGS84. */
  location: Type.Tuple([Type.Number(), Type.Number()]),
  grid_code: Type.String(),
  district_code: Type.String(),
  /** ISO 8601. */
  reported_at: Type.String(),
});
export type StreamIncident = Static<typeof StreamIncidentSchema>;
