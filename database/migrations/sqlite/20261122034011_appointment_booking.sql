-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_appointments" table
CREATE TABLE `new_appointments` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `time_zone` text NOT NULL, `location` text NULL, `telehealth_url` text NULL, `status` text NOT NULL DEFAULT ('BOOKED'), `cancellation_reason` text NULL, `cancelled_at` datetime NULL, `notes` text NULL, `idempotency_key` text NULL, `booked_via` text NOT NULL DEFAULT ('STAFF'), `organization_id` text NOT NULL, `client_id` text NOT NULL, `practitioner_id` text NOT NULL, `created_by_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `appointments_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_practitioner` FOREIGN KEY (`practitioner_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL);
-- copy rows from old table "appointments" to new temporary table "new_appointments"
INSERT INTO `new_appointments` (`id`, `created_at`, `updated_at`, `starts_at`, `ends_at`, `time_zone`, `location`, `telehealth_url`, `status`, `cancellation_reason`, `cancelled_at`, `notes`, `organization_id`, `client_id`, `practitioner_id`, `created_by_id`) SELECT `id`, `created_at`, `updated_at`, `starts_at`, `ends_at`, `time_zone`, `location`, `telehealth_url`, `status`, `cancellation_reason`, `cancelled_at`, `notes`, `organization_id`, `client_id`, `practitioner_id`, `created_by_id` FROM `appointments`;
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
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
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
