-- The rows of map-grid-metrics.sql (inserted in place of the marker below by
-- map-repository.ts, same parameters $1-$8) as the "grids" member of the
-- answer, code → [reported, closed, open, overdue, max_open_urgency,
-- population], written by the database: one text value instead of 100k rows
-- to parse and serialize in the server. Keys come in code order (the
-- subquery's); JSON objects are unordered anyway.
SELECT '"grids":{' ||
       coalesce(string_agg(to_json(f.code)::text || ':[' || f.reported || ',' || f.closed || ',' || f.open || ',' || f.overdue || ','
                           || f.max_open_urgency || ',' || f.population || ']', ','), '') || '}' AS members
  FROM (/* map-grid-metrics.sql */) f;
