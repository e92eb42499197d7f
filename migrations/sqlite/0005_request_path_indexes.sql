-- Every statement on a request path is served by an index, so its cost does not grow with the pool
-- (docs/storage.md, "Indexes"; test/store.indexes.test.ts checks each statement's plan).

-- Re-indexing one user's attributes, and the cascade when a user is deleted.
CREATE INDEX IF NOT EXISTS user_attribute_index_user ON user_attribute_index(pool_id, username);
-- Deleting a user's sessions, and a client's sessions and sign-ins.
CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions(pool_id, username);
CREATE INDEX IF NOT EXISTS auth_sessions_client ON auth_sessions(client_id);
CREATE INDEX IF NOT EXISTS sign_ins_client ON sign_ins(client_id);
-- ListUsers filters on cognito:user_status and status.
CREATE INDEX IF NOT EXISTS users_status ON users(pool_id, status, username);
CREATE INDEX IF NOT EXISTS users_enabled ON users(pool_id, enabled, username);
-- A pool's outbox, newest first.
CREATE INDEX IF NOT EXISTS outbox_pool ON outbox(pool_id, created_at);
