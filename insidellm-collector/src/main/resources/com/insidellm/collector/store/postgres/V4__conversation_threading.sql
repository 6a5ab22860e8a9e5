-- The gateway's automatic conversation threading, kept so a conversation continues in the same run after a restart
-- and on any instance: fingerprint -> run (the newest ones kept), and the runs the gateway opened and has not ended.
-- Times are microseconds since the epoch, as elsewhere.
CREATE TABLE conversation_threads (
  fingerprint text PRIMARY KEY,
  run_id text NOT NULL,
  seen bigint NOT NULL
);
CREATE INDEX conversation_threads_seen ON conversation_threads (seen);

CREATE TABLE conversation_runs (
  run_id text PRIMARY KEY,
  user_id text NOT NULL,
  started bigint NOT NULL,
  last_active bigint NOT NULL
);
