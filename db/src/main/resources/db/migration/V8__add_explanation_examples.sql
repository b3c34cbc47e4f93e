-- What the dashboard needs to draw an explanation's example images: the formula in
-- machine form, the unit's threshold used for its mask, and the sample indices where the
-- unit and formula masks overlap most. Rows written before this migration have none
-- (the dashboard then shows the formula without images).
ALTER TABLE explanations ADD COLUMN formula_code TEXT;
ALTER TABLE explanations ADD COLUMN threshold DOUBLE PRECISION;
ALTER TABLE explanations ADD COLUMN examples BIGINT[];
