-- The newest chime-sdk-voice model (botocore 1.43.67), the documented
-- calling-name rules, and the rest of the control plane: global settings,
-- proxy sessions and voice profile domains. One schema for SQLite and
-- PostgreSQL; times are milliseconds on the service clock.

-- How a group spreads calls over its Voice Connectors ('' for groups made
-- before the model had it: they route by priority, the default).
ALTER TABLE voice_connector_groups ADD COLUMN call_distribution_type TEXT NOT NULL DEFAULT '';

-- When the pending calling-name update was requested: it completes on its
-- own schedule, whatever else changes on the number meanwhile (NULL, as for
-- updates pending before this migration, falls back to updated_at). The
-- pending updates are few: the partial index phone_numbers_calling_name
-- (0001) finds them.
ALTER TABLE phone_numbers ADD COLUMN calling_name_requested_at BIGINT;

-- GetGlobalSettings / UpdateGlobalSettings: one row per account once set.
CREATE TABLE global_settings (
    account_id TEXT PRIMARY KEY,
    cdr_bucket TEXT NOT NULL DEFAULT '',
    -- The legacy API's BusinessCalling settings share the operation.
    business_calling_cdr_bucket TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

CREATE TABLE voice_profile_domains (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kms_key_arn TEXT NOT NULL,
    arn         TEXT NOT NULL UNIQUE,
    -- ClientRequestToken of the create ('' when none): a retry returns the same domain.
    client_token TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX voice_profile_domains_by_account ON voice_profile_domains (account_id, created_at, id);
CREATE UNIQUE INDEX voice_profile_domains_by_token ON voice_profile_domains (account_id, client_token) WHERE client_token <> '';

-- A proxy session of a Voice Connector; an Open session with an expiry
-- closes at expires_at (the due-work pass closes it).
CREATE TABLE proxy_sessions (
    id                        TEXT PRIMARY KEY,
    account_id                TEXT NOT NULL,
    voice_connector_id        TEXT NOT NULL REFERENCES voice_connectors (id) ON DELETE CASCADE,
    name                      TEXT NOT NULL DEFAULT '',
    status                    TEXT NOT NULL,
    expiry_minutes            INTEGER NOT NULL DEFAULT 0,
    capabilities              TEXT NOT NULL,
    number_selection_behavior TEXT NOT NULL DEFAULT '',
    geo_match_level           TEXT NOT NULL DEFAULT '',
    geo_match_country         TEXT NOT NULL DEFAULT '',
    geo_match_area_code       TEXT NOT NULL DEFAULT '',
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    ended_at                  BIGINT,
    expires_at                BIGINT
);
CREATE INDEX proxy_sessions_by_connector ON proxy_sessions (voice_connector_id, created_at, id);
CREATE INDEX proxy_sessions_due ON proxy_sessions (expires_at) WHERE status = 'Open';

CREATE TABLE proxy_session_participants (
    session_id         TEXT NOT NULL REFERENCES proxy_sessions (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    phone_number       TEXT NOT NULL,
    proxy_phone_number TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);

-- Legacy GetUserSettings / UpdateUserSettings: a user's telephony settings
-- once set (a user without a row has everything allowed).
CREATE TABLE chime_user_settings (
    user_id          TEXT PRIMARY KEY REFERENCES chime_users (id) ON DELETE CASCADE,
    inbound_calling  BOOLEAN NOT NULL,
    outbound_calling BOOLEAN NOT NULL,
    sms              BOOLEAN NOT NULL,
    updated_at       BIGINT NOT NULL
);
