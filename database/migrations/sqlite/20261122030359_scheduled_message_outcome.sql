-- +goose Up
-- add column "reason" to table: "scheduled_messages"
ALTER TABLE `scheduled_messages` ADD COLUMN `reason` text NULL;
-- add column "sent_at" to table: "scheduled_messages"
ALTER TABLE `scheduled_messages` ADD COLUMN `sent_at` datetime NULL;
-- create index "scheduledmessage_client_id_created_at" to table: "scheduled_messages"
CREATE INDEX `scheduledmessage_client_id_created_at` ON `scheduled_messages` (`client_id`, `created_at`);
-- create index "scheduledmessage_appointment_id_status" to table: "scheduled_messages"
CREATE INDEX `scheduledmessage_appointment_id_status` ON `scheduled_messages` (`appointment_id`, `status`);

-- +goose Down
-- reverse: create index "scheduledmessage_appointment_id_status" to table: "scheduled_messages"
DROP INDEX `scheduledmessage_appointment_id_status`;
-- reverse: create index "scheduledmessage_client_id_created_at" to table: "scheduled_messages"
DROP INDEX `scheduledmessage_client_id_created_at`;
-- reverse: add column "sent_at" to table: "scheduled_messages"
ALTER TABLE `scheduled_messages` DROP COLUMN `sent_at`;
-- reverse: add column "reason" to table: "scheduled_messages"
ALTER TABLE `scheduled_messages` DROP COLUMN `reason`;
