-- Web console sessions, shared by every replica: a session made on one is
-- accepted by all. The ID is stored as its SHA-256 (id_hash), so that
-- reading the table yields no usable cookie. Times are real-clock
-- milliseconds.
CREATE TABLE console_sessions (
    id_hash    TEXT PRIMARY KEY,
    csrf       TEXT NOT NULL,
    account_id TEXT NOT NULL,
    principal  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL,
    flash      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX console_sessions_principal ON console_sessions (principal, created_at);

-- Secret keys of the console (the sign-in form's token key), made by the
-- first replica that needs one and read by the others.
CREATE TABLE console_keys (
    name TEXT PRIMARY KEY,
    key  TEXT NOT NULL
);
