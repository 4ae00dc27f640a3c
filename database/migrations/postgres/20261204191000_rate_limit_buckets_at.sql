-- Written by hand (see 20261202013000_rate_limit_buckets): at is the latest
-- now, in nanoseconds since 1970, that a take of the bucket counted at. A
-- take counts at the later of its caller's clock and at, so that takes
-- reaching the row in another order than their clocks', or from a process
-- whose clock is behind, neither move the bucket's time backwards nor are
-- refused a token the burst still has. 0 for the rows before it: their
-- next take counts at its own clock, as before.
-- +goose Up
ALTER TABLE "rate_limit_buckets" ADD COLUMN "at" bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE "rate_limit_buckets" DROP COLUMN "at";
