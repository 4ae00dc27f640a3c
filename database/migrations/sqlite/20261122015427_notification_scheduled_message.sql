-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_notifications" table
CREATE TABLE `new_notifications` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `recipient_name` text NOT NULL, `kind` text NOT NULL, `channel` text NOT NULL, `address` text NULL, `subject` text NULL, `html` text NULL, `text` text NULL, `status` text NOT NULL DEFAULT ('QUEUED'), `reason` text NULL, `provider_id` text NULL, `attempts` integer NOT NULL DEFAULT (0), `send_after` datetime NOT NULL, `sent_at` datetime NULL, `delivered_at` datetime NULL, `failed_at` datetime NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `appointment_id` text NULL, `contact_id` text NULL, `scheduled_message_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `notifications_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `notifications_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `notifications_appointments_appointment` FOREIGN KEY (`appointment_id`) REFERENCES `appointments` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_contacts_contact` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_scheduled_messages_scheduled_message` FOREIGN KEY (`scheduled_message_id`) REFERENCES `scheduled_messages` (`id`) ON DELETE SET NULL);
-- copy rows from old table "notifications" to new temporary table "new_notifications"
INSERT INTO `new_notifications` (`id`, `created_at`, `updated_at`, `recipient_name`, `kind`, `channel`, `address`, `subject`, `html`, `text`, `status`, `reason`, `provider_id`, `attempts`, `send_after`, `sent_at`, `delivered_at`, `failed_at`, `organization_id`, `client_id`, `appointment_id`, `contact_id`) SELECT `id`, `created_at`, `updated_at`, `recipient_name`, `kind`, `channel`, `address`, `subject`, `html`, `text`, `status`, `reason`, `provider_id`, `attempts`, `send_after`, `sent_at`, `delivered_at`, `failed_at`, `organization_id`, `client_id`, `appointment_id`, `contact_id` FROM `notifications`;
-- drop "notifications" table after copying rows
DROP TABLE `notifications`;
-- rename temporary table "new_notifications" to "notifications"
ALTER TABLE `new_notifications` RENAME TO `notifications`;
-- create index "notification_organization_id" to table: "notifications"
CREATE INDEX `notification_organization_id` ON `notifications` (`organization_id`);
-- create index "notification_client_id_created_at" to table: "notifications"
CREATE INDEX `notification_client_id_created_at` ON `notifications` (`client_id`, `created_at`);
-- create index "notification_appointment_id" to table: "notifications"
CREATE INDEX `notification_appointment_id` ON `notifications` (`appointment_id`);
-- create index "notification_status_send_after" to table: "notifications"
CREATE INDEX `notification_status_send_after` ON `notifications` (`status`, `send_after`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "notification_status_send_after" to table: "notifications"
DROP INDEX `notification_status_send_after`;
-- reverse: create index "notification_appointment_id" to table: "notifications"
DROP INDEX `notification_appointment_id`;
-- reverse: create index "notification_client_id_created_at" to table: "notifications"
DROP INDEX `notification_client_id_created_at`;
-- reverse: create index "notification_organization_id" to table: "notifications"
DROP INDEX `notification_organization_id`;
-- reverse: create "new_notifications" table
DROP TABLE `new_notifications`;
