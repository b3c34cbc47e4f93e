-- Stored results that were found unusable when a step came to reuse them (issue #28): the
-- artifact store checks each file against its row in artifacts (size and SHA-256) and
-- removes a torn or corrupt file ('corrupt'), notes a recorded file that is gone ('missing')
-- and removes a file that has no row to check it against ('unrecorded'); the step then
-- computes the result again. recomputed_at is set when the file is stored again, so
-- "SELECT count(*), count(recomputed_at) FROM artifact_heals" reads as torn=R healed=R.
-- At most one open heal (not yet recomputed) per file.
CREATE TABLE artifact_heals (
    id            BIGSERIAL   PRIMARY KEY,
    key           TEXT        NOT NULL,
    kind          TEXT        NOT NULL,
    reason        TEXT        NOT NULL CHECK (reason IN ('corrupt', 'missing', 'unrecorded')),
    detail        TEXT        NOT NULL,
    detected_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    recomputed_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX artifact_heals_open ON artifact_heals (key, kind) WHERE recomputed_at IS NULL;
