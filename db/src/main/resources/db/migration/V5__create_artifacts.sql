-- Metadata of results kept in the artifact store (a directory by default). The key is
-- content-addressed: hash(bundle hash, step, parameters, upstream keys).
CREATE TABLE artifacts (
    key        TEXT        PRIMARY KEY,
    kind       TEXT        NOT NULL,
    bytes      BIGINT      NOT NULL CHECK (bytes >= 0),
    sha256     CHAR(64)    NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
