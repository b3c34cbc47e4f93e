-- The steps of an experiment (sample, segment, dissect per layer, ...): status, attempt,
-- shard progress, timings, error text and the content-addressed key of the result.
CREATE TABLE steps (
    id             BIGSERIAL PRIMARY KEY,
    experiment_id  BIGINT      NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    name           TEXT        NOT NULL,
    layer          TEXT        NOT NULL DEFAULT '',
    status         TEXT        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED')),
    attempt        INT         NOT NULL DEFAULT 0,
    progress_done  BIGINT      NOT NULL DEFAULT 0,
    progress_total BIGINT      NOT NULL DEFAULT 0,
    result_key     TEXT,
    error          TEXT,
    queued_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    UNIQUE (experiment_id, name, layer)
);
