-- Dashboard and API users. Passwords are stored as bcrypt hashes only. Roles nest:
-- viewer (read), operator (also launch, cancel, retry), admin (also bundles and users).
CREATE TABLE users (
    username      TEXT        PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    password_hash TEXT        NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
