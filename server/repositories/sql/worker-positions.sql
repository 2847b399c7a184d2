-- The last shared position of each grid worker of one grid, newest first,
-- with its age. Only positions within the retention are returned even before
-- the sweep deletes older ones. $1 grid code, $2 now, $3 retention in days.
SELECT u.id AS user_id, u.display_name AS name, ST_X(p.location) AS lon, ST_Y(p.location) AS lat,
       p.accuracy_m::float8 AS accuracy_m, p.at,
       floor(extract(epoch FROM ($2::timestamptz - p.at)))::int AS age_s
  FROM worker_position p
  JOIN app_user u ON u.id = p.user_id
 WHERE p.grid_code = $1
   AND u.role = 'grid_worker' AND NOT u.disabled
   AND p.at > $2::timestamptz - make_interval(days => $3::int)
 ORDER BY p.at DESC, u.id;
