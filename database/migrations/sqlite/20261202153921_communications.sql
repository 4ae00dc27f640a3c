-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- add column "phone" to table: "staff"
ALTER TABLE `staff` ADD COLUMN `phone` text NULL;
-- create "new_organizations" table
CREATE TABLE `new_organizations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `time_zone` text NOT NULL DEFAULT ('UTC'), `default_language` text NOT NULL DEFAULT ('en'), `default_phone_region` text NOT NULL DEFAULT ('US'), `phone` text NULL, `email` text NULL, `reminder_lead_minutes` json NULL, `quiet_hours_start` text NOT NULL DEFAULT ('21:00'), `quiet_hours_end` text NOT NULL DEFAULT ('08:00'), `sms_help_reply` text NULL, `booking_min_notice_minutes` integer NOT NULL DEFAULT (120), `booking_max_advance_days` integer NOT NULL DEFAULT (60), `cancel_min_notice_minutes` integer NOT NULL DEFAULT (1440), `reschedule_min_notice_minutes` integer NOT NULL DEFAULT (1440), `slot_interval_minutes` integer NOT NULL DEFAULT (15), `buffer_before_minutes` integer NOT NULL DEFAULT (0), `buffer_after_minutes` integer NOT NULL DEFAULT (0), `require_cancellation_reason` bool NOT NULL DEFAULT (false), `portal_invite_on_create` bool NOT NULL DEFAULT (false), `form_reminder_delay_hours` integer NOT NULL DEFAULT (72), `call_auto_close_hours` integer NOT NULL DEFAULT (24), `widget_allowed_origins` json NULL, PRIMARY KEY (`id`));
-- copy rows from old table "organizations" to new temporary table "new_organizations"
INSERT INTO `new_organizations` (`id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region`, `phone`, `email`, `reminder_lead_minutes`, `quiet_hours_start`, `quiet_hours_end`, `sms_help_reply`, `booking_min_notice_minutes`, `booking_max_advance_days`, `cancel_min_notice_minutes`, `reschedule_min_notice_minutes`, `slot_interval_minutes`, `buffer_before_minutes`, `buffer_after_minutes`, `require_cancellation_reason`, `portal_invite_on_create`, `form_reminder_delay_hours`, `widget_allowed_origins`) SELECT `id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region`, `phone`, `email`, `reminder_lead_minutes`, `quiet_hours_start`, `quiet_hours_end`, `sms_help_reply`, `booking_min_notice_minutes`, `booking_max_advance_days`, `cancel_min_notice_minutes`, `reschedule_min_notice_minutes`, `slot_interval_minutes`, `buffer_before_minutes`, `buffer_after_minutes`, `require_cancellation_reason`, `portal_invite_on_create`, `form_reminder_delay_hours`, `widget_allowed_origins` FROM `organizations`;
-- drop "organizations" table after copying rows
DROP TABLE `organizations`;
-- rename temporary table "new_organizations" to "organizations"
ALTER TABLE `new_organizations` RENAME TO `organizations`;
-- create index "organizations_slug_key" to table: "organizations"
CREATE UNIQUE INDEX `organizations_slug_key` ON `organizations` (`slug`);
-- create "communications" table
CREATE TABLE `communications` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `direction` text NOT NULL, `status` text NULL, `source` text NOT NULL, `provider_id` text NULL, `occurred_at` datetime NOT NULL, `from_address` text NULL, `to_addresses` json NULL, `cc_addresses` json NULL, `title` text NULL, `description` text NULL, `subject` text NULL, `text_body` text NULL, `html_body` text NULL, `attachments` json NULL, `message_id` text NULL, `in_reply_to` text NULL, `references` json NULL, `thread_key` text NULL, `started_at` datetime NULL, `answered_at` datetime NULL, `ended_at` datetime NULL, `duration_seconds` integer NULL, `outcome` text NULL, `recording_url` text NULL, `provider_status` text NULL, `platform` text NULL, `closed_at` datetime NULL, `closed_automatically` bool NOT NULL DEFAULT (false), `organization_id` text NOT NULL, `mailbox_id` text NULL, `logged_by_id` text NULL, `closed_by_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `communications_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `communications_mailboxes_mailbox` FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes` (`id`) ON DELETE SET NULL, CONSTRAINT `communications_staff_logged_by` FOREIGN KEY (`logged_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL, CONSTRAINT `communications_staff_closed_by` FOREIGN KEY (`closed_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL);
-- create index "communication_organization_id" to table: "communications"
CREATE INDEX `communication_organization_id` ON `communications` (`organization_id`);
-- create index "communication_organization_id_provider_id" to table: "communications"
CREATE UNIQUE INDEX `communication_organization_id_provider_id` ON `communications` (`organization_id`, `provider_id`);
-- create index "communication_organization_id_occurred_at" to table: "communications"
CREATE INDEX `communication_organization_id_occurred_at` ON `communications` (`organization_id`, `occurred_at`);
-- create index "communication_organization_id_thread_key" to table: "communications"
CREATE INDEX `communication_organization_id_thread_key` ON `communications` (`organization_id`, `thread_key`);
-- create index "communication_status_ended_at" to table: "communications"
CREATE INDEX `communication_status_ended_at` ON `communications` (`status`, `ended_at`);
-- create "communication_parties" table
CREATE TABLE `communication_parties` (`id` text NOT NULL, `candidate` bool NOT NULL DEFAULT (false), `matched_by` text NOT NULL, `address` text NULL, `occurred_at` datetime NOT NULL, `created_at` datetime NOT NULL, `organization_id` text NOT NULL, `communication_id` text NOT NULL, `client_id` text NULL, `contact_id` text NULL, `staff_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `communication_parties_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `communication_parties_communications_communication` FOREIGN KEY (`communication_id`) REFERENCES `communications` (`id`) ON DELETE NO ACTION, CONSTRAINT `communication_parties_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE SET NULL, CONSTRAINT `communication_parties_contacts_contact` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE SET NULL, CONSTRAINT `communication_parties_staff_staff` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL);
-- create index "communicationparty_organization_id" to table: "communication_parties"
CREATE INDEX `communicationparty_organization_id` ON `communication_parties` (`organization_id`);
-- create index "communicationparty_communication_id" to table: "communication_parties"
CREATE INDEX `communicationparty_communication_id` ON `communication_parties` (`communication_id`);
-- create index "communicationparty_client_id_occurred_at" to table: "communication_parties"
CREATE INDEX `communicationparty_client_id_occurred_at` ON `communication_parties` (`client_id`, `occurred_at`);
-- create index "communicationparty_contact_id" to table: "communication_parties"
CREATE INDEX `communicationparty_contact_id` ON `communication_parties` (`contact_id`);
-- create index "communicationparty_staff_id_occurred_at" to table: "communication_parties"
CREATE INDEX `communicationparty_staff_id_occurred_at` ON `communication_parties` (`staff_id`, `occurred_at`);
-- create "mailboxes" table
CREATE TABLE `mailboxes` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `address` text NOT NULL, `host` text NOT NULL, `port` integer NOT NULL DEFAULT (993), `security` text NOT NULL DEFAULT ('TLS'), `username` text NOT NULL, `secret` blob NOT NULL, `inbox_folder` text NOT NULL DEFAULT ('INBOX'), `sent_folder` text NULL, `cursors` json NULL, `active` bool NOT NULL DEFAULT (true), `last_import_at` datetime NULL, `last_error` text NULL, `last_error_at` datetime NULL, `organization_id` text NOT NULL, `connected_by_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `mailboxes_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `mailboxes_staff_connected_by` FOREIGN KEY (`connected_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL);
-- create index "mailbox_organization_id" to table: "mailboxes"
CREATE INDEX `mailbox_organization_id` ON `mailboxes` (`organization_id`);
-- create index "mailbox_organization_id_address" to table: "mailboxes"
CREATE UNIQUE INDEX `mailbox_organization_id_address` ON `mailboxes` (`organization_id`, `address`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "mailbox_organization_id_address" to table: "mailboxes"
DROP INDEX `mailbox_organization_id_address`;
-- reverse: create index "mailbox_organization_id" to table: "mailboxes"
DROP INDEX `mailbox_organization_id`;
-- reverse: create "mailboxes" table
DROP TABLE `mailboxes`;
-- reverse: create index "communicationparty_staff_id_occurred_at" to table: "communication_parties"
DROP INDEX `communicationparty_staff_id_occurred_at`;
-- reverse: create index "communicationparty_contact_id" to table: "communication_parties"
DROP INDEX `communicationparty_contact_id`;
-- reverse: create index "communicationparty_client_id_occurred_at" to table: "communication_parties"
DROP INDEX `communicationparty_client_id_occurred_at`;
-- reverse: create index "communicationparty_communication_id" to table: "communication_parties"
DROP INDEX `communicationparty_communication_id`;
-- reverse: create index "communicationparty_organization_id" to table: "communication_parties"
DROP INDEX `communicationparty_organization_id`;
-- reverse: create "communication_parties" table
DROP TABLE `communication_parties`;
-- reverse: create index "communication_status_ended_at" to table: "communications"
DROP INDEX `communication_status_ended_at`;
-- reverse: create index "communication_organization_id_thread_key" to table: "communications"
DROP INDEX `communication_organization_id_thread_key`;
-- reverse: create index "communication_organization_id_occurred_at" to table: "communications"
DROP INDEX `communication_organization_id_occurred_at`;
-- reverse: create index "communication_organization_id_provider_id" to table: "communications"
DROP INDEX `communication_organization_id_provider_id`;
-- reverse: create index "communication_organization_id" to table: "communications"
DROP INDEX `communication_organization_id`;
-- reverse: create "communications" table
DROP TABLE `communications`;
-- reverse: create index "organizations_slug_key" to table: "organizations"
DROP INDEX `organizations_slug_key`;
-- reverse: create "new_organizations" table
DROP TABLE `new_organizations`;
-- reverse: add column "phone" to table: "staff"
ALTER TABLE `staff` DROP COLUMN `phone`;
