-- An order's completion finds its reserved numbers through its items
-- (phone_number_order_items, keyed by order), not through a partial index of
-- phone_numbers by order: that index cost every ordered number one index
-- insert when it was reserved and one index delete when its order completed,
-- the only use of the index.
DROP INDEX phone_numbers_by_order;
