-- Serialises event writers until they commit, so that ids become visible in
-- id order. Without it, transaction A could take id 5, transaction B id 6,
-- B commit first and a reader see 6, move its cursor past it, and never pick
-- up 5 when A commits. Readers rely on "WHERE id > last_seen" being gap-free.
-- The key is arbitrary but fixed (the migration lock uses 74201100).
SELECT pg_advisory_xact_lock(74201108)
