-- The step's total as it was queued at launch (issue #29, truthful progress): progress_total may
-- be revised by the step itself while it runs; the dashboard marks a revised total beside the bar.
-- NULL for steps queued before.
ALTER TABLE steps
    ADD COLUMN launch_total BIGINT;
