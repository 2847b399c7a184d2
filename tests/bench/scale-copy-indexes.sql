-- A copied table's indexes other than its primary key, each with the
-- constraint it backs (a UNIQUE) if any: dropped before the bulk insert and
-- rebuilt after, which is several times cheaper than keeping them up to date
-- row by row (a unique code index is written in random order). The slowest
-- builds first (GIN: the search index takes longer than all the rest), so
-- the other session builds the rest meanwhile.
SELECT i.indexrelid::regclass::text AS index_name,
       con.conname AS constraint_name,
       pg_get_indexdef(i.indexrelid) AS index_def
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype = 'u'
 WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
 ORDER BY am.amname = 'gin' DESC, am.amname = 'gist' DESC, pg_relation_size(i.indexrelid) DESC;
