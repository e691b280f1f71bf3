-- What phone numbers are associated with: Voice Connectors, groups, SIP
-- media applications and rules, legacy Chime accounts and users. The
-- associations themselves are rows of phone_number_associations (0001):
-- their value names a row here, so deletes here check them first.
-- One schema for SQLite and PostgreSQL; times are milliseconds.

CREATE TABLE voice_connectors (
    id                 TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    aws_region         TEXT NOT NULL,
    name               TEXT NOT NULL,
    outbound_host_name TEXT NOT NULL UNIQUE,
    require_encryption BOOLEAN NOT NULL,
    integration_type   TEXT NOT NULL DEFAULT '',
    network_type       TEXT NOT NULL DEFAULT '',
    arn                TEXT NOT NULL UNIQUE,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX voice_connectors_by_account ON voice_connectors (account_id, created_at, id);

CREATE TABLE voice_connector_groups (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    arn        TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX voice_connector_groups_by_account ON voice_connector_groups (account_id, created_at, id);

-- No cascade from voice_connectors: a Voice Connector in a group cannot be deleted.
CREATE TABLE voice_connector_group_items (
    group_id           TEXT NOT NULL REFERENCES voice_connector_groups (id) ON DELETE CASCADE,
    voice_connector_id TEXT NOT NULL REFERENCES voice_connectors (id),
    position           INTEGER NOT NULL,
    priority           INTEGER NOT NULL,
    PRIMARY KEY (group_id, voice_connector_id)
);
CREATE INDEX voice_connector_group_items_by_vc ON voice_connector_group_items (voice_connector_id);

CREATE TABLE sip_media_applications (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    aws_region TEXT NOT NULL,
    name       TEXT NOT NULL,
    lambda_arn TEXT NOT NULL DEFAULT '',
    arn        TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sip_media_applications_by_account ON sip_media_applications (account_id, created_at, id);

-- A trigger (number or host name) belongs to one rule of the account.
CREATE TABLE sip_rules (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    name          TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL,
    trigger_type  TEXT NOT NULL,
    trigger_value TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (account_id, trigger_type, trigger_value)
);
CREATE INDEX sip_rules_by_account ON sip_rules (account_id, created_at, id);

-- No cascade from sip_media_applications: an application a rule targets cannot be deleted.
CREATE TABLE sip_rule_targets (
    rule_id    TEXT NOT NULL REFERENCES sip_rules (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    sma_id     TEXT NOT NULL REFERENCES sip_media_applications (id),
    priority   INTEGER NOT NULL,
    aws_region TEXT NOT NULL,
    PRIMARY KEY (rule_id, position)
);
CREATE INDEX sip_rule_targets_by_sma ON sip_rule_targets (sma_id);

-- Tags of Voice Connectors and SIP media applications, by ARN.
CREATE TABLE resource_tags (
    arn        TEXT NOT NULL,
    account_id TEXT NOT NULL,
    tag_key    TEXT NOT NULL,
    tag_value  TEXT NOT NULL,
    PRIMARY KEY (arn, tag_key)
);

-- Legacy Amazon Chime accounts (account_id is the owning AWS account).
CREATE TABLE chime_accounts (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    name            TEXT NOT NULL,
    default_license TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX chime_accounts_by_account ON chime_accounts (account_id, created_at, id);

CREATE TABLE chime_users (
    id                  TEXT PRIMARY KEY,
    chime_account_id    TEXT NOT NULL REFERENCES chime_accounts (id) ON DELETE CASCADE,
    email               TEXT NOT NULL DEFAULT '',
    display_name        TEXT NOT NULL DEFAULT '',
    license_type        TEXT NOT NULL,
    user_type           TEXT NOT NULL,
    invitation_status   TEXT NOT NULL DEFAULT '',
    invited_at          BIGINT,
    alexa_enabled       BOOLEAN NOT NULL,
    alexa_room_arn      TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL
);
CREATE INDEX chime_users_by_account ON chime_users (chime_account_id, created_at, id);
CREATE UNIQUE INDEX chime_users_email ON chime_users (chime_account_id, email) WHERE email <> '';

-- Sub-configurations of Voice Connectors and SIP media applications
-- (origination, termination, logging, ...), kept as JSON documents.
CREATE TABLE resource_settings (
    resource_id TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (resource_id, name)
);
