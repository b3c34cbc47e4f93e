-- The intervene step's results per experiment, layer and class of interest:
--   kind 'ablation':  n = units removed, value = fraction of the class's pixels removed by the
--                     top-n units by IoU, baseline/spread = mean/sd over random n-unit draws,
--                     count = images that had the class;
--   kind 'insertion': n = units inserted, context = the class that was at the region before
--                     ('' = all regions), value = mean change of the class's probability in the
--                     region, baseline = average causal effect, count = regions.
CREATE TABLE interventions (
    experiment_id BIGINT           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    layer         TEXT             NOT NULL,
    class_name    TEXT             NOT NULL,
    kind          TEXT             NOT NULL CHECK (kind IN ('ablation', 'insertion')),
    n             INT              NOT NULL,
    context       TEXT             NOT NULL DEFAULT '',
    value         DOUBLE PRECISION NOT NULL,
    baseline      DOUBLE PRECISION NOT NULL,
    spread        DOUBLE PRECISION NOT NULL,
    count         BIGINT           NOT NULL,
    PRIMARY KEY (experiment_id, layer, class_name, kind, n, context)
);
