import { Type, type Static } from 'typebox';
import { DateTime, NullableDateTime } from './common-schemas.js';

/**
 * Directives (指令) from the command centre to the district centres, and each
 * district's answer. Shared with the web client, which derives its types
 * from these schemas.
 */
export const TARGET_STATUSES = ['waiting', 'answered', 'zero_report'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export const ANSWER_KINDS = ['report', 'zero_report'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

export const LIST_FILTERS = ['open', 'closed', 'running', 'all'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** A district code: 6 digits. */
export const DistrictCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit district code' });
export const DirectiveId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const DirectiveDistrictSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  status: Type.Unsafe<TargetStatus>({ type: 'string', enum: [...TARGET_STATUSES] }),
  answer: Type.String({ description: "the report; '' while waiting, and may be '' for a zero report" }),
  answered_at: NullableDateTime,
  answered_by: Type.Union([Type.String(), Type.Null()], { description: "the actor who answered, e.g. 'user:leader'" }),
  minutes_to_answer: Type.Union([Type.Integer(), Type.Null()], { description: 'whole minutes from issue to answer; null while waiting' }),
  late: Type.Boolean({ description: 'answered after the deadline, or still waiting past it' }),
});

export const DirectiveSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  deadline: DateTime,
  created_at: DateTime,
  created_by: Type.String(),
  overdue: Type.Boolean({ description: 'the deadline has passed with districts still waiting' }),
  districts: Type.Array(DirectiveDistrictSchema, { description: 'the addressed districts in code order; a district-scoped caller sees only its own' }),
});
export type DirectiveView = Static<typeof DirectiveSchema>;
export type DirectiveDistrictView = Static<typeof DirectiveDistrictSchema>;

export const CreateDirectiveBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.Optional(Type.String({ maxLength: 4000 })),
    deadline: Type.String({ maxLength: 40, description: 'ISO 8601 time with zone, in the future, e.g. 2026-06-15T18:00:00+08:00' }),
    districts: Type.Optional(
      Type.Array(DistrictCode, {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: "the districts to address; absent = every district (inside the caller's scope)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const AnswerBody = Type.Object(
  {
    district: DistrictCode,
    kind: Type.Unsafe<AnswerKind>({ type: 'string', enum: [...ANSWER_KINDS] }),
    text: Type.Optional(Type.String({ maxLength: 4000, description: 'required for a report, optional for a zero report' })),
  },
  { additionalProperties: false },
);
