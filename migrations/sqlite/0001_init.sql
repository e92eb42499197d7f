-- Cognate schema, version 1. Portable SQL: the PostgreSQL migration mirrors it column for column.
-- Times are epoch milliseconds; JSON is stored as text.

CREATE TABLE pools (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  settings    TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  modified_at BIGINT NOT NULL
);

CREATE TABLE signing_keys (
  kid                TEXT PRIMARY KEY,
  pool_id            TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  key_use            TEXT NOT NULL,
  private_jwk_sealed TEXT NOT NULL,
  public_jwk         TEXT NOT NULL,
  created_at         BIGINT NOT NULL
);
CREATE INDEX signing_keys_pool ON signing_keys(pool_id);

CREATE TABLE clients (
  id            TEXT PRIMARY KEY,
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
  username                   TEXT NOT NULL,
  sub                        TEXT NOT NULL,
  status                     TEXT NOT NULL,
  enabled                    INTEGER NOT NULL,
  attributes                 TEXT NOT NULL,
  password_salt              TEXT,
  password_verifier_sealed   TEXT,
  totp_secret_sealed         TEXT,
  totp_pending_secret_sealed TEXT,
  totp_enabled               INTEGER NOT NULL DEFAULT 0,
  totp_friendly_device_name  TEXT,
  totp_last_step             BIGINT,
  sms_mfa_enabled            INTEGER NOT NULL DEFAULT 0,
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
  username TEXT NOT NULL,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (pool_id, name, value, username),
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);

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
  id          TEXT PRIMARY KEY,
  pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  username    TEXT NOT NULL,
  channel     TEXT NOT NULL,
  destination TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  message     TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX outbox_user ON outbox(pool_id, username, created_at);
