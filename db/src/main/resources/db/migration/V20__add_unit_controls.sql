-- The controls of a dissection (analysis UnitControls): per unit the 95% Poisson-bootstrap
-- interval of its IoU, the null IoU of an independent mask of the same area, the IoU of
-- its location mask (same pixels in every image, where the label is most frequent on the
-- threshold set), the lift over it and its bootstrap lower bound, whether it beats the
-- location mask, interpretable with that control, and interpretable under the top-1%
-- quantile rule. NULL for rows written before controls existed.
ALTER TABLE units
    ADD COLUMN iou_ci_low              DOUBLE PRECISION,
    ADD COLUMN iou_ci_high             DOUBLE PRECISION,
    ADD COLUMN null_iou                DOUBLE PRECISION,
    ADD COLUMN location_iou            DOUBLE PRECISION,
    ADD COLUMN lift                    DOUBLE PRECISION,
    ADD COLUMN lift_ci_low             DOUBLE PRECISION,
    ADD COLUMN beats_location          BOOLEAN,
    ADD COLUMN interpretable_controlled BOOLEAN,
    ADD COLUMN top1_interpretable      BOOLEAN;

-- Interpretable units of a layer per rule ('spec': SPEC section 5; 'controlled': and beats
-- its location mask; 'top1': SPEC cut-offs at per-unit 99th-percentile thresholds) and
-- category ('object', 'part', 'material', 'total'), with the 95% bootstrap interval
-- (NULL where none is computed: the top-1% rule).
CREATE TABLE interpretable_counts (
    experiment_id BIGINT           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    layer         TEXT             NOT NULL,
    rule          TEXT             NOT NULL,
    category      TEXT             NOT NULL,
    units         INT              NOT NULL,
    ci_low        DOUBLE PRECISION,
    ci_high       DOUBLE PRECISION,
    PRIMARY KEY (experiment_id, layer, rule, category)
);
