-- User import jobs that survive a restart and run one at a time per pool (docs/behaviour.md, "User
-- import jobs"). Mirrors migrations/postgres/0015_import_job_runs.sql.

-- When the process running the job last wrote its progress: a job in progress whose heartbeat is
-- old was left by a process that stopped, and is ended as Failed by the next one.
ALTER TABLE user_import_jobs ADD COLUMN heartbeat_at INTEGER;
-- One active job (Pending, InProgress or Stopping) per pool: a second start conflicts here, even
-- when two instances race.
CREATE UNIQUE INDEX user_import_jobs_one_active ON user_import_jobs(pool_id)
  WHERE status IN ('Pending', 'InProgress', 'Stopping');
-- The active jobs of every pool, found at start-up and by the periodic sweep.
CREATE INDEX user_import_jobs_status ON user_import_jobs(status, pool_id);
