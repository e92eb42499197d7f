-- Every statement on a request path is served by an index, so its cost does not grow with the pool
-- (docs/storage.md, "Indexes"; test/store.indexes.test.ts checks each statement's plan).

-- Deleting a client's sessions and sign-ins.
CREATE INDEX IF NOT EXISTS auth_sessions_client ON auth_sessions(client_id);
CREATE INDEX IF NOT EXISTS sign_ins_client ON sign_ins(client_id);
-- ListUsers filters on cognito:user_status and status.
CREATE INDEX IF NOT EXISTS users_status ON users(pool_id, status, username);
CREATE INDEX IF NOT EXISTS users_enabled ON users(pool_id, enabled, username);
-- A pool's outbox, newest first.
CREATE INDEX IF NOT EXISTS outbox_pool ON outbox(pool_id, created_at, seq);
-- ListUsers `^=` filters: a prefix is a byte range of the values, compared COLLATE "C" whatever the
-- database's default collation (the primary key serves `=`).
CREATE INDEX IF NOT EXISTS user_attribute_prefix ON user_attribute_index(pool_id, name, (value COLLATE "C"), username);
