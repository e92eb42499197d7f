-- Cognate schema, version 1, for PostgreSQL. It mirrors migrations/sqlite/0001_init.sql column for
-- column. Times are epoch milliseconds (BIGINT); JSON is stored as text; flags are real booleans.
-- Identifiers that are paged or sorted are COLLATE "C": byte order, as SQLite's BINARY, so a page
-- cursor means the same thing on both engines and the primary-key indexes serve `> cursor ORDER BY`.
-- Applied inside one transaction holding an advisory lock (src/store/postgres/migrate.ts).

CREATE TABLE pools (
  id          TEXT COLLATE "C" PRIMARY KEY,
  name        TEXT NOT NULL,
  settings    TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  modified_at BIGINT NOT NULL
);

CREATE TABLE signing_keys (
  kid                TEXT COLLATE "C" PRIMARY KEY,
  pool_id            TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  key_use            TEXT NOT NULL,
  private_jwk_sealed TEXT NOT NULL,
  public_jwk         TEXT NOT NULL,
  created_at         BIGINT NOT NULL
);
CREATE INDEX signing_keys_pool ON signing_keys(pool_id);

CREATE TABLE clients (
  id            TEXT COLLATE "C" PRIMARY KEY,
  pool_id       TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  secret_sealed TEXT,
  settings      TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  modified_at   BIGINT NOT NULL
);
CREATE INDEX clients_pool ON clients(pool_id, id);

CREATE TABLE users (
  pool_id                    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  username                   TEXT COLLATE "C" NOT NULL,
  sub                        TEXT NOT NULL,
  status                     TEXT NOT NULL,
  enabled                    BOOLEAN NOT NULL,
  attributes                 TEXT NOT NULL,
  password_salt              TEXT,
  password_verifier_sealed   TEXT,
  totp_secret_sealed         TEXT,
  totp_pending_secret_sealed TEXT,
  totp_enabled               BOOLEAN NOT NULL DEFAULT FALSE,
  totp_friendly_device_name  TEXT,
  totp_last_step             BIGINT,
  sms_mfa_enabled            BOOLEAN NOT NULL DEFAULT FALSE,
  preferred_mfa              TEXT,
  password_failures          INTEGER NOT NULL DEFAULT 0,
  password_last_failure_at   BIGINT,
  mfa_failures               INTEGER NOT NULL DEFAULT 0,
  mfa_last_failure_at        BIGINT,
  created_at                 BIGINT NOT NULL,
  modified_at                BIGINT NOT NULL,
  PRIMARY KEY (pool_id, username)
);
CREATE UNIQUE INDEX users_sub ON users(pool_id, sub);

-- Attribute values indexed for sign-in by alias and ListUsers filters.
CREATE TABLE user_attribute_index (
  pool_id  TEXT NOT NULL,
  username TEXT COLLATE "C" NOT NULL,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (pool_id, name, value, username),
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
-- PostgreSQL does not index referencing columns by itself: re-indexing a user and the cascade
-- from users would otherwise scan the whole table.
CREATE INDEX user_attribute_index_user ON user_attribute_index(pool_id, username);

CREATE TABLE auth_sessions (
  id_hash        TEXT PRIMARY KEY,
  pool_id        TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  client_id      TEXT NOT NULL,
  username       TEXT NOT NULL,
  challenge      TEXT NOT NULL,
  context        TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  consumed_at    BIGINT,
  wrong_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX auth_sessions_expiry ON auth_sessions(expires_at);
-- deleteUser and the pool cascade find a user's sessions by these.
CREATE INDEX auth_sessions_user ON auth_sessions(pool_id, username);

CREATE TABLE sign_ins (
  origin_jti   TEXT PRIMARY KEY,
  pool_id      TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  client_id    TEXT NOT NULL,
  username     TEXT NOT NULL,
  refresh_hash TEXT NOT NULL UNIQUE,
  auth_time    BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  revoked_at   BIGINT
);
CREATE INDEX sign_ins_user ON sign_ins(pool_id, username);

-- Messages Cognate would have sent by SMS or email (codes), kept for people and tests to read.
CREATE TABLE outbox (
  id          TEXT COLLATE "C" PRIMARY KEY,
  pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  username    TEXT NOT NULL,
  channel     TEXT NOT NULL,
  destination TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  message     TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  -- Insertion order, for messages written in the same millisecond (SQLite uses its rowid).
  seq         BIGSERIAL NOT NULL
);
CREATE INDEX outbox_user ON outbox(pool_id, username, created_at);
