-- Places whose Chinese or English name contains the text, or whose code starts
-- with it (digits only), inside the caller's scope: what the explorer's search
-- box offers. Exact names first, then names that start with the text; higher
-- levels before lower (a community before its grids, which share its name);
-- then code order. Each with its parent's name, to tell 南岸村 from 南岸村.
-- A grid's English name is its community's and its number (Lijiachong
-- Community Grid 5; grid_name_en, migrations/023). IS TRUE: a name_en may be NULL, and NULL sorts first.
-- position(), not LIKE, for names: the text is matched as typed, % and _ too.
-- $1 text (trimmed, not empty), $2 scope code or NULL (whole city), $3 limit.
WITH hits AS (
  SELECT code, level, name, name_en, parent_code
    FROM region
   WHERE position($1 IN name) > 0
      OR position(lower($1) IN lower(coalesce(name_en, ''))) > 0
      OR ($1 ~ '^[0-9]+$' AND code LIKE $1 || '%')
  UNION ALL
  SELECT code, 'grid', name, name_en, community_code
    FROM (SELECT g.code, g.name, grid_name_en(c.name_en, g.code) AS name_en, g.community_code
            FROM grid g LEFT JOIN region c ON c.code = g.community_code) g
   WHERE position($1 IN name) > 0
      OR position(lower($1) IN lower(coalesce(name_en, ''))) > 0
      OR ($1 ~ '^[0-9]+$' AND code LIKE $1 || '%')
)
SELECT h.code, h.level, h.name, h.name_en, p.name AS parent_name, p.name_en AS parent_name_en
  FROM hits h
  LEFT JOIN region p ON p.code = h.parent_code
 WHERE $2::text IS NULL OR h.code LIKE $2 || '%'
 ORDER BY (h.name = $1 OR lower(h.name_en) = lower($1)) IS TRUE DESC,
          (left(h.name, length($1)) = $1 OR lower(left(h.name_en, length($1))) = lower($1)) IS TRUE DESC,
          length(h.code), h.code
 LIMIT $3;
