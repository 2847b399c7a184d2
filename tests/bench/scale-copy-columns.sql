-- A copied table's columns, in order: stored generated columns are left out
-- (the insert computes them); identity columns are shifted like ids.
SELECT attname AS name, attidentity <> '' AS identity
  FROM pg_attribute
 WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
 ORDER BY attnum;
