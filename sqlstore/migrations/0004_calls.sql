-- Calls of the PSTN audio service (package pstn): one row a call, its legs,
-- script and engine state as JSON documents, and its transcript, one row an
-- entry. Times are milliseconds on the service clock.
CREATE TABLE calls (
    transaction_id TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    aws_region     TEXT NOT NULL,
    sma_id         TEXT NOT NULL,
    sip_rule_id    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    end_reason     TEXT NOT NULL DEFAULT '',
    participants   TEXT NOT NULL,
    script         TEXT NOT NULL,
    state          TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    ended_at       BIGINT,
    due_at         BIGINT,
    -- A process running the call's due timers holds it until then; saving
    -- the call releases it.
    claimed_until  BIGINT
);
CREATE INDEX calls_by_created ON calls (created_at, transaction_id);
CREATE INDEX calls_by_account ON calls (account_id, created_at, transaction_id);
-- The timers RunDue looks for.
CREATE INDEX calls_due ON calls (due_at) WHERE status = 'InProgress' AND due_at IS NOT NULL;

CREATE TABLE call_transcripts (
    transaction_id TEXT NOT NULL REFERENCES calls (transaction_id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    at             BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    body           TEXT NOT NULL,
    PRIMARY KEY (transaction_id, seq)
);
