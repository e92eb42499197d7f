-- Confirmation and password-reset codes: one live code per (user, purpose), stored as a hash.
CREATE TABLE user_codes (
  pool_id    TEXT NOT NULL,
  username   TEXT NOT NULL,
  purpose    TEXT NOT NULL,
  code_hash  TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (pool_id, username, purpose),
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
