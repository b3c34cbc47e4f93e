-- Every attempt at an evaluation shard, by the worker that ran it: where work went
-- (shards per worker), what it cost (seconds, images) and what a crash lost (an attempt
-- that never finished). A log, not results: results stay in units/class_counts.
CREATE TABLE shard_runs (
    experiment_id BIGINT      NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    layer         TEXT        NOT NULL,
    shard         INT         NOT NULL,
    attempt       INT         NOT NULL,
    worker        TEXT        NOT NULL,
    images        BIGINT      NOT NULL DEFAULT 0,
    reused        BOOLEAN     NOT NULL DEFAULT FALSE,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ,
    PRIMARY KEY (experiment_id, layer, shard, attempt, worker)
);
