-- The rows of map-grid-metrics.sql (inserted in place of the marker below by
-- map-repository.ts, same parameters $1-$8) as the members of a columnar JSON
-- answer, written by the database: "codes" and one array per figure, so a
-- city of 100k grids costs one text value instead of 100k rows to parse and
-- 100k small arrays to serialize. Every aggregate of this one Aggregate node
-- reads the same rows in the same sequence (the subquery's, in code order), so
-- the n-th number of each column is the n-th code's: an ORDER BY in each
-- aggregate would sort the city seven times (3× the time, measured at 100k).
SELECT '"codes":[' || coalesce(string_agg(to_json(f.code)::text, ','), '') ||
       '],"columns":{"reported":[' || coalesce(string_agg(f.reported::text, ','), '') ||
       '],"closed":[' || coalesce(string_agg(f.closed::text, ','), '') ||
       '],"open":[' || coalesce(string_agg(f.open::text, ','), '') ||
       '],"overdue":[' || coalesce(string_agg(f.overdue::text, ','), '') ||
       '],"max_open_urgency":[' || coalesce(string_agg(f.max_open_urgency::text, ','), '') ||
       '],"population":[' || coalesce(string_agg(f.population::text, ','), '') || ']}' AS members
  FROM (/* map-grid-metrics.sql */) f;
