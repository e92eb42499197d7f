-- Facts about the database itself. 'sealing_key_check': a constant sealed under the sealing key at
-- first start, so a later start with another key (or a lost key file) is refused before it serves
-- anything (docs/security.md).
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The outbox's retention sweep deletes by age across all pools.
CREATE INDEX outbox_created ON outbox(created_at);
