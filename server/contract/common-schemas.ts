import { Type, type Static } from 'typebox';
import { INCIDENT_STATUSES, URGENCIES, type IncidentStatus, type Urgency } from './vocabulary.js';

/** The shared schema's id: the API description refers to it as #/components/schemas/Error. */
export const ERROR_SCHEMA_ID = 'Error';
export const ErrorSchema = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { $id: ERROR_SCHEMA_ID, description: 'Every error response has this shape' },
);
export type ErrorResponse = Static<typeof ErrorSchema>;

/**
 * Ids in paths and queries, bounded by their column: `integer` ids stop at
 * 2^31-1 and a `bigint` id beyond 2^53-1 cannot even be written in JSON
 * exactly. Without the bound `/api/users/99999999999999999999` reached SQL.
 */
export const MAX_INT4 = 2_147_483_647;
export const IntegerId = Type.Integer({ minimum: 1, maximum: MAX_INT4 });
export const BigintId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** An incident's status and urgency, by the vocabulary's names. */
export const IncidentStatusSchema = Type.Unsafe<IncidentStatus>({ type: 'string', enum: [...INCIDENT_STATUSES] });
export const UrgencySchema = Type.Unsafe<Urgency>({ type: 'string', enum: [...URGENCIES] });

/** Region codes: 6 digits (city or county level), 9 (street) or 12 (community). */
export const RegionCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,2}$', description: 'region code: 6, 9 or 12 digits' });
export const GridCode = Type.String({ pattern: '^[0-9]{15}$', description: '15-digit grid code' });
export const BboxParam = Type.String({
  description: 'minLon,minLat,maxLon,maxLat in WGS84 degrees',
  examples: ['113.0,27.7,113.3,27.95'],
});
/** A time in a response: repositories hand Dates over, the serializer writes ISO 8601. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const NullableDateTime = Type.Unsafe<Date | string | null>({ type: ['string', 'null'], format: 'date-time' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 time with zone, e.g. 2026-01-01T00:00:00+08:00' });

/**
 * A time given in a query or body: ISO 8601 with its zone, or a date alone for that day's midnight in China time (UTC+8), the day
 * every figure is counted by, so `from=2026-11-01&to=2026-12-01` is November as the city counts it.
 */
export const TimeInput = (what: string) =>
  Type.Optional(Type.String({ maxLength: 40, description: `${what}: ISO 8601, a time with zone or a date alone (00:00 China time, UTC+8)` }));
export const ReportedFrom = TimeInput('reported at or after');
export const ReportedTo = TimeInput('reported before');

/** The usual error answers, for documenting routes. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  500: ErrorSchema,
  /** database_unavailable, with Retry-After: the database is restarting or out of reach. */
  503: ErrorSchema,
};

/**
 * A `Static<>` answer as the browser receives it: the server hands Dates to
 * the serializer (DateTime), JSON carries them as ISO 8601 strings.
 */
export type Json<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

/** One category's counts in a window: the explorer's and the wall's category breakdowns share them. */
/** The unit whose assigned incidents an answer's figures count (a department handler's); null: every incident in the place. */
export const CallerUnitSchema = Type.Union(
  [Type.Object({ code: Type.String(), name: Type.String(), name_en: Type.Union([Type.String(), Type.Null()]) }), Type.Null()],
  {
    description: "the unit whose assigned incidents every figure counts (a department handler's); null: every incident in the place",
  },
);

export const CategoryCountFields = {
  code: Type.String(),
  name_zh: Type.String(),
  name_en: Type.String(),
  reported: Type.Integer(),
  closed: Type.Integer(),
  open: Type.Integer(),
};
