-- A user's `sub` is found by its 16 bytes (the UUID without its dashes) instead of by (pool_id, sub) as
-- text. A sub is a random v4 UUID, so every new user's entry lands on a random page of this index: at
-- 1,000,000 users the old 72 MiB index put each create on a page of its own that had to be read, written
-- to the WAL and checkpointed. At about 25 MiB this one stays in the page cache (docs/storage.md,
-- "Migrations"). Subs are unique across pools (random UUIDs), so the key needs no pool_id; a look-up
-- still checks the pool and the sub's text (src/store/sqlite/users.ts, subKey). unhex(X, '-') is
-- deterministic and skips dashes between pairs of digits (SQLite 3.41+).
DROP INDEX users_sub;
CREATE UNIQUE INDEX users_sub_key ON users(unhex(sub, '-'));
