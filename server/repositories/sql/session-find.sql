-- The live session with this id hash: a user's (not disabled) or an API
-- token's (not revoked, not expired). One row or none; the owner's columns
-- are prefixed u_ or t_, the other owner's are NULL. $1: the id hash.
SELECT s.csrf_token,
       u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name, u.role AS u_role,
       u.scope_code AS u_scope_code, u.unit_code AS u_unit_code, u.disabled AS u_disabled, u.created_at AS u_created_at,
       t.id AS t_id, t.name AS t_name, t.prefix AS t_prefix, t.role AS t_role, t.scope_code AS t_scope_code,
       t.unit_code AS t_unit_code, t.created_by AS t_created_by, t.created_at AS t_created_at,
       t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at, t.last_used_at AS t_last_used_at
  FROM user_session s
  LEFT JOIN app_user u ON u.id = s.user_id AND NOT u.disabled
  LEFT JOIN api_token t ON t.id = s.token_id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
 WHERE s.id_hash = $1
   AND s.expires_at > now()
   AND (u.id IS NOT NULL OR t.id IS NOT NULL)
