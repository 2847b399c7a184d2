-- The directive desk (/directives): daily rounds (日报告), figures in an
-- answer, a CSV attachment, and reminders (催报).
--
-- Daily rounds. A directive with daily_until repeats every day at the time of
-- day of its deadline (China has no daylight saving, so each round is due
-- exactly 24 h after the one before) up to and including daily_until (a China
-- date). Round 1 is due at the directive's deadline; round n opens when round
-- n-1 is due. Rounds are computed (directive-rounds.sql), not stored: only
-- answers are, as directive_target rows keyed by their round. Round 1's rows
-- are inserted waiting with the directive, as before, and say which districts
-- are addressed; later rounds' rows appear when a district answers, so the
-- first answer stands (ON CONFLICT ... WHERE status = 'waiting').
ALTER TABLE directive ADD COLUMN daily_until date;
-- {filename, columns: [..], rows: [[..], ..]}: a list of names or addresses,
-- parsed and bounded by the service (server/contract/directive-csv.ts).
ALTER TABLE directive ADD COLUMN attachment jsonb;

ALTER TABLE directive_target ADD COLUMN round integer NOT NULL DEFAULT 1 CHECK (round >= 1);
-- [{label, value}, ..]: the figures of a report (人数, 户数 ...); NULL without.
ALTER TABLE directive_target ADD COLUMN figures jsonb;
ALTER TABLE directive_target DROP CONSTRAINT directive_target_pkey;
ALTER TABLE directive_target ADD PRIMARY KEY (directive_id, round, district_code);

-- Each reminder (催报) sent to a district that had not answered a round.
CREATE TABLE directive_reminder (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  directive_id  integer NOT NULL REFERENCES directive (id) ON DELETE CASCADE,
  round         integer NOT NULL CHECK (round >= 1),
  district_code text COLLATE "C" NOT NULL REFERENCES region (code),
  sent_at       timestamptz NOT NULL,
  sent_by       text NOT NULL
);
CREATE INDEX directive_reminder_by_target ON directive_reminder (directive_id, round, district_code);

ALTER TABLE event_log DROP CONSTRAINT event_log_type_check;
ALTER TABLE event_log ADD CONSTRAINT event_log_type_check CHECK (type IN (
  'incident.created', 'incident.status_changed', 'incident.escalated', 'incident.overdue', 'incident.red_alert',
  'incident.urged', 'incident.checked', 'directive.created', 'directive.answered', 'directive.reminded'));
