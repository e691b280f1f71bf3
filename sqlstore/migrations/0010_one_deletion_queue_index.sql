-- The Deletion queue keeps one index, phone_numbers_deletion_queue
-- (deleted_at, e164): the purge takes due numbers from its head, and
-- ListPhoneNumbers with Status DeleteInProgress walks it, so an account's
-- queue is listed in the order it will be purged. The second index,
-- (account_id, e164) of queued numbers, cost every delete and restore one
-- more index insert or delete: ~1.5 µs of the single writer's CPU per number
-- of a 1000-number BatchDeletePhoneNumber, a fifth of the statement.
DROP INDEX phone_numbers_queue;
