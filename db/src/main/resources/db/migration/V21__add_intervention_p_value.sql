-- The empirical one-sided p-value of an ablation point, (1 + #{random draws removing at least
-- as much as the top-n units}) / (1 + draws), and the number of random draws it was computed
-- from (analysis AblationCurve). NULL for insertion rows and for rows written before V21.
ALTER TABLE interventions
    ADD COLUMN p_value DOUBLE PRECISION,
    ADD COLUMN draws   INT;
