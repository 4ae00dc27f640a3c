-- Written by hand (not an ent entity; package ratelimit reads and writes it):
-- the rate limits' buckets, shared by every kith process of the database.
-- tat is the bucket's theoretical arrival time (GCRA) in nanoseconds since
-- 1970; a row whose tat has passed is a full bucket, deleted by the limiter's
-- sweep. UNLOGGED: the WAL skips it, a crash of PostgreSQL empties it (every
-- limit then starts full) and replicas do not have it. Updated rows leave
-- room in their page (fillfactor) so updates stay on it.
-- SQLite needs no table: there, limits are kept in the process's memory.
-- +goose Up
CREATE UNLOGGED TABLE "rate_limit_buckets" (
  "name" text NOT NULL,
  "key" bytea NOT NULL,
  "tat" bigint NOT NULL,
  PRIMARY KEY ("name", "key")
) WITH (fillfactor = 70);

-- +goose Down
DROP TABLE "rate_limit_buckets";
