-- When the platform answered each of the latest requests of a budget (store and budget, as in dispatch_gate), so
-- that a restart keeps the platform's window: never more than max-requests in one period, even when the platform
-- sends no rate-limit headers. Rows older than one period no longer matter and are deleted as new ones come.
CREATE TABLE request_window (
    budget_key  VARCHAR(100) NOT NULL,
    answered_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX request_window_by_budget ON request_window (budget_key, answered_at);

-- Why an update is being given up while its last request's outcome is unknown: it is read first, and becomes a dead
-- letter only if the platform did not apply it.
ALTER TABLE status_update ADD COLUMN give_up_reason VARCHAR(2000);
