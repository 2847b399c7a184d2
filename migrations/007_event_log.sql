-- Live events (incident and directive changes) for the wall display and the
-- workers' screens. Each event is written in the same transaction as the
-- change it announces, so it exists if and only if the change committed; a
-- NOTIFY in that transaction wakes every server process, which then reads
-- the rows by id. The table doubles as the replay buffer for clients that
-- reconnect with Last-Event-ID, so it is pruned to a retention window rather
-- than kept forever: the history tables are the record, this is a feed.
CREATE TABLE event_log (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type    text NOT NULL CHECK (type IN (
            'incident.created', 'incident.status_changed', 'incident.escalated', 'incident.overdue',
            'directive.created', 'directive.answered')),
  at      timestamptz NOT NULL DEFAULT now(),
  -- The most specific region the event concerns: a 15-digit grid code for an
  -- incident, a 6-digit district code for a district's answer, the city code
  -- for a city-wide directive. Subscribers are filtered by it.
  scope   text COLLATE "C" NOT NULL CHECK (scope ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object')
);

-- How far pruning has gone: a client whose last event id is below this has
-- missed events that no longer exist and must reload instead of replaying.
-- One row, so the value survives an empty table.
CREATE TABLE event_log_pruned (
  only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  through_id bigint NOT NULL DEFAULT 0
);
INSERT INTO event_log_pruned DEFAULT VALUES;
