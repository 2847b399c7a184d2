import type { IncidentStatus, Urgency } from '../contract/vocabulary.js';
import type { StreamIncident } from '../contract/stream-events.js';

/**
 * The incident as live events carry it (the contract's stream event schema).
 * A status change says what the incident was before, status and urgency, so
 * that a client can move its counts from one to the other without asking
 * the API.
 */
export function eventIncident(
  i: {
    code: string;
    category_code: string;
    urgency: Urgency;
    status: IncidentStatus;
    lon: number;
    lat: number;
    grid_code: string;
    district_code: string;
    reported_at: Date;
  },
  previous?: { status: IncidentStatus; urgency: Urgency },
): StreamIncident {
  return {
    code: i.code,
    category: i.category_code,
    urgency: i.urgency,
    status: i.status,
    ...(previous ? { previous_status: previous.status, previous_urgency: previous.urgency } : {}),
    location: [Number(i.lon), Number(i.lat)] as [number, number],
    grid_code: i.grid_code,
    district_code: i.district_code,
    reported_at: new Date(i.reported_at).toISOString(),
  };
}
