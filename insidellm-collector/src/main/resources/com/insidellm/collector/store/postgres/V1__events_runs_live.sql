-- The collector's tables. Times are microseconds since the epoch (UTC), as in the SQLite store.

-- Trigram indexes let text search (ILIKE '%term%') use an index instead of reading every payload.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row: the highest sequence number committed. Every ingest transaction locks it first, so sequence numbers are
-- assigned and committed in one order across all instances: when a reader sees last_seq = n, every event numbered
-- <= n is committed, and none will appear later with a smaller number. That is what makes Last-Event-ID exact.
-- cluster_id names this database in the Redis channel, so collectors of two databases sharing one Redis never take
-- each other's sequence numbers for their own.
CREATE TABLE insidellm_live (
  id integer PRIMARY KEY CHECK (id = 1),
  last_seq bigint NOT NULL,
  cluster_id uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO insidellm_live (id, last_seq) VALUES (1, 0);

-- Events, partitioned by day on their timestamp, so retention drops whole partitions instead of deleting rows.
-- De-duplication is by (ts, event_id) as in the SQLite store: a retry re-sends the same event, timestamp included,
-- and a unique key on a partitioned table must contain the partition key.
CREATE TABLE events (
  seq bigint NOT NULL,
  event_id text NOT NULL,
  run_id text NOT NULL,
  parent_event_id text,
  event_type text NOT NULL,
  user_id text NOT NULL,
  ts bigint NOT NULL,
  model text,
  provider text,
  prompt_tokens bigint,
  completion_tokens bigint,
  total_tokens bigint,
  cost double precision,
  latency_ms double precision,
  is_error boolean NOT NULL,
  raw text NOT NULL,
  -- The payload's string values, separated by U+001F: what text search matches (keys and ids do not count).
  search text NOT NULL,
  received_at bigint NOT NULL,
  PRIMARY KEY (ts, event_id)
) PARTITION BY RANGE (ts);

CREATE INDEX events_seq ON events (seq);
CREATE INDEX events_run ON events (run_id, ts, seq);
CREATE INDEX events_search ON events USING gin (search gin_trgm_ops);

CREATE TABLE runs (
  run_id text PRIMARY KEY,
  user_id text NOT NULL,
  first_ts bigint NOT NULL,
  last_ts bigint NOT NULL,
  event_count bigint NOT NULL,
  llm_calls bigint NOT NULL,
  tokens bigint NOT NULL,
  cost double precision NOT NULL,
  errors bigint NOT NULL,
  ended boolean NOT NULL
);
CREATE INDEX runs_first ON runs (first_ts);
CREATE INDEX runs_user ON runs (user_id, first_ts);

CREATE TABLE run_models (
  run_id text NOT NULL,
  model text NOT NULL,
  PRIMARY KEY (run_id, model)
);
CREATE INDEX run_models_model ON run_models (model);

-- Distinct event types for the viewer's filter list, so facets need not scan every partition.
CREATE TABLE event_types (
  event_type text PRIMARY KEY
);
