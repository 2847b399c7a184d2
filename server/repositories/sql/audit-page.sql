-- One page of the audit log, newest first, keyset-paginated on id.
-- $1 actor, $2 target type, $3 target id, $4 action prefix, $5 from, $6 to,
-- $7 entries older than this id, $8 limit (each NULL = no filter).
SELECT id, at, actor, action, target_type, target_id, before, after, client_ip
  FROM audit_log
 WHERE ($1::text IS NULL OR actor = $1)
   AND ($2::text IS NULL OR target_type = $2)
   AND ($3::text IS NULL OR target_id = $3)
   AND ($4::text IS NULL OR action LIKE $4 || '%')
   AND ($5::timestamptz IS NULL OR at >= $5)
   AND ($6::timestamptz IS NULL OR at < $6)
   AND ($7::bigint IS NULL OR id < $7)
 ORDER BY id DESC
 LIMIT $8;
