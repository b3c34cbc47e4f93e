-- Model bundles known to this installation. A bundle is immutable and addressed by the
-- SHA-256 of its manifest (which pins every file of it).
CREATE TABLE bundles (
    id            BIGSERIAL PRIMARY KEY,
    hash          CHAR(64)    NOT NULL UNIQUE,
    name          TEXT        NOT NULL,
    dataset       TEXT        NOT NULL,
    variant       TEXT        NOT NULL,
    path          TEXT        NOT NULL,
    manifest      JSONB       NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX bundles_name_idx ON bundles (name);
