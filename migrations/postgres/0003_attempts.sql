-- Hardening against a hostile caller. Mirrors migrations/sqlite/0003_attempts.sql.
ALTER TABLE sign_ins ADD COLUMN sub TEXT NOT NULL DEFAULT '';
UPDATE sign_ins SET sub = COALESCE(
  (SELECT u.sub FROM users u WHERE u.pool_id = sign_ins.pool_id AND u.username = sign_ins.username), '');

CREATE TABLE attempt_counters (
  pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  subject    TEXT COLLATE "C" NOT NULL,
  kind       TEXT NOT NULL,
  count      INTEGER NOT NULL,
  since      BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, subject, kind)
);
CREATE INDEX attempt_counters_expiry ON attempt_counters(expires_at);
