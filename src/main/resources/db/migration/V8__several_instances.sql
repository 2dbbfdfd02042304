-- Several instances of shipsync on one database. Each store's dispatch runs on one instance at a time (master:), but
-- during a failover a leader that has not yet noticed it lost the lead may overlap with the new one: an update's
-- request goes out only under a claim taken by one conditional UPDATE (exactly one row changed), and the claim
-- keeps every other instance off the update until the answer is recorded or the claim runs out.
ALTER TABLE status_update ADD COLUMN claimed_by VARCHAR(200);
ALTER TABLE status_update ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;

-- Which instance made each call: the audit trail says who sent what.
ALTER TABLE update_attempt ADD COLUMN instance_id VARCHAR(200);

-- Every instance reads the one shared inbox: an instance takes a file only after adding its row here (Camel's
-- idempotent read lock, JdbcOrphanLockAwareIdempotentRepository), keeps the row's createdat fresh while it reads the
-- file, and removes it when done. A row left by an instance that died goes stale and another instance takes the file
-- over (the intake resumes after its last committed batch). Camel's own table and column names.
CREATE TABLE camel_messageprocessed (
    processorname VARCHAR(255)  NOT NULL,
    messageid     VARCHAR(1024) NOT NULL,
    createdat     TIMESTAMP     NOT NULL,
    PRIMARY KEY (processorname, messageid)
);
