-- A retried shard attempt resumes from the partial tally its predecessor checkpointed
-- (reported in its heartbeats): resumed_from is the number of the shard's images it did
-- not have to compute again (0: from the start).
ALTER TABLE shard_runs ADD COLUMN resumed_from BIGINT NOT NULL DEFAULT 0;
