-- Experiments: one Temporal workflow each; Postgres is the durable record that the
-- dashboard lists (the embedded Temporal server has no visibility API).
CREATE TABLE experiments (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    bundle_id   BIGINT      NOT NULL REFERENCES bundles (id),
    params      JSONB       NOT NULL,
    status      TEXT        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    workflow_id TEXT UNIQUE,
    notes       TEXT        NOT NULL DEFAULT '',
    created_by  TEXT,
    error       TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX experiments_created_idx ON experiments (created_at DESC, id DESC);
CREATE INDEX experiments_status_idx ON experiments (status);
CREATE INDEX experiments_bundle_idx ON experiments (bundle_id);

CREATE TABLE experiment_tags (
    experiment_id BIGINT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    tag           TEXT   NOT NULL CHECK (length(tag) BETWEEN 1 AND 64),
    PRIMARY KEY (experiment_id, tag)
);
CREATE INDEX experiment_tags_tag_idx ON experiment_tags (tag);
