-- User pool groups and their members, for PostgreSQL. Mirrors migrations/sqlite/0006_groups.sql;
-- names that are paged are COLLATE "C" (byte order, as SQLite), so the indexes serve the pages.

CREATE TABLE groups (
  pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  name        TEXT COLLATE "C" NOT NULL,
  description TEXT,
  role_arn    TEXT,
  -- NULL when the group has none (Cognito's default): it then ranks after every group that has one.
  precedence  INTEGER,
  created_at  BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  PRIMARY KEY (pool_id, name)
);

-- Deleting a group or a user deletes their memberships by cascade; the primary key serves a group's
-- members (and the cascade from groups), group_members_user a user's groups (and the cascade from users).
CREATE TABLE group_members (
  pool_id    TEXT NOT NULL,
  group_name TEXT COLLATE "C" NOT NULL,
  username   TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (pool_id, group_name, username),
  FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
CREATE INDEX group_members_user ON group_members(pool_id, username, group_name);
