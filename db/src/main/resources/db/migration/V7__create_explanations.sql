-- Compositional explanations of units (formula of concepts, its IoU, the best single
-- label's IoU), per experiment and layer; replaced as a whole when the step is re-run.
CREATE TABLE explanations (
    experiment_id   BIGINT           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    layer           TEXT             NOT NULL,
    unit            INT              NOT NULL,
    formula         TEXT             NOT NULL,
    iou             DOUBLE PRECISION NOT NULL,
    best_single     TEXT             NOT NULL,
    best_single_iou DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (experiment_id, layer, unit)
);
