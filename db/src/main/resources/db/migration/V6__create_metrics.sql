-- Scalar results of an experiment's steps (domain FD, precision, recall, ablation
-- points, ...), keyed so that re-writing a step's metrics replaces them.
CREATE TABLE metrics (
    experiment_id BIGINT           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    step          TEXT             NOT NULL,
    name          TEXT             NOT NULL,
    variant       TEXT             NOT NULL DEFAULT '',
    value         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (experiment_id, step, name, variant)
);
