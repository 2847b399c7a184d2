-- The one definition of an open incident in SQL (README, "KPIs"): not closed,
-- rejected or a duplicate. server/contract/vocabulary.ts (FINISHED_STATUSES)
-- says the same for the server and the browser.
--
-- LANGUAGE sql, IMMUTABLE and not STRICT so that the planner inlines the body:
-- `WHERE incident_is_open(i.status)` plans exactly as the literal
-- `i.status NOT IN (...)`, and the partial index incident_open_idx
-- (migrations/003), whose predicate keeps the literal list, still matches.
-- Changing the list here means recreating that index with the same list.
CREATE FUNCTION incident_is_open(status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT status NOT IN ('closed', 'rejected', 'duplicate') $$;
