-- The incident workflow (事件闭环): who did what and when, which units an
-- incident is dispatched to, its photos, dispute mediations, and the command
-- centre's directives (指令) to the districts. The allowed transitions live in
-- server/workflow/incident-workflow.ts; the database keeps the record whole.

ALTER TABLE incident
  ADD COLUMN duplicate_of   bigint REFERENCES incident (id),
  ADD COLUMN reporter_user_id integer REFERENCES app_user (id),
  -- When a red incident's "not dispatched within 30 minutes" alert went out,
  -- and when an overdue (督办) notice went out: each fires once.
  ADD COLUMN red_alerted_at timestamptz,
  ADD COLUMN overdue_notified_at timestamptz,
  ADD CONSTRAINT incident_duplicate_has_original CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL)),
  ADD CONSTRAINT incident_not_own_duplicate CHECK (duplicate_of IS NULL OR duplicate_of <> id);

-- Red incidents waiting for dispatch are looked for every minute.
CREATE INDEX incident_red_waiting_idx ON incident (reported_at)
  WHERE urgency = 'red' AND status IN ('reported', 'filed') AND red_alerted_at IS NULL;
-- Nearby duplicates: same category, near in time, near in space.
CREATE INDEX incident_category_time_idx ON incident (category_code, reported_at);

-- Every transition, in order. action is the workflow action (file, dispatch,
-- resolve, ...) or a system event (escalate, overdue, red_alert).
CREATE TABLE incident_history (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id   bigint NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  at            timestamptz NOT NULL,
  actor         text NOT NULL,
  actor_user_id integer REFERENCES app_user (id),
  action        text NOT NULL CHECK (action ~ '^[a-z_]+$'),
  from_status   text,
  to_status     text NOT NULL,
  note          text NOT NULL DEFAULT '',
  details       jsonb
);
CREATE INDEX incident_history_incident_idx ON incident_history (incident_id, at, id);

-- The units an incident is dispatched to. A yellow incident may go to several
-- at once and is resolved when every one of them has resolved its part.
CREATE TABLE incident_assignment (
  incident_id bigint NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  unit_code   text COLLATE "C" NOT NULL REFERENCES unit (code),
  assigned_at timestamptz NOT NULL,
  due_at      timestamptz NOT NULL,
  status      text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'in_progress', 'resolved')),
  resolved_at timestamptz,
  feedback    text NOT NULL DEFAULT '',
  PRIMARY KEY (incident_id, unit_code),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
  CHECK (due_at > assigned_at)
);
CREATE INDEX incident_assignment_unit_idx ON incident_assignment (unit_code, status);

-- Photo metadata; the bytes live on disk under their SHA-256 (photo-store.ts).
CREATE TABLE incident_photo (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('before', 'after')),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  mime        text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
  bytes       integer NOT NULL CHECK (bytes > 0),
  uploaded_by text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (incident_id, kind, sha256)
);

-- Mediation attempts of disputes (调解). The third failure of a blue dispute
-- makes it yellow.
CREATE TABLE incident_mediation (
  incident_id bigint NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  attempt     integer NOT NULL CHECK (attempt > 0),
  at          timestamptz NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  note        text NOT NULL DEFAULT '',
  actor       text NOT NULL,
  PRIMARY KEY (incident_id, attempt)
);

-- Directives from the command centre to the district centres, e.g. "verify
-- the 33 returnees from Shanghai registered today", each answered per
-- district with a report or a zero report (零报告).
CREATE TABLE directive (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title      text NOT NULL CHECK (length(btrim(title)) > 0),
  body       text NOT NULL DEFAULT '',
  deadline   timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  CHECK (deadline > created_at)
);

CREATE TABLE directive_target (
  directive_id  integer NOT NULL REFERENCES directive (id) ON DELETE CASCADE,
  district_code text COLLATE "C" NOT NULL REFERENCES region (code),
  status        text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'answered', 'zero_report')),
  answer        text NOT NULL DEFAULT '',
  answered_at   timestamptz,
  answered_by   text,
  PRIMARY KEY (directive_id, district_code),
  CHECK ((status = 'waiting') = (answered_at IS NULL))
);

-- A red incident waiting too long for dispatch is its own kind of live event.
ALTER TABLE event_log DROP CONSTRAINT event_log_type_check;
ALTER TABLE event_log ADD CONSTRAINT event_log_type_check CHECK (type IN (
  'incident.created', 'incident.status_changed', 'incident.escalated', 'incident.overdue', 'incident.red_alert',
  'directive.created', 'directive.answered'));

-- Codes of incidents reported through the API: SJ + China date + 9 + a
-- six-digit serial. The seven digits after the date never collide with the
-- demo's six-digit daily serials.
CREATE SEQUENCE incident_code_seq MAXVALUE 999999 CYCLE;
