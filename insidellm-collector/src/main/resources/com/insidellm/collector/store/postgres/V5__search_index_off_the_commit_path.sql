-- Text search leaves the ingest transaction. Extracting trigrams from a ~1 KB event cost PostgreSQL ~145 us, three
-- quarters of the store's work per event, and it was paid before every acknowledgement. Now ingest stores the event
-- only; a background indexer in the collector copies committed events, in sequence order and large batches, into
-- event_search, whose trigram index serves searches, and records how far it got in insidellm_search_state. A search
-- reads the index for sequence numbers up to that watermark and scans the events above it, so it is exact the moment
-- ingest answers (PgReads). Existing events are indexed by the same indexer, starting from watermark 0.

-- The text that search matches in one event: every string value of its payload (keys, ids and metadata do not count,
-- as in the SQLite store's json_tree search), joined by U+001F. A JSON \u0000 escape, which jsonb refuses, becomes
-- U+FFFD first (an escape preceded by an even number of backslashes: \\u0000 is a backslash and "u0000").
CREATE FUNCTION insidellm_search_text(raw text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT coalesce(string_agg(v #>> '{}', chr(31)), '')
  FROM jsonb_path_query((CASE WHEN strpos(raw, '\u0000') = 0 THEN raw
      ELSE regexp_replace(raw, '(?<=(?:^|[^\\])(?:\\\\)*)\\u0000', '\\ufffd', 'g') END)::jsonb -> 'payload',
    'strict $.** ? (@.type() == "string")') AS v
$f$;

-- The indexed search text, partitioned by day like events (event_search_20261203 beside events_20261203), so
-- retention drops both partitions of a day together.
CREATE TABLE event_search (
  seq bigint NOT NULL,
  ts bigint NOT NULL,
  search text NOT NULL
) PARTITION BY RANGE (ts);
CREATE INDEX event_search_text ON event_search USING gin (search gin_trgm_ops);

-- One row: every event numbered <= indexed_seq is in event_search (or was dropped by retention). The indexer locks it
-- with FOR UPDATE SKIP LOCKED, so of several collector instances one indexes at a time, and moves it in the
-- transaction that inserts the batch.
CREATE TABLE insidellm_search_state (
  id integer PRIMARY KEY CHECK (id = 1),
  indexed_seq bigint NOT NULL
);
INSERT INTO insidellm_search_state (id, indexed_seq) VALUES (1, 0);

-- A search partition for each day that already has events.
DO $$
DECLARE
  p record;
BEGIN
  FOR p IN SELECT ch.relname AS name, pg_get_expr(ch.relpartbound, ch.oid) AS bound
           FROM pg_inherits i JOIN pg_class ch ON ch.oid = i.inhrelid
           WHERE i.inhparent = 'events'::regclass AND ch.relname ~ '^events_[0-9]{8}$'
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF event_search %s', 'event_search_' || substr(p.name, 8), p.bound);
  END LOOP;
END
$$;

-- The second copy of the payload text and its index leave the events table (the column's old values stay in the
-- heap until rows are rewritten; new rows no longer carry them).
ALTER TABLE events DROP COLUMN search;
