-- POST /api/experiments with an Idempotency-Key header: a retried request (same user, same
-- key) gets the experiment the first one created instead of a second one.
ALTER TABLE experiments ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX experiments_idempotency_idx ON experiments (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
