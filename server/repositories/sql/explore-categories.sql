-- Reported / closed / open per category over the filtered incidents of a
-- place in [from, to), every category listed (zeros included), in the
-- catalogue's order. Same scan as explore-counts.sql.
-- $1 place code or NULL, $2 from, $3 to, $4 categories[], $5 urgencies[], $6 statuses[].
SELECT c.code, c.name_zh, c.name_en,
       count(i.id)::int AS reported,
       count(i.id) FILTER (WHERE i.status = 'closed')::int AS closed,
       count(i.id) FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate'))::int AS open
  FROM incident_category c
  LEFT JOIN incident i
         ON i.category_code = c.code
        AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
        AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
        AND ($3::timestamptz IS NULL OR i.reported_at < $3)
        AND ($5::text[] IS NULL OR i.urgency = ANY($5))
        AND ($6::text[] IS NULL OR i.status = ANY($6))
 WHERE $4::text[] IS NULL OR c.code = ANY($4)
 GROUP BY c.code, c.name_zh, c.name_en, c.sort_order
 ORDER BY c.sort_order, c.code;
