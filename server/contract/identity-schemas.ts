import { Type, type Static } from 'typebox';
import { ROLES, type Role } from './vocabulary.js';
import { DateTime, NullableDateTime } from './common-schemas.js';

export const RoleSchema = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES], description: ROLES.join(', ') });
/** A scope: a district/street/community (6, 9, 12 digits) or a grid (15); null = the whole city. */
export const ScopeCode = Type.Union([Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' }), Type.Null()], {
  description: 'region or grid code whose subtree is visible; null = the whole city',
});
export const UnitCode = Type.Union([Type.String({ pattern: '^[a-z0-9_.-]{2,60}$' }), Type.Null()], { description: 'handling unit (handlers only)' });
export const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{2,39}$', description: '3-40 of a-z 0-9 _ . -' });
const Time = DateTime;
const NullableTime = NullableDateTime;

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  scope_code: Type.Union([Type.String(), Type.Null()]),
  unit_code: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  created_at: Time,
});

export const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the token, to tell tokens apart' }),
  role: RoleSchema,
  scope_code: Type.Union([Type.String(), Type.Null()]),
  unit_code: Type.Union([Type.String(), Type.Null()]),
  created_by: Type.Integer(),
  created_at: Time,
  expires_at: NullableTime,
  revoked_at: NullableTime,
  last_used_at: NullableTime,
});

export const PrincipalSchema = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('token'), Type.Literal('anonymous')]),
  id: Type.Union([Type.Integer(), Type.Null()]),
  display_name: Type.String(),
  role: RoleSchema,
  role_name: Type.Object({ zh: Type.String(), en: Type.String() }),
  scope: Type.Object({
    code: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    name_en: Type.Union([Type.String(), Type.Null()], { description: 'the English name, where the region table has one' }),
    level: Type.String(),
  }),
  unit: Type.Union([Type.String(), Type.Null()]),
});

export const MeSchema = Type.Object({
  principal: PrincipalSchema,
  csrf_token: Type.Union([Type.String(), Type.Null()], { description: `send as the x-csrf-token header with every write made with the session cookie` }),
  allowed: Type.Array(Type.String(), { description: 'the API routes this principal may call, as "METHOD /path"' }),
});

/** One entry of the append-only audit log (GET /api/audit). */
export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  actor: Type.String(),
  action: Type.String(),
  target_type: Type.String(),
  target_id: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  client_ip: Type.Union([Type.String(), Type.Null()]),
});
export const AuditPageSchema = Type.Object({
  entries: Type.Array(AuditEntrySchema),
  next_before: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as `before` for older entries; null on the last page' }),
});
export type AuditPage = Static<typeof AuditPageSchema>;
