-- Per-unit results of a layer's dissection, and per-class counts of interpretable units.
-- Written in one transaction per (experiment, layer), replacing any earlier rows, so a
-- retried activity never duplicates them.
CREATE TABLE units (
    experiment_id BIGINT           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    layer         TEXT             NOT NULL,
    unit          INT              NOT NULL,
    threshold     DOUBLE PRECISION NOT NULL,
    label         INT              NOT NULL,
    label_name    TEXT             NOT NULL,
    category      TEXT             NOT NULL,
    iou           DOUBLE PRECISION NOT NULL,
    iqr           DOUBLE PRECISION NOT NULL,
    interpretable BOOLEAN          NOT NULL,
    top_samples   BIGINT[]         NOT NULL,
    PRIMARY KEY (experiment_id, layer, unit)
);
CREATE INDEX units_label_idx ON units (experiment_id, layer, label_name);

CREATE TABLE class_counts (
    experiment_id       BIGINT           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    layer               TEXT             NOT NULL,
    class_index         INT              NOT NULL,
    class_name          TEXT             NOT NULL,
    category            TEXT             NOT NULL,
    interpretable_units INT              NOT NULL,
    pixel_frequency     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (experiment_id, layer, class_index)
);
