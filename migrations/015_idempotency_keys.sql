-- Idempotency keys of writes (the IETF draft's Idempotency-Key header): a
-- phone's offline outbox retries a report until it hears an answer, so the
-- same request may arrive twice, or twice at once. The key is claimed in the
-- transaction of the write it guards; the primary key makes a second claim of
-- the same key by the same user wait for the first and then find it, and the
-- stored status and body are what a repeat is answered with.
--
-- Kept at least 7 days (server/workflow/field-retention-sweeper.ts deletes
-- older ones), longer than an outbox holds an unsent report.
CREATE TABLE idempotency_key (
  user_id      integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  key          text COLLATE "C" NOT NULL CHECK (key ~ '^[ -~]{1,200}$'),
  -- "POST /api/incidents" and the like: a key belongs to one kind of write.
  route        text NOT NULL,
  -- SHA-256 of what the request asked for: the same key with another body is refused.
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  -- Filled in by the same transaction that claims the key, so a committed row always has them.
  status_code  integer CHECK (status_code BETWEEN 200 AND 299),
  response     text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key),
  CHECK ((status_code IS NULL) = (response IS NULL))
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
