-- Every purge, one row per number removed from the Deletion queue. With
-- several replicas purging at once it is how an operator (and the replica
-- tests) can check that each number was purged exactly once.
CREATE TABLE purge_log (
    e164       TEXT NOT NULL,
    account_id TEXT NOT NULL,
    deleted_at BIGINT NOT NULL,
    purged_at  BIGINT NOT NULL
);

-- The clock offset row exists from the start, so that replicas moving the
-- clock at once lock the same row instead of racing to insert it.
INSERT INTO meta (key, value) VALUES ('clock_offset_ms', '0') ON CONFLICT (key) DO NOTHING;
