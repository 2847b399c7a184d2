-- A copied table's columns, in order: stored generated columns are left out
-- (the insert computes them); identity columns are shifted like ids, and
-- times are moved back in a copy that stands for older history.
SELECT attname AS name, attidentity <> '' AS identity, format_type(atttypid, NULL) AS type
  FROM pg_attribute
 WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
 ORDER BY attnum;
