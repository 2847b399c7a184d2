import { Type, type Static } from 'typebox';

/**
 * The units incidents are dispatched to (交办单位), as GET /api/units answers.
 * Shared with the web client (the dispatch console), which derives its types
 * from these schemas.
 */
export const UnitSchema = Type.Object({
  code: Type.String({ description: 'unit code, as the dispatch transition takes it in `units`' }),
  name: Type.String(),
  name_en: Type.Union([Type.String(), Type.Null()]),
  unit_type: Type.String({ description: 'the kind of work it does; each incident category names the type that handles it' }),
  region_code: Type.Union([Type.String(), Type.Null()], {
    description: 'the street a street office serves; null for a city department, which serves everywhere',
  }),
  region_name: Type.Union([Type.String(), Type.Null()]),
  open_assignments: Type.Integer({ description: "its assignments not yet resolved, of incidents inside the caller's scope" }),
});
export type Unit = Static<typeof UnitSchema>;

export const UnitListSchema = Type.Object({ units: Type.Array(UnitSchema) });
export type UnitList = Static<typeof UnitListSchema>;
