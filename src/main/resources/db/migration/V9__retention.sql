-- The retention run deletes settled updates, stopped shipments and old webhook events. PostgreSQL checks each deleted
-- row's foreign keys by looking up the rows that could point at it, and indexes the referencing columns only when
-- asked: without these, every update deleted would read tracked_shipment through twice, and every shipment or event
-- deleted would read dead_letter through. The run's own "nothing points at it" checks use them too. (H2 indexes a
-- foreign key's columns by itself.) Both tables take a row per dispatched order or per dead letter, far fewer than the
-- outbox, so the cost on their inserts is small.
CREATE INDEX tracked_shipment_by_dispatch_update ON tracked_shipment (dispatch_update_id);
CREATE INDEX tracked_shipment_by_delivered_update ON tracked_shipment (delivered_update_id);
CREATE INDEX dead_letter_by_webhook_event ON dead_letter (webhook_event_id);
CREATE INDEX dead_letter_by_shipment ON dead_letter (tracked_shipment_id);
