-- Names a user is found by besides the username, each held by one user of the pool at most:
-- the email or phone number of a pool with UsernameAttributes, a verified alias (AliasAttributes),
-- the lower-cased username of a case-insensitive pool. The primary key makes two sign-ups with the
-- same email at once create one user: the row is written in the user's own transaction.
CREATE TABLE user_keys (
  pool_id  TEXT NOT NULL,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  username TEXT NOT NULL,
  PRIMARY KEY (pool_id, name, value),
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
-- The cascade when a user is deleted, and a user's own keys.
CREATE INDEX user_keys_user ON user_keys(pool_id, username);
