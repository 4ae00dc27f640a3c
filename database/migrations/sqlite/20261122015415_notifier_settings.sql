-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_organizations" table
CREATE TABLE `new_organizations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `time_zone` text NOT NULL DEFAULT ('UTC'), `default_language` text NOT NULL DEFAULT ('en'), `default_phone_region` text NOT NULL DEFAULT ('US'), `phone` text NULL, `email` text NULL, `reminder_lead_minutes` json NULL, `quiet_hours_start` text NOT NULL DEFAULT ('21:00'), `quiet_hours_end` text NOT NULL DEFAULT ('08:00'), `sms_help_reply` text NULL, PRIMARY KEY (`id`));
-- copy rows from old table "organizations" to new temporary table "new_organizations"
INSERT INTO `new_organizations` (`id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region`) SELECT `id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region` FROM `organizations`;
-- drop "organizations" table after copying rows
DROP TABLE `organizations`;
-- rename temporary table "new_organizations" to "organizations"
ALTER TABLE `new_organizations` RENAME TO `organizations`;
-- create index "organizations_slug_key" to table: "organizations"
CREATE UNIQUE INDEX `organizations_slug_key` ON `organizations` (`slug`);
-- create "email_suppressions" table
CREATE TABLE `email_suppressions` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `reason` text NOT NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `email_suppressions_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "emailsuppression_organization_id" to table: "email_suppressions"
CREATE INDEX `emailsuppression_organization_id` ON `email_suppressions` (`organization_id`);
-- create index "emailsuppression_organization_id_email" to table: "email_suppressions"
CREATE UNIQUE INDEX `emailsuppression_organization_id_email` ON `email_suppressions` (`organization_id`, `email`);
-- create "phone_opt_outs" table
CREATE TABLE `phone_opt_outs` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `phone` text NOT NULL, `keyword` text NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `phone_opt_outs_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "phoneoptout_organization_id" to table: "phone_opt_outs"
CREATE INDEX `phoneoptout_organization_id` ON `phone_opt_outs` (`organization_id`);
-- create index "phoneoptout_organization_id_phone" to table: "phone_opt_outs"
CREATE UNIQUE INDEX `phoneoptout_organization_id_phone` ON `phone_opt_outs` (`organization_id`, `phone`);
-- create "scheduled_messages" table
CREATE TABLE `scheduled_messages` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `subject` text NULL, `body` text NOT NULL, `send_at` datetime NULL, `minutes_before_start` integer NULL, `status` text NOT NULL DEFAULT ('PENDING'), `organization_id` text NOT NULL, `client_id` text NOT NULL, `appointment_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `scheduled_messages_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `scheduled_messages_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `scheduled_messages_appointments_appointment` FOREIGN KEY (`appointment_id`) REFERENCES `appointments` (`id`) ON DELETE SET NULL);
-- create index "scheduledmessage_organization_id" to table: "scheduled_messages"
CREATE INDEX `scheduledmessage_organization_id` ON `scheduled_messages` (`organization_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "scheduledmessage_organization_id" to table: "scheduled_messages"
DROP INDEX `scheduledmessage_organization_id`;
-- reverse: create "scheduled_messages" table
DROP TABLE `scheduled_messages`;
-- reverse: create index "phoneoptout_organization_id_phone" to table: "phone_opt_outs"
DROP INDEX `phoneoptout_organization_id_phone`;
-- reverse: create index "phoneoptout_organization_id" to table: "phone_opt_outs"
DROP INDEX `phoneoptout_organization_id`;
-- reverse: create "phone_opt_outs" table
DROP TABLE `phone_opt_outs`;
-- reverse: create index "emailsuppression_organization_id_email" to table: "email_suppressions"
DROP INDEX `emailsuppression_organization_id_email`;
-- reverse: create index "emailsuppression_organization_id" to table: "email_suppressions"
DROP INDEX `emailsuppression_organization_id`;
-- reverse: create "email_suppressions" table
DROP TABLE `email_suppressions`;
-- reverse: create index "organizations_slug_key" to table: "organizations"
DROP INDEX `organizations_slug_key`;
-- reverse: create "new_organizations" table
DROP TABLE `new_organizations`;
