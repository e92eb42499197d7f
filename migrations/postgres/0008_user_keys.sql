-- Names a user is found by besides the username, for PostgreSQL. Mirrors migrations/sqlite/0008_user_keys.sql.
CREATE TABLE user_keys (
  pool_id  TEXT NOT NULL,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  username TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (pool_id, name, value),
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
CREATE INDEX user_keys_user ON user_keys(pool_id, username);
