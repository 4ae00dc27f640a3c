-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_clients" table
CREATE TABLE `new_clients` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `first_name` text NOT NULL, `last_name` text NOT NULL, `preferred_name` text NULL, `pronouns` text NULL, `salutation` text NULL, `date_of_birth` text NULL, `sex_assigned_at_birth` text NULL, `language` text NULL, `time_zone` text NULL, `email` text NULL, `email_consent` bool NOT NULL DEFAULT (true), `mobile_phone` text NULL, `sms_consent` bool NOT NULL DEFAULT (false), `mobile_is_primary` bool NOT NULL DEFAULT (true), `voice_consent` bool NOT NULL DEFAULT (false), `other_phones` json NULL, `address` json NULL, `preferred_contact_method` text NOT NULL DEFAULT ('EMAIL'), `status` text NOT NULL DEFAULT ('ACTIVE'), `tags` json NULL, `alert` text NULL, `notes` text NULL, `referring_provider` text NULL, `qualified` bool NULL, `veteran_id` text NULL, `notify_reminders` bool NOT NULL DEFAULT (true), `notify_confirmations` bool NOT NULL DEFAULT (true), `notify_scheduled` bool NOT NULL DEFAULT (true), `portal_status` text NOT NULL DEFAULT ('NONE'), `organization_id` text NOT NULL, `default_location_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `clients_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `clients_locations_default_location` FOREIGN KEY (`default_location_id`) REFERENCES `locations` (`id`) ON DELETE SET NULL);
-- copy rows from old table "clients" to new temporary table "new_clients"
INSERT INTO `new_clients` (`id`, `created_at`, `updated_at`, `first_name`, `last_name`, `preferred_name`, `pronouns`, `salutation`, `date_of_birth`, `sex_assigned_at_birth`, `language`, `time_zone`, `email`, `email_consent`, `mobile_phone`, `sms_consent`, `mobile_is_primary`, `voice_consent`, `other_phones`, `address`, `preferred_contact_method`, `status`, `tags`, `alert`, `notes`, `referring_provider`, `notify_reminders`, `notify_confirmations`, `notify_scheduled`, `portal_status`, `organization_id`) SELECT `id`, `created_at`, `updated_at`, `first_name`, `last_name`, `preferred_name`, `pronouns`, `salutation`, `date_of_birth`, `sex_assigned_at_birth`, `language`, `time_zone`, `email`, `email_consent`, `mobile_phone`, `sms_consent`, `mobile_is_primary`, `voice_consent`, `other_phones`, `address`, `preferred_contact_method`, `status`, `tags`, `alert`, `notes`, `referring_provider`, `notify_reminders`, `notify_confirmations`, `notify_scheduled`, `portal_status`, `organization_id` FROM `clients`;
-- drop "clients" table after copying rows
DROP TABLE `clients`;
-- rename temporary table "new_clients" to "clients"
ALTER TABLE `new_clients` RENAME TO `clients`;
-- create index "clientprofile_organization_id" to table: "clients"
CREATE INDEX `clientprofile_organization_id` ON `clients` (`organization_id`);
-- create index "clientprofile_organization_id_last_name_first_name" to table: "clients"
CREATE INDEX `clientprofile_organization_id_last_name_first_name` ON `clients` (`organization_id`, `last_name`, `first_name`);
-- create index "clientprofile_organization_id_email" to table: "clients"
CREATE INDEX `clientprofile_organization_id_email` ON `clients` (`organization_id`, `email`);
-- create "new_appointments" table
CREATE TABLE `new_appointments` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `time_zone` text NOT NULL, `location` text NULL, `address_source` text NULL, `telehealth_url` text NULL, `status` text NOT NULL DEFAULT ('BOOKED'), `cancellation_reason` text NULL, `cancelled_at` datetime NULL, `notes` text NULL, `idempotency_key` text NULL, `booked_via` text NOT NULL DEFAULT ('STAFF'), `organization_id` text NOT NULL, `client_id` text NOT NULL, `practitioner_id` text NOT NULL, `created_by_id` text NULL, `service_id` text NULL, `practice_location_id` text NULL, `held_at_contact_link_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `appointments_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_practitioner` FOREIGN KEY (`practitioner_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_services_service` FOREIGN KEY (`service_id`) REFERENCES `services` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_locations_practice_location` FOREIGN KEY (`practice_location_id`) REFERENCES `locations` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_client_contacts_held_at_contact_link` FOREIGN KEY (`held_at_contact_link_id`) REFERENCES `client_contacts` (`id`) ON DELETE SET NULL);
-- copy rows from old table "appointments" to new temporary table "new_appointments"
INSERT INTO `new_appointments` (`id`, `created_at`, `updated_at`, `starts_at`, `ends_at`, `time_zone`, `location`, `telehealth_url`, `status`, `cancellation_reason`, `cancelled_at`, `notes`, `idempotency_key`, `booked_via`, `organization_id`, `client_id`, `practitioner_id`, `created_by_id`, `service_id`) SELECT `id`, `created_at`, `updated_at`, `starts_at`, `ends_at`, `time_zone`, `location`, `telehealth_url`, `status`, `cancellation_reason`, `cancelled_at`, `notes`, `idempotency_key`, `booked_via`, `organization_id`, `client_id`, `practitioner_id`, `created_by_id`, `service_id` FROM `appointments`;
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
-- create "new_services" table
CREATE TABLE `new_services` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `description` text NULL, `duration_minutes` integer NOT NULL, `price_cents` integer NULL, `currency` text NULL, `bookable_online` bool NOT NULL DEFAULT (false), `mode` text NOT NULL DEFAULT ('IN_PERSON'), `location` text NULL, `archived_at` datetime NULL, `booking_min_notice_minutes` integer NULL, `booking_max_advance_days` integer NULL, `cancel_min_notice_minutes` integer NULL, `reschedule_min_notice_minutes` integer NULL, `slot_interval_minutes` integer NULL, `buffer_before_minutes` integer NULL, `buffer_after_minutes` integer NULL, `require_cancellation_reason` bool NULL, `organization_id` text NOT NULL, `practice_location_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `services_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `services_locations_practice_location` FOREIGN KEY (`practice_location_id`) REFERENCES `locations` (`id`) ON DELETE SET NULL);
-- copy rows from old table "services" to new temporary table "new_services"
INSERT INTO `new_services` (`id`, `created_at`, `updated_at`, `name`, `description`, `duration_minutes`, `price_cents`, `currency`, `bookable_online`, `mode`, `location`, `archived_at`, `booking_min_notice_minutes`, `booking_max_advance_days`, `cancel_min_notice_minutes`, `reschedule_min_notice_minutes`, `slot_interval_minutes`, `buffer_before_minutes`, `buffer_after_minutes`, `require_cancellation_reason`, `organization_id`) SELECT `id`, `created_at`, `updated_at`, `name`, `description`, `duration_minutes`, `price_cents`, `currency`, `bookable_online`, `mode`, `location`, `archived_at`, `booking_min_notice_minutes`, `booking_max_advance_days`, `cancel_min_notice_minutes`, `reschedule_min_notice_minutes`, `slot_interval_minutes`, `buffer_before_minutes`, `buffer_after_minutes`, `require_cancellation_reason`, `organization_id` FROM `services`;
-- drop "services" table after copying rows
DROP TABLE `services`;
-- rename temporary table "new_services" to "services"
ALTER TABLE `new_services` RENAME TO `services`;
-- create index "service_organization_id" to table: "services"
CREATE INDEX `service_organization_id` ON `services` (`organization_id`);
-- create index "service_organization_id_name" to table: "services"
CREATE INDEX `service_organization_id_name` ON `services` (`organization_id`, `name`);
-- create "locations" table
CREATE TABLE `locations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `address` json NULL, `time_zone` text NULL, `phone` text NULL, `active` bool NOT NULL DEFAULT (true), `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `locations_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "location_organization_id" to table: "locations"
CREATE INDEX `location_organization_id` ON `locations` (`organization_id`);
-- create index "location_organization_id_name" to table: "locations"
CREATE INDEX `location_organization_id_name` ON `locations` (`organization_id`, `name`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "location_organization_id_name" to table: "locations"
DROP INDEX `location_organization_id_name`;
-- reverse: create index "location_organization_id" to table: "locations"
DROP INDEX `location_organization_id`;
-- reverse: create "locations" table
DROP TABLE `locations`;
-- reverse: create index "service_organization_id_name" to table: "services"
DROP INDEX `service_organization_id_name`;
-- reverse: create index "service_organization_id" to table: "services"
DROP INDEX `service_organization_id`;
-- reverse: create "new_services" table
DROP TABLE `new_services`;
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
-- reverse: create index "clientprofile_organization_id_email" to table: "clients"
DROP INDEX `clientprofile_organization_id_email`;
-- reverse: create index "clientprofile_organization_id_last_name_first_name" to table: "clients"
DROP INDEX `clientprofile_organization_id_last_name_first_name`;
-- reverse: create index "clientprofile_organization_id" to table: "clients"
DROP INDEX `clientprofile_organization_id`;
-- reverse: create "new_clients" table
DROP TABLE `new_clients`;
