-- Reported / closed / open for a region and each of its children, over
-- incidents reported in [from, to). Children are found from the grid code
-- prefix: 6 digits = district, 9 = street, 12 = community, 15 = grid.
-- $1 district/street/community/grid code or NULL (whole city), $2 from, $3 to, $4 child code length.
WITH scoped AS (
  SELECT left(i.grid_code, $4::int) AS child_code, i.status
    FROM incident i
   WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
     AND ($3::timestamptz IS NULL OR i.reported_at < $3)
)
SELECT child_code,
       count(*)::int AS reported,
       count(*) FILTER (WHERE status = 'closed')::int AS closed,
       count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'duplicate'))::int AS open
  FROM scoped
 GROUP BY child_code;
