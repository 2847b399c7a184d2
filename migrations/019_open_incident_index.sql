-- The "now" figures (open, overdue, red open, the highest open urgency) of
-- the summary, the explorer and the wall map read every incident open now,
-- whatever its report date: a few thousand rows however long the history.
-- This partial index holds only those rows, keyed by grid code (the figures
-- group by grid or by a prefix of it) with every column those queries read
-- included, so they are an index-only scan of the open set instead of a scan
-- of the whole table. The predicate is the literal list of
-- incident_is_open() (migrations/013): the planner inlines that function, so
-- `WHERE incident_is_open(i.status)` as the queries write it matches this
-- predicate. Changing the list there means recreating this index.
CREATE INDEX incident_open_now_idx ON incident (grid_code)
  INCLUDE (status, urgency, due_at, category_code, district_code, street_code, community_code)
  WHERE status NOT IN ('closed', 'rejected', 'duplicate');
