-- Many stores on three platforms. An order id is the platform's: a UUID on TribeMade and Tybrite, a string such as
-- order_xyz789 on Cekat, so it is kept as text (UUIDs in lower case). store_key is the store's configured name; the
-- single TribeMade store of before is the store named "default".
DROP INDEX status_update_once_per_file;
ALTER TABLE status_update ALTER COLUMN order_id SET DATA TYPE VARCHAR(100);
ALTER TABLE accepted_row ALTER COLUMN order_id SET DATA TYPE VARCHAR(100);
ALTER TABLE known_order ALTER COLUMN order_id SET DATA TYPE VARCHAR(100);
ALTER TABLE dead_letter ALTER COLUMN order_id SET DATA TYPE VARCHAR(100);
ALTER TABLE tracked_shipment ALTER COLUMN order_id SET DATA TYPE VARCHAR(100);
-- Two stores on one platform may both have an order_123: one update per store, order, status and file. Led by
-- order_id as before, so it still finds an order's earlier updates.
CREATE UNIQUE INDEX status_update_once_per_file ON status_update (order_id, store_key, target_status, source_file_id);

UPDATE status_update SET store_key = 'default' WHERE store_key = 'tribemade';
UPDATE accepted_row SET store_key = 'default' WHERE store_key = 'tribemade';
UPDATE known_order SET store_key = 'default' WHERE store_key = 'tribemade';
UPDATE dead_letter SET store_key = 'default' WHERE store_key = 'tribemade';
UPDATE tracked_shipment SET store_key = 'default' WHERE store_key = 'tribemade';
UPDATE webhook_event SET store_key = 'default' WHERE store_key = 'tribemade';
UPDATE ingested_file SET store_key = 'default' WHERE store_key = 'tribemade';
UPDATE dispatch_gate SET store_key = 'default' || SUBSTRING(store_key FROM 10) WHERE store_key LIKE 'tribemade/%';
UPDATE request_window SET budget_key = 'default' || SUBSTRING(budget_key FROM 10) WHERE budget_key LIKE 'tribemade/%';

-- Each store's accepted rows are admitted to its own dispatch queue, in file order.
CREATE INDEX accepted_row_by_store ON accepted_row (store_key, file_id, line);
