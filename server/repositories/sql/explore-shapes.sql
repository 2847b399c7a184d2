-- The polygons the explorer colours: the children of a place (regions one
-- level down, the grids of a community; a grid is its own only shape), with
-- names, population, a point inside each for its label and a bbox for
-- fitting the map. A region's label point is the centre of the largest circle
-- inside its largest piece: a district with an exclave (荷塘区) is named on its
-- main part, away from its edges, where the names of small neighbours have
-- room. A grid's is ST_PointOnSurface: cheap for the hundreds of grids of a
-- street's communities, and always inside.
-- The feature id is the code (text): deck.gl picks by object, not feature state.
-- Every shape is a MultiPolygon. When simplifying the geometry is left null
-- here: the repository puts in the city-wide shared-edge simplification of
-- the children's layer (shared-edge-shapes.ts), so neighbours keep sharing
-- their edges.
-- A grid's English name is its community's and its number (Lijiachong Community Grid 5):
-- grid_name_en, migrations/023.
-- $1 place code, $2 its level, $3 simplification tolerance in degrees (0 = none).
WITH shapes AS (
  SELECT code, level, name, name_en, population, boundary
    FROM region
   WHERE parent_code = $1 AND $2::text IN ('city', 'district', 'street')
  UNION ALL
  SELECT g.code, 'grid', g.name, (SELECT grid_name_en(c.name_en, g.code) FROM region c WHERE c.code = g.community_code), g.population, g.boundary
    FROM grid g
   WHERE ($2::text = 'community' AND g.community_code = $1) OR ($2::text = 'grid' AND g.code = $1)
)
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', s.code,
            'bbox', json_build_array(round(ST_XMin(s.boundary)::numeric, 5), round(ST_YMin(s.boundary)::numeric, 5),
                                     round(ST_XMax(s.boundary)::numeric, 5), round(ST_YMax(s.boundary)::numeric, 5)),
            'geometry', CASE WHEN $3::float8 > 0 THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(s.boundary)), 5)::json END,
            'properties', json_build_object(
              'code', s.code, 'level', s.level, 'name', s.name, 'name_en', s.name_en, 'population', coalesce(s.population, 0),
              'label', (SELECT json_build_array(round(ST_X(p)::numeric, 5), round(ST_Y(p)::numeric, 5))
                          FROM (SELECT CASE WHEN s.level = 'grid' THEN ST_PointOnSurface(s.boundary)
                                            ELSE (SELECT (ST_MaximumInscribedCircle(d.geom)).center FROM ST_Dump(s.boundary) d
                                                   ORDER BY ST_Area(d.geom) DESC, d.path LIMIT 1) END AS p) l))
          ) ORDER BY s.code), '[]'::json)
       )::text AS body
  FROM shapes s;
