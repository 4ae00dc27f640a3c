-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- add column "time_zone" to table: "staff"
ALTER TABLE `staff` ADD COLUMN `time_zone` text NULL;
-- create "new_organizations" table
CREATE TABLE `new_organizations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `time_zone` text NOT NULL DEFAULT ('UTC'), `default_language` text NOT NULL DEFAULT ('en'), `default_phone_region` text NOT NULL DEFAULT ('US'), `phone` text NULL, `email` text NULL, `reminder_lead_minutes` json NULL, `quiet_hours_start` text NOT NULL DEFAULT ('21:00'), `quiet_hours_end` text NOT NULL DEFAULT ('08:00'), `sms_help_reply` text NULL, `booking_min_notice_minutes` integer NOT NULL DEFAULT (120), `booking_max_advance_days` integer NOT NULL DEFAULT (60), `cancel_min_notice_minutes` integer NOT NULL DEFAULT (1440), `reschedule_min_notice_minutes` integer NOT NULL DEFAULT (1440), `slot_interval_minutes` integer NOT NULL DEFAULT (15), `buffer_before_minutes` integer NOT NULL DEFAULT (0), `buffer_after_minutes` integer NOT NULL DEFAULT (0), `require_cancellation_reason` bool NOT NULL DEFAULT (false), `widget_allowed_origins` json NULL, PRIMARY KEY (`id`));
-- copy rows from old table "organizations" to new temporary table "new_organizations"
INSERT INTO `new_organizations` (`id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region`, `phone`, `email`, `reminder_lead_minutes`, `quiet_hours_start`, `quiet_hours_end`, `sms_help_reply`) SELECT `id`, `created_at`, `updated_at`, `name`, `slug`, `time_zone`, `default_language`, `default_phone_region`, `phone`, `email`, `reminder_lead_minutes`, `quiet_hours_start`, `quiet_hours_end`, `sms_help_reply` FROM `organizations`;
-- drop "organizations" table after copying rows
DROP TABLE `organizations`;
-- rename temporary table "new_organizations" to "organizations"
ALTER TABLE `new_organizations` RENAME TO `organizations`;
-- create index "organizations_slug_key" to table: "organizations"
CREATE UNIQUE INDEX `organizations_slug_key` ON `organizations` (`slug`);
-- create "new_appointments" table
CREATE TABLE `new_appointments` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `time_zone` text NOT NULL, `location` text NULL, `telehealth_url` text NULL, `status` text NOT NULL DEFAULT ('BOOKED'), `cancellation_reason` text NULL, `cancelled_at` datetime NULL, `notes` text NULL, `idempotency_key` text NULL, `booked_via` text NOT NULL DEFAULT ('STAFF'), `organization_id` text NOT NULL, `client_id` text NOT NULL, `practitioner_id` text NOT NULL, `created_by_id` text NULL, `service_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `appointments_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_practitioner` FOREIGN KEY (`practitioner_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_services_service` FOREIGN KEY (`service_id`) REFERENCES `services` (`id`) ON DELETE SET NULL);
-- copy rows from old table "appointments" to new temporary table "new_appointments"
INSERT INTO `new_appointments` (`id`, `created_at`, `updated_at`, `starts_at`, `ends_at`, `time_zone`, `location`, `telehealth_url`, `status`, `cancellation_reason`, `cancelled_at`, `notes`, `idempotency_key`, `booked_via`, `organization_id`, `client_id`, `practitioner_id`, `created_by_id`) SELECT `id`, `created_at`, `updated_at`, `starts_at`, `ends_at`, `time_zone`, `location`, `telehealth_url`, `status`, `cancellation_reason`, `cancelled_at`, `notes`, `idempotency_key`, `booked_via`, `organization_id`, `client_id`, `practitioner_id`, `created_by_id` FROM `appointments`;
-- drop "appointments" table after copying rows
DROP TABLE `appointments`;
-- rename temporary table "new_appointments" to "appointments"
ALTER TABLE `new_appointments` RENAME TO `appointments`;
-- create index "appointment_organization_id" to table: "appointments"
CREATE INDEX `appointment_organization_id` ON `appointments` (`organization_id`);
-- create index "appointment_client_id_starts_at" to table: "appointments"
CREATE INDEX `appointment_client_id_starts_at` ON `appointments` (`client_id`, `starts_at`);
-- create index "appointment_practitioner_id_starts_at" to table: "appointments"
CREATE INDEX `appointment_practitioner_id_starts_at` ON `appointments` (`practitioner_id`, `starts_at`);
-- create index "appointment_organization_id_idempotency_key" to table: "appointments"
CREATE UNIQUE INDEX `appointment_organization_id_idempotency_key` ON `appointments` (`organization_id`, `idempotency_key`);
-- create "schedule_exceptions" table
CREATE TABLE `schedule_exceptions` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `starts_at` datetime NULL, `ends_at` datetime NULL, `date` text NULL, `start` text NULL, `end` text NULL, `note` text NULL, `organization_id` text NOT NULL, `staff_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `schedule_exceptions_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `schedule_exceptions_staff_staff` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION);
-- create index "scheduleexception_organization_id" to table: "schedule_exceptions"
CREATE INDEX `scheduleexception_organization_id` ON `schedule_exceptions` (`organization_id`);
-- create index "scheduleexception_staff_id_starts_at" to table: "schedule_exceptions"
CREATE INDEX `scheduleexception_staff_id_starts_at` ON `schedule_exceptions` (`staff_id`, `starts_at`);
-- create index "scheduleexception_staff_id_date" to table: "schedule_exceptions"
CREATE INDEX `scheduleexception_staff_id_date` ON `schedule_exceptions` (`staff_id`, `date`);
-- create "services" table
CREATE TABLE `services` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `description` text NULL, `duration_minutes` integer NOT NULL, `price_cents` integer NULL, `currency` text NULL, `bookable_online` bool NOT NULL DEFAULT (false), `mode` text NOT NULL DEFAULT ('IN_PERSON'), `location` text NULL, `archived_at` datetime NULL, `booking_min_notice_minutes` integer NULL, `booking_max_advance_days` integer NULL, `cancel_min_notice_minutes` integer NULL, `reschedule_min_notice_minutes` integer NULL, `slot_interval_minutes` integer NULL, `buffer_before_minutes` integer NULL, `buffer_after_minutes` integer NULL, `require_cancellation_reason` bool NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `services_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "service_organization_id" to table: "services"
CREATE INDEX `service_organization_id` ON `services` (`organization_id`);
-- create index "service_organization_id_name" to table: "services"
CREATE INDEX `service_organization_id_name` ON `services` (`organization_id`, `name`);
-- create "service_practitioners" table
CREATE TABLE `service_practitioners` (`id` text NOT NULL, `organization_id` text NOT NULL, `service_id` text NOT NULL, `staff_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `service_practitioners_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `service_practitioners_services_service` FOREIGN KEY (`service_id`) REFERENCES `services` (`id`) ON DELETE NO ACTION, CONSTRAINT `service_practitioners_staff_staff` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION);
-- create index "servicepractitioner_organization_id" to table: "service_practitioners"
CREATE INDEX `servicepractitioner_organization_id` ON `service_practitioners` (`organization_id`);
-- create index "servicepractitioner_service_id_staff_id" to table: "service_practitioners"
CREATE UNIQUE INDEX `servicepractitioner_service_id_staff_id` ON `service_practitioners` (`service_id`, `staff_id`);
-- create index "servicepractitioner_staff_id" to table: "service_practitioners"
CREATE INDEX `servicepractitioner_staff_id` ON `service_practitioners` (`staff_id`);
-- create "working_hours" table
CREATE TABLE `working_hours` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `weekday` integer NOT NULL, `start` text NOT NULL, `end` text NOT NULL, `organization_id` text NOT NULL, `staff_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `working_hours_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `working_hours_staff_staff` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION);
-- create index "workinghours_organization_id" to table: "working_hours"
CREATE INDEX `workinghours_organization_id` ON `working_hours` (`organization_id`);
-- create index "workinghours_staff_id_weekday" to table: "working_hours"
CREATE INDEX `workinghours_staff_id_weekday` ON `working_hours` (`staff_id`, `weekday`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "workinghours_staff_id_weekday" to table: "working_hours"
DROP INDEX `workinghours_staff_id_weekday`;
-- reverse: create index "workinghours_organization_id" to table: "working_hours"
DROP INDEX `workinghours_organization_id`;
-- reverse: create "working_hours" table
DROP TABLE `working_hours`;
-- reverse: create index "servicepractitioner_staff_id" to table: "service_practitioners"
DROP INDEX `servicepractitioner_staff_id`;
-- reverse: create index "servicepractitioner_service_id_staff_id" to table: "service_practitioners"
DROP INDEX `servicepractitioner_service_id_staff_id`;
-- reverse: create index "servicepractitioner_organization_id" to table: "service_practitioners"
DROP INDEX `servicepractitioner_organization_id`;
-- reverse: create "service_practitioners" table
DROP TABLE `service_practitioners`;
-- reverse: create index "service_organization_id_name" to table: "services"
DROP INDEX `service_organization_id_name`;
-- reverse: create index "service_organization_id" to table: "services"
DROP INDEX `service_organization_id`;
-- reverse: create "services" table
DROP TABLE `services`;
-- reverse: create index "scheduleexception_staff_id_date" to table: "schedule_exceptions"
DROP INDEX `scheduleexception_staff_id_date`;
-- reverse: create index "scheduleexception_staff_id_starts_at" to table: "schedule_exceptions"
DROP INDEX `scheduleexception_staff_id_starts_at`;
-- reverse: create index "scheduleexception_organization_id" to table: "schedule_exceptions"
DROP INDEX `scheduleexception_organization_id`;
-- reverse: create "schedule_exceptions" table
DROP TABLE `schedule_exceptions`;
-- reverse: create index "appointment_organization_id_idempotency_key" to table: "appointments"
DROP INDEX `appointment_organization_id_idempotency_key`;
-- reverse: create index "appointment_practitioner_id_starts_at" to table: "appointments"
DROP INDEX `appointment_practitioner_id_starts_at`;
-- reverse: create index "appointment_client_id_starts_at" to table: "appointments"
DROP INDEX `appointment_client_id_starts_at`;
-- reverse: create index "appointment_organization_id" to table: "appointments"
DROP INDEX `appointment_organization_id`;
-- reverse: create "new_appointments" table
DROP TABLE `new_appointments`;
-- reverse: create index "organizations_slug_key" to table: "organizations"
DROP INDEX `organizations_slug_key`;
-- reverse: create "new_organizations" table
DROP TABLE `new_organizations`;
-- reverse: add column "time_zone" to table: "staff"
ALTER TABLE `staff` DROP COLUMN `time_zone`;
