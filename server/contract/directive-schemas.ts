import { Type, type Static } from 'typebox';
import { DateTime, NullableDateTime } from './common-schemas.js';
import { CSV_MAX_CHARS } from './directive-csv.js';

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

/** One figure of a report: 已核查人数 33. */
function FigureSchema() {
  return Type.Object(
    { label: Type.String({ minLength: 1, maxLength: 40 }), value: Type.Number({ minimum: -1e12, maximum: 1e12 }) },
    { additionalProperties: false },
  );
}

/** A China date, YYYY-MM-DD. */
const ChinaDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'a date in China time, YYYY-MM-DD' });

export const AttachmentSchema = Type.Object({
  filename: Type.String(),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.String())),
});

export const DirectiveDistrictSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  status: Type.Unsafe<TargetStatus>({ type: 'string', enum: [...TARGET_STATUSES] }),
  answer: Type.String({ description: "the report; '' while waiting, and may be '' for a zero report" }),
  answered_at: NullableDateTime,
  answered_by: Type.Union([Type.String(), Type.Null()], { description: "the actor who answered, e.g. 'user:leader'" }),
  minutes_to_answer: Type.Union([Type.Integer(), Type.Null()], { description: 'whole minutes from issue to answer; null while waiting' }),
  late: Type.Boolean({ description: 'answered after the deadline, or still waiting past it' }),
  figures: Type.Optional(Type.Array(FigureSchema(), { description: "the report's figures; absent without" })),
  reminded_at: Type.Optional(
    Type.Unsafe<Date | string>({
      type: 'string',
      format: 'date-time',
      description: 'the last reminder (催报) sent to this district for this round; absent if none',
    }),
  ),
});

export const DirectiveSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  deadline: DateTime,
  created_at: DateTime,
  created_by: Type.String({ description: "the actor who issued it, e.g. 'user:commander'" }),
  created_by_name: Type.Union([Type.String(), Type.Null()], { description: "the issuer's name when a person issued it; null for an API token" }),
  overdue: Type.Boolean({ description: 'the deadline (of the round shown, for a daily directive) has passed with districts still waiting' }),
  districts: Type.Array(DirectiveDistrictSchema, { description: 'the addressed districts in code order; a district-scoped caller sees only its own' }),
  daily_until: Type.Optional(
    Type.String({ description: "a daily directive (日报告) repeats at its deadline's time of day until this China date; absent for a one-off" }),
  ),
  attachment: Type.Optional(AttachmentSchema),
  round: Type.Optional(
    Type.Integer({
      description:
        'a daily directive: the round shown (deadline, answers, late): the earliest opened round with a district still waiting past its deadline, else the newest opened one',
    }),
  ),
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
    daily_until: Type.Optional(
      Type.Unsafe<string>({ ...ChinaDate, description: "repeat every day at the deadline's time of day (China time) until this date, at most 92 rounds" }),
    ),
    attachment: Type.Optional(
      Type.Object(
        {
          filename: Type.String({ minLength: 1, maxLength: 120 }),
          csv: Type.String({ maxLength: CSV_MAX_CHARS, description: 'a list of names or addresses: a header row, then rows (RFC 4180)' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AnswerBody = Type.Object(
  {
    district: DistrictCode,
    kind: Type.Unsafe<AnswerKind>({ type: 'string', enum: [...ANSWER_KINDS] }),
    text: Type.Optional(Type.String({ maxLength: 4000, description: 'required for a report, optional for a zero report' })),
    figures: Type.Optional(Type.Array(FigureSchema(), { maxItems: 12, description: 'figures of a report, e.g. {label: 已核查人数, value: 33}' })),
  },
  { additionalProperties: false },
);

export const RoundNumber = Type.Integer({ minimum: 1, maximum: 366 });

export const RoundSchema = Type.Object({
  round: Type.Integer(),
  date: Type.String({ description: 'the China date the round is due' }),
  opens_at: DateTime,
  deadline: DateTime,
  districts: Type.Array(DirectiveDistrictSchema),
});
export type RoundView = Static<typeof RoundSchema>;

export const ReminderBody = Type.Object(
  { round: Type.Optional(RoundNumber) },
  { additionalProperties: false, description: 'the round to remind for; default the latest open one' },
);

export const ReminderResult = Type.Object({
  round: Type.Integer(),
  sent_at: DateTime,
  districts: Type.Array(Type.String(), { description: 'the districts reminded: those still waiting in the round' }),
});
