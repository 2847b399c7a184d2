import { type Static, Type } from 'typebox';
import { DateTime, IncidentStatusSchema, NullableDateTime, UrgencySchema } from './common-schemas.js';
import { collectionOf, featureOf, GridAncestry, LonLat, NullableText, PageMembers, PointGeometry, Text } from './geojson-base.js';

/**
 * The incidents' GeoJSON answers (RFC 7946) with their real feature
 * properties, as the .sql files under server/repositories/sql/ build them
 * (the pieces are in geojson-base.ts).
 */
const StatusSchema = IncidentStatusSchema;

export const IncidentListFeature = featureOf(
  PointGeometry,
  {
    code: Text,
    category: Text,
    urgency: UrgencySchema,
    status: StatusSchema,
    description: Text,
    reported_at: DateTime,
    closed_at: NullableDateTime,
    urged_at: Type.Optional(Type.Union([DateTime, Type.Null()], { description: 'when it was last urged (督办), null if never' })),
    grid_code: Text,
    ...GridAncestry,
  },
  { id: Text },
);
export type IncidentListFeature = Static<typeof IncidentListFeature>;
export const IncidentPage = collectionOf(IncidentListFeature, 'one page of incidents, newest first', PageMembers);
export type IncidentPage = Static<typeof IncidentPage>;

export const IncidentDetailFeature = featureOf(
  PointGeometry,
  {
    code: Text,
    category: Text,
    category_name: Type.Object({ zh: Text, en: Text }),
    urgency: UrgencySchema,
    status: StatusSchema,
    description: Text,
    reporter: Text,
    reported_at: DateTime,
    filed_at: NullableDateTime,
    dispatched_at: NullableDateTime,
    due_at: NullableDateTime,
    resolved_at: NullableDateTime,
    closed_at: NullableDateTime,
    overdue: Type.Boolean({ description: 'dispatched or in progress past due' }),
    urged_at: Type.Union([DateTime, Type.Null()], { description: 'when it was last urged (督办), null if never' }),
    site_check: Type.Union(
      [
        Type.Object({
          verdict: Type.Unsafe<'fixed' | 'not_fixed'>({ type: 'string', enum: ['fixed', 'not_fixed'] }),
          note: Text,
          at: DateTime,
          actor: Text,
          photo_urls: Type.Array(Text),
          current: Type.Boolean({ description: 'made since the latest resolution (false: an older round, before a verify_fail)' }),
        }),
        Type.Null(),
      ],
      { description: "the grid worker's latest on-site check (核查), null if none" },
    ),
    grid_name: Type.Union([Type.Object({ zh: Text, en: Text }), Type.Null()], {
      description: "the grid's name in both languages (a grid's English name: its community's and its number); null if the grid is gone",
    }),
    grid_code: Text,
    ...GridAncestry,
    duplicate_of: Type.Union([Text, Type.Null()], { description: 'the code of the original' }),
    assignments: Type.Array(
      Type.Object({
        unit: Text,
        unit_name: Text,
        status: Text,
        assigned_at: DateTime,
        due_at: NullableDateTime,
        resolved_at: NullableDateTime,
        feedback: Text,
      }),
    ),
    photos: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Text,
        mime: Text,
        bytes: Type.Integer(),
        uploaded_by: Text,
        uploaded_at: DateTime,
        url: Text,
      }),
    ),
    mediations: Type.Array(
      Type.Object({
        attempt: Type.Integer(),
        at: DateTime,
        outcome: Type.Unsafe<'succeeded' | 'failed'>({ type: 'string', enum: ['succeeded', 'failed'] }),
        note: Text,
        actor: Text,
      }),
    ),
    history: Type.Array(
      Type.Object({
        at: DateTime,
        actor: Text,
        action: Text,
        from_status: NullableText,
        to_status: Text,
        note: Text,
        details: Type.Unknown(),
      }),
    ),
  },
  { id: Text },
);
export type IncidentDetailFeature = Static<typeof IncidentDetailFeature>;

/** The answer to a new report (POST /api/incidents): the incident and possible duplicates nearby. */
export const ReportedIncidentSchema = Type.Object({
  incident: IncidentDetailFeature,
  possible_duplicates: Type.Array(
    Type.Object({
      code: Text,
      status: StatusSchema,
      reported_at: DateTime,
      description: Text,
      distance_m: Type.Number({ description: 'metres from the new report' }),
    }),
    { description: 'the same category within 50 m and 24 hours, nearest first' },
  ),
});
export type ReportedIncident = Static<typeof ReportedIncidentSchema>;

/** GET /api/incidents/:code/nearby: the incident's possible duplicates, placed, for the dispatch console's map. */
export const NearbyIncidentsSchema = Type.Object({
  code: Text,
  location: Type.Unsafe<[number, number]>({ ...LonLat, description: 'the incident, [longitude, latitude]' }),
  duplicates: Type.Array(
    Type.Object({
      code: Text,
      status: StatusSchema,
      reported_at: DateTime,
      description: Text,
      distance_m: Type.Number({ description: 'metres from the incident' }),
      lon: Type.Number(),
      lat: Type.Number(),
    }),
    { description: "the same category within 50 m, reported in the 24 hours before it, within the caller's scope; nearest first" },
  ),
});
export type NearbyIncidents = Static<typeof NearbyIncidentsSchema>;

/** GET /api/incidents/:code/contacts: the workers of the incident's grid with their numbers in clear (each view audited). */
export const GridWorkerContactsSchema = Type.Object({
  workers: Type.Array(Type.Object({ id: Type.Integer(), name: Text, phone: Text }), { description: 'in id order' }),
});
export type GridWorkerContact = Static<typeof GridWorkerContactsSchema>['workers'][number];
