-- What the query API gained: call types, traces, tags and metadata filters, run names, first inputs, a run's own
-- span, feedback, time to first token; errors counted once per failure (read time, served by events_parent).

ALTER TABLE events
  ADD COLUMN call_type text,
  ADD COLUMN trace_id text,
  ADD COLUMN name text,
  ADD COLUMN score double precision,
  ADD COLUMN ttft_ms double precision;

CREATE INDEX events_parent ON events (parent_event_id) WHERE is_error;
CREATE INDEX events_trace ON events (trace_id, ts) WHERE trace_id IS NOT NULL;
CREATE INDEX events_call_type ON events (call_type, ts) WHERE call_type IS NOT NULL;

ALTER TABLE runs
  ADD COLUMN name text,
  ADD COLUMN name_rank integer NOT NULL DEFAULT 0,
  ADD COLUMN first_input text,
  ADD COLUMN first_input_ts bigint,
  ADD COLUMN trace_id text,
  ADD COLUMN start_ts bigint,
  ADD COLUMN end_ts bigint,
  ADD COLUMN feedback_count bigint NOT NULL DEFAULT 0,
  ADD COLUMN feedback_scored bigint NOT NULL DEFAULT 0,
  ADD COLUMN feedback_sum double precision NOT NULL DEFAULT 0;

CREATE INDEX runs_start ON runs ((coalesce(start_ts, first_ts)));
CREATE INDEX runs_trace ON runs (trace_id) WHERE trace_id IS NOT NULL;

-- An event's tags, one row each (retention deletes them by ts with their partition's events).
CREATE TABLE event_tags (
  tag text NOT NULL,
  seq bigint NOT NULL,
  ts bigint NOT NULL,
  PRIMARY KEY (tag, seq)
);
CREATE INDEX event_tags_ts ON event_tags (ts);

-- Distinct call types for the viewer's filter list, like event_types.
CREATE TABLE call_types (
  call_type text PRIMARY KEY
);
