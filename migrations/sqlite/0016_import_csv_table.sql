-- An import job's uploaded CSV in a table of its own (SQLite only). In the job's row, the CSV (up to
-- 100 MB, tens of MB of overflow pages) made every write of the row's counters and heartbeat, once a
-- batch, rebuild and compare the whole record, and every read of heartbeat_at (after it in the row)
-- walk its overflow chain: at 500,000 rows that was half of an import's time. PostgreSQL keeps a large
-- value out of line (TOAST) and writes it only when it changes, so its table stays as it is.
CREATE TABLE user_import_csv (
  pool_id TEXT NOT NULL,
  job_id  TEXT NOT NULL,
  csv     TEXT NOT NULL,
  PRIMARY KEY (pool_id, job_id),
  FOREIGN KEY (pool_id, job_id) REFERENCES user_import_jobs(pool_id, job_id) ON DELETE CASCADE
);
INSERT INTO user_import_csv (pool_id, job_id, csv) SELECT pool_id, job_id, csv FROM user_import_jobs WHERE csv IS NOT NULL;
ALTER TABLE user_import_jobs DROP COLUMN csv;
