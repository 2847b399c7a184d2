-- A grid worker's position, replacing the one before: only the last is kept.
-- $1 user id, $2 grid code, $3 lon, $4 lat (WGS84), $5 accuracy in metres, $6 when.
INSERT INTO worker_position (user_id, grid_code, location, accuracy_m, at)
VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6)
ON CONFLICT (user_id) DO UPDATE
   SET grid_code = EXCLUDED.grid_code, location = EXCLUDED.location, accuracy_m = EXCLUDED.accuracy_m, at = EXCLUDED.at;
