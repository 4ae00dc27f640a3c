-- +goose Up
-- modify "payments" table
ALTER TABLE "payments" ADD COLUMN "charge_token" character varying NULL;

-- +goose Down
-- reverse: modify "payments" table
ALTER TABLE "payments" DROP COLUMN "charge_token";
