-- For PostgreSQL: managed login's control plane: user pool domains (CreateUserPoolDomain) and resource servers
-- (CreateResourceServer). Mirrors migrations/sqlite/0013_oauth.sql; paged names are COLLATE "C" (byte order, as SQLite).

-- A prefix domain, served by Cognate at /domains/<domain>/ (docs/behaviour.md, "Managed login"). The
-- prefix is unique across the server, as Cognito's is across a region; a pool has at most one.
-- The router resolves each request's prefix by the primary key; the pool's domain is found by
-- user_pool_domains_pool (DescribeUserPool's Domain, the discovery document).
CREATE TABLE user_pool_domains (
  domain      TEXT COLLATE "C" PRIMARY KEY,
  pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  -- ManagedLoginVersion: 1 (classic hosted UI) or 2 (managed login).
  version     INTEGER NOT NULL,
  -- DomainStatusType; Cognate's domains are ACTIVE as soon as they are created.
  status      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  modified_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_pool_domains_pool ON user_pool_domains(pool_id);

-- A resource server and its custom scopes (a JSON array of {ScopeName, ScopeDescription}); app
-- clients name the scopes as `<identifier>/<ScopeName>`.
CREATE TABLE resource_servers (
  pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  identifier  TEXT COLLATE "C" NOT NULL,
  name        TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, identifier)
);
