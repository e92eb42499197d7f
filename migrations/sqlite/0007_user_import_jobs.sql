-- User import jobs (CreateUserImportJob ... StopUserImportJob) and the CSV uploaded for each, which
-- stands in for Cognito's S3 object (docs/behaviour.md, "User import jobs"). Mirrors
-- migrations/postgres/0007_user_import_jobs.sql.
CREATE TABLE user_import_jobs (
  pool_id            TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  job_id             TEXT NOT NULL,
  job_name           TEXT NOT NULL,
  role_arn           TEXT NOT NULL,
  -- The random token of the upload URL, which Describe shows again (as Cognito shows its pre-signed URL).
  upload_token       TEXT NOT NULL,
  pre_signed_url     TEXT NOT NULL,
  status             TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  started_at         INTEGER,
  completed_at       INTEGER,
  imported_users     INTEGER NOT NULL DEFAULT 0,
  skipped_users      INTEGER NOT NULL DEFAULT 0,
  failed_users       INTEGER NOT NULL DEFAULT 0,
  completion_message TEXT,
  -- The uploaded CSV (at most 100 MB), dropped when the job ends.
  csv                TEXT,
  PRIMARY KEY (pool_id, job_id)
);
-- ListUserImportJobs: a pool's jobs, newest first.
CREATE INDEX user_import_jobs_created ON user_import_jobs(pool_id, created_at, job_id);
