-- Voice analytics on Voice Connector calls: speaker search and voice tone
-- analysis tasks, and the voice profiles speaker search enrolls. Times are
-- milliseconds on the service clock.

CREATE TABLE voice_analytics_tasks (
    id                      TEXT PRIMARY KEY,
    account_id              TEXT NOT NULL,
    -- 'SpeakerSearch' or 'VoiceToneAnalysis'.
    kind                    TEXT NOT NULL,
    voice_connector_id      TEXT NOT NULL,
    transaction_id          TEXT NOT NULL,
    is_caller               BOOLEAN NOT NULL,
    -- The phone number of the analysed leg.
    speaker                 TEXT NOT NULL,
    voice_profile_domain_id TEXT NOT NULL DEFAULT '',
    language_code           TEXT NOT NULL DEFAULT '',
    client_token            TEXT NOT NULL DEFAULT '',
    status                  TEXT NOT NULL,
    status_message          TEXT NOT NULL DEFAULT '',
    -- A succeeded speaker search's matches (a JSON array) and a tone
    -- analysis's sentiment.
    matches                 TEXT NOT NULL DEFAULT '[]',
    sentiment               TEXT NOT NULL DEFAULT '',
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL,
    started_at              BIGINT,
    ended_at                BIGINT
);
CREATE UNIQUE INDEX voice_analytics_tasks_by_token ON voice_analytics_tasks (account_id, kind, client_token) WHERE client_token <> '';
-- The due-work pass moves the tasks that are not final.
CREATE INDEX voice_analytics_tasks_open ON voice_analytics_tasks (created_at) WHERE status IN ('IN_QUEUE', 'IN_PROGRESS');

CREATE TABLE voice_profiles (
    id                      TEXT PRIMARY KEY,
    account_id              TEXT NOT NULL,
    voice_profile_domain_id TEXT NOT NULL REFERENCES voice_profile_domains (id) ON DELETE CASCADE,
    arn                     TEXT NOT NULL UNIQUE,
    speaker                 TEXT NOT NULL,
    speaker_search_task_id  TEXT NOT NULL,
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL,
    expires_at              BIGINT NOT NULL
);
CREATE INDEX voice_profiles_by_domain ON voice_profiles (voice_profile_domain_id, created_at, id);
CREATE INDEX voice_profiles_by_speaker ON voice_profiles (voice_profile_domain_id, speaker);
CREATE INDEX voice_profiles_expiry ON voice_profiles (expires_at);
