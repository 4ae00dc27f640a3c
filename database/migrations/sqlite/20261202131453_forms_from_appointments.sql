-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_notifications" table
CREATE TABLE `new_notifications` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `recipient_name` text NOT NULL, `kind` text NOT NULL, `channel` text NOT NULL, `address` text NULL, `subject` text NULL, `html` text NULL, `text` text NULL, `status` text NOT NULL DEFAULT ('QUEUED'), `reason` text NULL, `provider_id` text NULL, `attempts` integer NOT NULL DEFAULT (0), `send_after` datetime NOT NULL, `sent_at` datetime NULL, `delivered_at` datetime NULL, `failed_at` datetime NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `appointment_id` text NULL, `contact_id` text NULL, `scheduled_message_id` text NULL, `form_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `notifications_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `notifications_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `notifications_appointments_appointment` FOREIGN KEY (`appointment_id`) REFERENCES `appointments` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_contacts_contact` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_scheduled_messages_scheduled_message` FOREIGN KEY (`scheduled_message_id`) REFERENCES `scheduled_messages` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_forms_form` FOREIGN KEY (`form_id`) REFERENCES `forms` (`id`) ON DELETE SET NULL);
-- copy rows from old table "notifications" to new temporary table "new_notifications"
INSERT INTO `new_notifications` (`id`, `created_at`, `updated_at`, `recipient_name`, `kind`, `channel`, `address`, `subject`, `html`, `text`, `status`, `reason`, `provider_id`, `attempts`, `send_after`, `sent_at`, `delivered_at`, `failed_at`, `organization_id`, `client_id`, `appointment_id`, `contact_id`, `scheduled_message_id`) SELECT `id`, `created_at`, `updated_at`, `recipient_name`, `kind`, `channel`, `address`, `subject`, `html`, `text`, `status`, `reason`, `provider_id`, `attempts`, `send_after`, `sent_at`, `delivered_at`, `failed_at`, `organization_id`, `client_id`, `appointment_id`, `contact_id`, `scheduled_message_id` FROM `notifications`;
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
-- create index "notification_form_id" to table: "notifications"
CREATE INDEX `notification_form_id` ON `notifications` (`form_id`);
-- create index "notification_status_send_after" to table: "notifications"
CREATE INDEX `notification_status_send_after` ON `notifications` (`status`, `send_after`);
-- create "new_forms" table
CREATE TABLE `new_forms` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `description` text NULL, `questions` json NOT NULL, `signature_requested` bool NOT NULL DEFAULT (false), `status` text NOT NULL DEFAULT ('SENT'), `answers` json NULL, `signed_name` text NULL, `signed_at` datetime NULL, `submitted_at` datetime NULL, `withdrawn_at` datetime NULL, `submitted_by` text NULL, `reminder_sent_at` datetime NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `contact_id` text NULL, `sent_by_id` text NULL, `appointment_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `forms_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `forms_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `forms_contacts_contact` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE SET NULL, CONSTRAINT `forms_staff_sent_by` FOREIGN KEY (`sent_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL, CONSTRAINT `forms_appointments_appointment` FOREIGN KEY (`appointment_id`) REFERENCES `appointments` (`id`) ON DELETE SET NULL);
-- copy rows from old table "forms" to new temporary table "new_forms"
INSERT INTO `new_forms` (`id`, `created_at`, `updated_at`, `title`, `description`, `questions`, `signature_requested`, `status`, `answers`, `signed_name`, `signed_at`, `submitted_at`, `submitted_by`, `organization_id`, `client_id`, `contact_id`, `sent_by_id`) SELECT `id`, `created_at`, `updated_at`, `title`, `description`, `questions`, `signature_requested`, `status`, `answers`, `signed_name`, `signed_at`, `submitted_at`, `submitted_by`, `organization_id`, `client_id`, `contact_id`, `sent_by_id` FROM `forms`;
-- drop "forms" table after copying rows
DROP TABLE `forms`;
-- rename temporary table "new_forms" to "forms"
ALTER TABLE `new_forms` RENAME TO `forms`;
-- create index "form_organization_id" to table: "forms"
CREATE INDEX `form_organization_id` ON `forms` (`organization_id`);
-- create index "form_client_id_created_at" to table: "forms"
CREATE INDEX `form_client_id_created_at` ON `forms` (`client_id`, `created_at`);
-- create index "form_appointment_id" to table: "forms"
CREATE INDEX `form_appointment_id` ON `forms` (`appointment_id`);
-- create "new_organizations" table
CREATE TABLE `new_organizations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `time_zone` text NOT NULL DEFAULT ('UTC'), `default_language` text NOT NULL DEFAULT ('en'), `default_phone_region` text NOT NULL DEFAULT ('US'), `phone` text NULL, `email` text NULL, `reminder_lead_minutes` json NULL, `quiet_hours_start` text NOT NULL DEFAULT ('21:00'), `quiet_hours_end` text NOT NULL DEFAULT ('08:00'), `sms_help_reply` text NULL, `booking_min_notice_minutes` integer NOT NULL DEFAULT (120), `booking_max_advance_days` integer NOT NULL DEFAULT (60), `cancel_min_notice_minutes` integer NOT NULL DEFAULT (1440), `reschedule_min_notice_minutes` integer NOT NULL DEFAULT (1440), `slot_interval_minutes` integer NOT NULL DEFAULT (15), `buffer_before_minutes` integer NOT NULL DEFAULT (0), `buffer_after_minutes` integer NOT NULL DEFAULT (0), `require_cancellation_reason` bool NOT NULL DEFAULT (false), `portal_invite_on_create` bool NOT NULL DEFAULT (false), `form_reminder_delay_hours` integer NOT NULL DEFAULT (72), `widget_allowed_origins` json NULL, PRIMARY KEY (`id`));
-- copy rows from old table "organizations" to new temporary table "new_organizations"
INSERT INTO `new_organizations` (`id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region`, `phone`, `email`, `reminder_lead_minutes`, `quiet_hours_start`, `quiet_hours_end`, `sms_help_reply`, `booking_min_notice_minutes`, `booking_max_advance_days`, `cancel_min_notice_minutes`, `reschedule_min_notice_minutes`, `slot_interval_minutes`, `buffer_before_minutes`, `buffer_after_minutes`, `require_cancellation_reason`, `widget_allowed_origins`) SELECT `id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region`, `phone`, `email`, `reminder_lead_minutes`, `quiet_hours_start`, `quiet_hours_end`, `sms_help_reply`, `booking_min_notice_minutes`, `booking_max_advance_days`, `cancel_min_notice_minutes`, `reschedule_min_notice_minutes`, `slot_interval_minutes`, `buffer_before_minutes`, `buffer_after_minutes`, `require_cancellation_reason`, `widget_allowed_origins` FROM `organizations`;
-- drop "organizations" table after copying rows
DROP TABLE `organizations`;
-- rename temporary table "new_organizations" to "organizations"
ALTER TABLE `new_organizations` RENAME TO `organizations`;
-- create index "organizations_slug_key" to table: "organizations"
CREATE UNIQUE INDEX `organizations_slug_key` ON `organizations` (`slug`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "organizations_slug_key" to table: "organizations"
DROP INDEX `organizations_slug_key`;
-- reverse: create "new_organizations" table
DROP TABLE `new_organizations`;
-- reverse: create index "form_appointment_id" to table: "forms"
DROP INDEX `form_appointment_id`;
-- reverse: create index "form_client_id_created_at" to table: "forms"
DROP INDEX `form_client_id_created_at`;
-- reverse: create index "form_organization_id" to table: "forms"
DROP INDEX `form_organization_id`;
-- reverse: create "new_forms" table
DROP TABLE `new_forms`;
-- reverse: create index "notification_status_send_after" to table: "notifications"
DROP INDEX `notification_status_send_after`;
-- reverse: create index "notification_form_id" to table: "notifications"
DROP INDEX `notification_form_id`;
-- reverse: create index "notification_appointment_id" to table: "notifications"
DROP INDEX `notification_appointment_id`;
-- reverse: create index "notification_client_id_created_at" to table: "notifications"
DROP INDEX `notification_client_id_created_at`;
-- reverse: create index "notification_organization_id" to table: "notifications"
DROP INDEX `notification_organization_id`;
-- reverse: create "new_notifications" table
DROP TABLE `new_notifications`;
