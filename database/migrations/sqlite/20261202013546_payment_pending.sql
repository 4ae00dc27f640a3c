-- +goose Up
-- add column "charge_token" to table: "payments"
ALTER TABLE `payments` ADD COLUMN `charge_token` text NULL;

-- +goose Down
-- reverse: add column "charge_token" to table: "payments"
ALTER TABLE `payments` DROP COLUMN `charge_token`;
