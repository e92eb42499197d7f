-- Hardening against a hostile caller (docs/behaviour.md, "Limits on guessing").
--
-- A sign-in names its user by sub as well as by username: a username is free again once its user
-- is deleted, and a sign-in (refresh token) of the old user must not work for the next one.
-- Sign-ins written before this migration take their user's sub; one whose user is gone gets '',
-- which matches no user.
ALTER TABLE sign_ins ADD COLUMN sub TEXT NOT NULL DEFAULT '';
UPDATE sign_ins SET sub = COALESCE(
  (SELECT u.sub FROM users u WHERE u.pool_id = sign_ins.pool_id AND u.username = sign_ins.username), '');

-- Counters that are not a user's row: how many codes were issued to a name in the current window,
-- how many code guesses were made, and the password failures of names that are no user (so an
-- unknown name is locked out exactly like a real one). Keyed by the name as given; a row is
-- dropped by the session sweep once `expires_at` has passed.
CREATE TABLE attempt_counters (
  pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  subject    TEXT NOT NULL,
  kind       TEXT NOT NULL,
  count      INTEGER NOT NULL,
  since      BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, subject, kind)
);
CREATE INDEX attempt_counters_expiry ON attempt_counters(expires_at);
