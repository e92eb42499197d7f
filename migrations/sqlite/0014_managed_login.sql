-- Managed login (issue 13): authorization codes of the /oauth2/authorize code flow, the managed-login
-- sessions behind the domain's session cookie, and the OAuth scopes a sign-in was granted.

-- A code is stored as its SHA-256 only; it is consumed by one conditional UPDATE and lives 5 minutes.
CREATE TABLE authorization_codes (
  code_hash             TEXT PRIMARY KEY,
  pool_id               TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  client_id             TEXT NOT NULL,
  username              TEXT NOT NULL,
  sub                   TEXT NOT NULL,
  redirect_uri          TEXT NOT NULL,
  scopes                TEXT NOT NULL,
  code_challenge        TEXT,
  code_challenge_method TEXT,
  nonce                 TEXT,
  state                 TEXT,
  auth_time             BIGINT NOT NULL,
  created_at            BIGINT NOT NULL,
  expires_at            BIGINT NOT NULL,
  consumed_at           BIGINT
);
CREATE INDEX authorization_codes_expiry ON authorization_codes(expires_at);

-- The managed-login session cookie's value is a bearer secret: only its SHA-256 is stored.
CREATE TABLE login_sessions (
  id_hash    TEXT PRIMARY KEY,
  pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  username   TEXT NOT NULL,
  sub        TEXT NOT NULL,
  auth_time  BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX login_sessions_expiry ON login_sessions(expires_at);

-- The space-separated OAuth scopes of a sign-in made through managed login; NULL for the API's sign-ins.
ALTER TABLE sign_ins ADD COLUMN scopes TEXT;
