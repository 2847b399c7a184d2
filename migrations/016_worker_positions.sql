-- Where a grid worker is (可视化调度), shared by the worker's phone only while
-- they opt in, for the dispatch console. One row per worker: the last
-- position; stopping the sharing deletes it, and rows older than
-- GRIDSCOPE_POSITION_RETENTION_DAYS (default 7) are deleted by a periodic
-- sweep (server/workflow/field-retention-sweeper.ts). Read by dispatchers and
-- commanders whose scope covers the worker's grid, each read audited; never
-- sent on the live stream.
CREATE TABLE worker_position (
  user_id    integer PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  -- The worker's grid when the position was sent (app_user.scope_code of a grid worker).
  grid_code  text COLLATE "C" NOT NULL,
  location   geometry(Point, 4326) NOT NULL,
  accuracy_m real NOT NULL CHECK (accuracy_m >= 0 AND accuracy_m <= 100000),
  at         timestamptz NOT NULL
);
CREATE INDEX worker_position_grid_idx ON worker_position (grid_code);
CREATE INDEX worker_position_at_idx ON worker_position (at);
