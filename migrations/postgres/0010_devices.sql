-- Remembered devices, for PostgreSQL. Mirrors migrations/sqlite/0010_devices.sql; names that are
-- paged are COLLATE "C" (byte order, as SQLite), so the index serves the pages.

ALTER TABLE sign_ins ADD COLUMN device_key TEXT;
ALTER TABLE sign_ins ADD COLUMN device_group_key TEXT;

CREATE TABLE devices (
  pool_id               TEXT NOT NULL,
  device_key            TEXT COLLATE "C" NOT NULL,
  username              TEXT COLLATE "C" NOT NULL,
  sub                   TEXT NOT NULL,
  group_key             TEXT NOT NULL,
  salt                  TEXT NOT NULL,
  verifier_sealed       TEXT NOT NULL,
  name                  TEXT,
  remembered            BOOLEAN NOT NULL,
  last_ip               TEXT,
  created_at            BIGINT NOT NULL,
  modified_at           BIGINT NOT NULL,
  last_authenticated_at BIGINT,
  PRIMARY KEY (pool_id, device_key),
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
CREATE INDEX devices_user ON devices(pool_id, username, device_key);
