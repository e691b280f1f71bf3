-- The phone-number inventory. One schema for SQLite and PostgreSQL.
-- Times are milliseconds since the Unix epoch on the service clock.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A number is owned by at most one account at a time: e164 is the key.
CREATE TABLE phone_numbers (
    e164                TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL,
    country             TEXT NOT NULL,
    number_type         TEXT NOT NULL,
    product_type        TEXT NOT NULL,
    status              TEXT NOT NULL,
    calling_name        TEXT NOT NULL DEFAULT '',
    calling_name_status TEXT NOT NULL DEFAULT 'Unassigned',
    name                TEXT NOT NULL DEFAULT '',
    order_id            TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    deleted_at          BIGINT,
    CHECK ((status = 'DeleteInProgress') = (deleted_at IS NOT NULL))
);
CREATE INDEX phone_numbers_by_account ON phone_numbers (account_id, e164);
-- The Deletion queue of an account, for ListPhoneNumbers Status=DeleteInProgress.
-- Other statuses are dense enough to filter while walking phone_numbers_by_account,
-- and a full (account_id, status, e164) index would cost two more index writes
-- on every delete and restore.
CREATE INDEX phone_numbers_queue ON phone_numbers (account_id, e164) WHERE status = 'DeleteInProgress';
CREATE INDEX phone_numbers_deletion_queue ON phone_numbers (deleted_at, e164) WHERE deleted_at IS NOT NULL;
CREATE INDEX phone_numbers_by_order ON phone_numbers (order_id) WHERE status = 'AcquireInProgress';
CREATE INDEX phone_numbers_calling_name ON phone_numbers (updated_at) WHERE calling_name_status = 'UpdateInProgress';

CREATE TABLE phone_number_associations (
    e164          TEXT NOT NULL REFERENCES phone_numbers (e164) ON DELETE CASCADE,
    account_id    TEXT NOT NULL,
    name          TEXT NOT NULL,
    value         TEXT NOT NULL,
    associated_at BIGINT NOT NULL,
    PRIMARY KEY (e164, name)
);
CREATE INDEX phone_number_associations_by_value ON phone_number_associations (account_id, name, value, e164);

CREATE TABLE phone_number_orders (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    product_type TEXT NOT NULL,
    status       TEXT NOT NULL,
    order_type   TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    due_at       BIGINT NOT NULL
);
CREATE INDEX phone_number_orders_by_account ON phone_number_orders (account_id, created_at, id);
CREATE INDEX phone_number_orders_due ON phone_number_orders (due_at) WHERE status = 'Processing';

CREATE TABLE phone_number_order_items (
    order_id TEXT NOT NULL REFERENCES phone_number_orders (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    e164     TEXT NOT NULL,
    status   TEXT NOT NULL,
    PRIMARY KEY (order_id, position)
);

CREATE TABLE phone_number_settings (
    account_id   TEXT PRIMARY KEY,
    calling_name TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- An imported carrier pool; while it holds rows, search and order draw from it only.
CREATE TABLE pool_numbers (
    e164        TEXT PRIMARY KEY,
    country     TEXT NOT NULL,
    number_type TEXT NOT NULL,
    city        TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pool_numbers_by_area ON pool_numbers (country, number_type, e164);
