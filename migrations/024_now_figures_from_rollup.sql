-- "Now" figures (open, red open, overdue) at a cost that follows the open
-- set's shape, not the rows behind it (issue "scale"):
--
-- * Open and red open per place, category, urgency and status are already in
--   the daily rollup (migrations/020): it counts every incident by its
--   current status, so the rows of open statuses, summed over all days, are
--   the open incidents. This partial index holds only those rows: a few per
--   open combination of day, place, category and urgency, however many
--   incidents share it. explore-counts.sql and explore-categories.sql read
--   it, as does map-grid-metrics.sql (a handler's unit scope, which the
--   rollup does not know, reads the incident rows as before). The predicate
--   is the literal list of incident_is_open() (migrations/013), as in
--   migrations/019: the planner inlines that function, so the queries'
--   `incident_is_open(r.status)` matches it.
CREATE INDEX incident_daily_open_idx ON incident_daily (depth, place_code)
  INCLUDE (category_code, urgency, status, reported)
  WHERE status NOT IN ('closed', 'rejected', 'duplicate');

-- * Overdue depends on the clock (due before now), so it is counted from the
--   incident rows, but only the overdue ones: a range of this index up to
--   now(), read without the table (every column the readers filter or group
--   by is included). incident_overdue_idx (district, due) needs a heap visit
--   per row for the grid code.
CREATE INDEX incident_due_now_idx ON incident (due_at)
  INCLUDE (grid_code, category_code, urgency, status, district_code, street_code, community_code)
  WHERE status IN ('dispatched', 'in_progress');
