-- The controlled decision of docs/CONTROLS.md (issue #27): per unit the one-sided p-value of
-- the location test, its Benjamini-Hochberg q-value over the layer's units, and whether the
-- unit has the minimum effect (lift >= 0.02 and IoU >= 2x null IoU). beats_location now means
-- q <= 0.05 and interpretable_controlled the whole rule. Per class the controlled-interpretable
-- units beside the SPEC count. NULL for rows written before.
ALTER TABLE units
    ADD COLUMN location_p DOUBLE PRECISION,
    ADD COLUMN location_q DOUBLE PRECISION,
    ADD COLUMN min_effect BOOLEAN;

ALTER TABLE class_counts
    ADD COLUMN controlled_units INT;
