-- The dispatch queue's search (`?q=` on /api/incidents: part of the code,
-- the description or the grid code; place and grid names are resolved to
-- codes first, see incident-repository.ts) backed by an index instead of a
-- read of every incident.
--
-- Why not pg_trgm: a trigram index cannot serve a search shorter than three
-- characters (LIKE '%井盖%' yields no trigram, so the index is read whole),
-- and most Chinese searches are two characters (井盖, 噪音, 占道). Instead the
-- index holds each incident's lower-cased characters and character pairs
-- (unigrams and bigrams) as a text[] under the built-in GIN array operators:
-- a search of two or more characters looks up its pairs, one of one
-- character that character; the ILIKE beside it in the query keeps the
-- answer exact (pairs found out of order, or across two columns, are
-- rechecked away). No extension, so it is the same on PostgreSQL and PGlite,
-- and it does not depend on the locale classifying CJK as word characters.
--
-- The pairs come from two regexp_replace passes (pairs at odd and at even
-- offsets), split on \x01; plain SQL with no aggregate, so PostgreSQL inlines
-- it (an aggregate version cost ~0.6 ms an incident on PGlite, this ~0.1).
-- lower() folds with the database's default collation, as ILIKE on the
-- description does: whatever ILIKE matches, its lower-cased pairs are here.
CREATE FUNCTION search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_remove(
           string_to_array(lower(t COLLATE "default"), NULL)
           || string_to_array(regexp_replace(lower(t COLLATE "default"), '..', E'\\&\x01', 'g') || E'\x01'
                              || regexp_replace(substr(lower(t COLLATE "default"), 2), '..', E'\\&\x01', 'g'), E'\x01'),
           '')
$$;

-- What a search looks up: its one character, or its pairs. Evaluated once
-- per query (at planning), so it need not be cheap.
CREATE FUNCTION search_query_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(t) = 1 THEN ARRAY[lower(t COLLATE "default")]
              ELSE ARRAY(SELECT DISTINCT substr(lower(t COLLATE "default"), n, 2)
                           FROM generate_series(1, char_length(t) - 1) AS n)
         END
$$;

-- One expression over the three searched columns, \x01 between them so that
-- no pair spans two (a search never holds \x01); the queries repeat it
-- exactly (incident-features.sql, incident-count.sql) so the planner uses it.
CREATE INDEX incident_search_gin ON incident
  USING gin (search_grams(code || E'\x01' || grid_code || E'\x01' || description));

-- The directive desk's list reads directives newest first and stops at its
-- LIMIT (directive-list.sql): in this order straight from an index, each
-- directive's rounds and answers are looked at only if it is shown.
CREATE INDEX directive_created_idx ON directive (created_at DESC, id DESC);
