import { Type, type Static } from 'typebox';
import { DateTime, GridCode, IncidentStatusSchema, NullableDateTime, UrgencySchema } from './common-schemas.js';

/**
 * The field app's (/m) own requests and answers: nearby reports before a new
 * one, workers' shared positions, and the phone's task lists. Shared with the
 * browser, like every contract file.
 */

/** Where a phone's coordinates come from: WGS84 (GPS, the default), GCJ-02 (Amap, Tencent, WeChat) or BD-09 (Baidu). */
export const CrsSchema = Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')], {
  description: 'coordinate system of the given point; stored data is always WGS84',
});

/** The request header that makes a write idempotent (1–200 printable ASCII characters). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The answer header that says a stored answer was given again. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

const LonLat = Type.Unsafe<[number, number]>({
  type: 'array',
  items: { type: 'number' },
  minItems: 2,
  maxItems: 2,
  description: '[longitude, latitude], WGS84',
});
const Status = IncidentStatusSchema;

export const NearbyQuery = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    category: Type.String({ minLength: 1, maxLength: 40 }),
    crs: Type.Optional(CrsSchema),
  },
  { additionalProperties: false },
);

export const NearbyReportsSchema = Type.Object({
  location: Type.Unsafe<[number, number]>({ ...LonLat, description: 'the point asked about, converted to WGS84' }),
  category: Type.String(),
  incidents: Type.Array(
    Type.Object({
      code: Type.String(),
      status: Status,
      reported_at: DateTime,
      description: Type.String(),
      distance_m: Type.Number({ description: 'metres from the point' }),
      lon: Type.Number(),
      lat: Type.Number(),
    }),
    { description: 'the same category within 50 m, reported in the last 24 hours, that the caller may see; nearest first' },
  ),
});
export type NearbyReports = Static<typeof NearbyReportsSchema>;

export const PositionBody = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    accuracy_m: Type.Number({ minimum: 0, maximum: 100000, description: "the phone's accuracy radius (Geolocation coords.accuracy)" }),
    crs: Type.Optional(CrsSchema),
  },
  { additionalProperties: false },
);
export type PositionBody = Static<typeof PositionBody>;

export const PositionsQuery = Type.Object(
  {
    incident: Type.Optional(Type.String({ pattern: '^SJ[0-9]{15}$', description: "an incident: its grid's workers" })),
    grid: Type.Optional(GridCode),
  },
  { additionalProperties: false },
);

export const WorkerPositionsSchema = Type.Object({
  grid: Type.String(),
  workers: Type.Array(
    Type.Object({
      user_id: Type.Integer(),
      name: Type.String(),
      location: LonLat,
      accuracy_m: Type.Number(),
      at: DateTime,
      age_s: Type.Integer({ description: 'seconds since the position was sent' }),
    }),
    { description: "the grid's workers who share their position, newest first; each one shown is audited" },
  ),
});
export type WorkerPositions = Static<typeof WorkerPositionsSchema>;

const TaskCommon = {
  code: Type.String(),
  category: Type.String(),
  urgency: UrgencySchema,
  status: Status,
  description: Type.String(),
  grid_code: Type.String(),
  location: LonLat,
  place: Type.Object(
    { zh: Type.String(), en: Type.String() },
    { description: 'where it is: district · street · grid (the English name falls back to the Chinese where a place has none)' },
  ),
  reported_at: DateTime,
  due_at: NullableDateTime,
  urged: Type.Boolean({ description: 'urged (督办) by the centre' }),
  urged_at: NullableDateTime,
};

export const MyTasksSchema = Type.Union([
  Type.Object({
    role: Type.Literal('grid_worker'),
    tasks: Type.Array(
      Type.Object({
        ...TaskCommon,
        resolved_at: NullableDateTime,
        needs_check: Type.Boolean({ description: 'resolved and waiting for my on-site check (核查); these come first' }),
      }),
      { description: 'the open incidents of my grid: those waiting for my check first, then by stage' },
    ),
  }),
  Type.Object({
    role: Type.Literal('handler'),
    tasks: Type.Array(
      Type.Object({
        ...TaskCommon,
        unit_status: Type.Unsafe<'assigned' | 'in_progress'>({ type: 'string', enum: ['assigned', 'in_progress'] }),
        overdue: Type.Boolean(),
        working_hours_left: Type.Number({ description: 'working hours (working calendar) until due; negative when overdue' }),
      }),
      { description: "my unit's part of incidents in hand: overdue first, then by due time" },
    ),
  }),
]);
export type MyTasks = Static<typeof MyTasksSchema>;
