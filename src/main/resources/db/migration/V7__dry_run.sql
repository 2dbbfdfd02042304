-- A dry run: a file dropped as <name>.check.csv is checked and reported, never sent. It is kept with the files
-- received (archived, reported, shown on the page), flagged so that a real file is never its duplicate.
ALTER TABLE ingested_file ADD COLUMN dry_run BOOLEAN NOT NULL DEFAULT FALSE;

-- Each data row of a dry run with its would-be outcome: would-apply, unchanged or rejected. Apart from accepted_row,
-- status_update and skipped_row, so nothing of a dry run can reach the outbox. The store and the status requests it
-- would take make the file's ETA.
CREATE TABLE checked_row (
    file_id   BIGINT        NOT NULL REFERENCES ingested_file (id),
    line      BIGINT        NOT NULL,
    store_key VARCHAR(100),
    order_id  VARCHAR(200),
    status    VARCHAR(200),
    outcome   VARCHAR(16)   NOT NULL,
    detail    VARCHAR(2000) NOT NULL,
    -- status requests the row would send (the filled-in steps count): 0 unless would-apply
    sends     INT           NOT NULL DEFAULT 0,
    PRIMARY KEY (file_id, line)
);
