-- Explanations judged on held-out images (issue #27 item 3): the formula and the best single
-- concept are chosen on the even samples (iou and best_single_iou are now those search-half
-- IoUs); both are scored on the odd samples, the held-out IoUs below, whose difference is the
-- held-out gain (it can be negative). NULL for rows written before.
ALTER TABLE explanations
    ADD COLUMN held_out_iou DOUBLE PRECISION,
    ADD COLUMN held_out_single_iou DOUBLE PRECISION;
