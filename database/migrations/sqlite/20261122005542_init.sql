-- +goose Up
-- create "appointments" table
CREATE TABLE `appointments` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `time_zone` text NOT NULL, `location` text NULL, `telehealth_url` text NULL, `status` text NOT NULL DEFAULT ('BOOKED'), `cancellation_reason` text NULL, `cancelled_at` datetime NULL, `notes` text NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `practitioner_id` text NOT NULL, `created_by_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `appointments_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_practitioner` FOREIGN KEY (`practitioner_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_staff_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL);
-- create index "appointment_organization_id" to table: "appointments"
CREATE INDEX `appointment_organization_id` ON `appointments` (`organization_id`);
-- create index "appointment_client_id_starts_at" to table: "appointments"
CREATE INDEX `appointment_client_id_starts_at` ON `appointments` (`client_id`, `starts_at`);
-- create index "appointment_practitioner_id_starts_at" to table: "appointments"
CREATE INDEX `appointment_practitioner_id_starts_at` ON `appointments` (`practitioner_id`, `starts_at`);
-- create "client_contacts" table
CREATE TABLE `client_contacts` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `relationship` text NOT NULL DEFAULT ('OTHER'), `relationship_label` text NULL, `contact_types` json NULL, `notify_reminders` bool NOT NULL DEFAULT (false), `notify_confirmations` bool NOT NULL DEFAULT (false), `notify_scheduled` bool NOT NULL DEFAULT (false), `can_manage_appointments` bool NOT NULL DEFAULT (false), `portal_scopes` json NULL, `portal_status` text NOT NULL DEFAULT ('NONE'), `organization_id` text NOT NULL, `client_id` text NOT NULL, `contact_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `client_contacts_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `client_contacts_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `client_contacts_contacts_contact` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE NO ACTION);
-- create index "clientcontact_organization_id" to table: "client_contacts"
CREATE INDEX `clientcontact_organization_id` ON `client_contacts` (`organization_id`);
-- create index "clientcontact_client_id_contact_id" to table: "client_contacts"
CREATE UNIQUE INDEX `clientcontact_client_id_contact_id` ON `client_contacts` (`client_id`, `contact_id`);
-- create "clients" table
CREATE TABLE `clients` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `first_name` text NOT NULL, `last_name` text NOT NULL, `preferred_name` text NULL, `pronouns` text NULL, `salutation` text NULL, `date_of_birth` text NULL, `sex_assigned_at_birth` text NULL, `language` text NULL, `time_zone` text NULL, `email` text NULL, `email_consent` bool NOT NULL DEFAULT (true), `mobile_phone` text NULL, `sms_consent` bool NOT NULL DEFAULT (false), `mobile_is_primary` bool NOT NULL DEFAULT (true), `voice_consent` bool NOT NULL DEFAULT (false), `other_phones` json NULL, `address` json NULL, `preferred_contact_method` text NOT NULL DEFAULT ('EMAIL'), `status` text NOT NULL DEFAULT ('ACTIVE'), `tags` json NULL, `alert` text NULL, `notes` text NULL, `referring_provider` text NULL, `notify_reminders` bool NOT NULL DEFAULT (true), `notify_confirmations` bool NOT NULL DEFAULT (true), `notify_scheduled` bool NOT NULL DEFAULT (true), `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `clients_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "clientprofile_organization_id" to table: "clients"
CREATE INDEX `clientprofile_organization_id` ON `clients` (`organization_id`);
-- create index "clientprofile_organization_id_last_name_first_name" to table: "clients"
CREATE INDEX `clientprofile_organization_id_last_name_first_name` ON `clients` (`organization_id`, `last_name`, `first_name`);
-- create index "clientprofile_organization_id_email" to table: "clients"
CREATE INDEX `clientprofile_organization_id_email` ON `clients` (`organization_id`, `email`);
-- create "contacts" table
CREATE TABLE `contacts` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `first_name` text NOT NULL, `last_name` text NULL, `email` text NULL, `phone` text NULL, `organization_reference` text NULL, `address` json NULL, `notes` text NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `contacts_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "contact_organization_id" to table: "contacts"
CREATE INDEX `contact_organization_id` ON `contacts` (`organization_id`);
-- create index "contact_organization_id_email" to table: "contacts"
CREATE INDEX `contact_organization_id_email` ON `contacts` (`organization_id`, `email`);
-- create index "contact_organization_id_phone" to table: "contacts"
CREATE INDEX `contact_organization_id_phone` ON `contacts` (`organization_id`, `phone`);
-- create "coverages" table
CREATE TABLE `coverages` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `region` text NULL, `health_card_number` text NULL, `health_card_version` text NULL, `fee_program` text NULL, `fee_program_number` text NULL, `billing_authorization_number` text NULL, `case_number` text NULL, `number_of_sessions` integer NULL, `billing_notes` text NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `coverages_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `coverages_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION);
-- create index "coverage_organization_id" to table: "coverages"
CREATE INDEX `coverage_organization_id` ON `coverages` (`organization_id`);
-- create "organizations" table
CREATE TABLE `organizations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `time_zone` text NOT NULL DEFAULT ('UTC'), `default_language` text NOT NULL DEFAULT ('en'), `default_phone_region` text NOT NULL DEFAULT ('US'), PRIMARY KEY (`id`));
-- create index "organizations_slug_key" to table: "organizations"
CREATE UNIQUE INDEX `organizations_slug_key` ON `organizations` (`slug`);
-- create "staff" table
CREATE TABLE `staff` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `role` text NOT NULL DEFAULT ('PRACTITIONER'), `password_hash` text NULL, `active` bool NOT NULL DEFAULT (true), `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `staff_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "staff_organization_id" to table: "staff"
CREATE INDEX `staff_organization_id` ON `staff` (`organization_id`);
-- create index "staff_organization_id_email" to table: "staff"
CREATE UNIQUE INDEX `staff_organization_id_email` ON `staff` (`organization_id`, `email`);
-- create "staff_tokens" table
CREATE TABLE `staff_tokens` (`id` text NOT NULL, `token_hash` blob NOT NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `revoked_at` datetime NULL, `organization_id` text NOT NULL, `staff_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `staff_tokens_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `staff_tokens_staff_staff` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`id`) ON DELETE NO ACTION);
-- create index "staff_tokens_token_hash_key" to table: "staff_tokens"
CREATE UNIQUE INDEX `staff_tokens_token_hash_key` ON `staff_tokens` (`token_hash`);
-- create index "stafftoken_organization_id" to table: "staff_tokens"
CREATE INDEX `stafftoken_organization_id` ON `staff_tokens` (`organization_id`);
-- create "staff_assigned_clients" table
CREATE TABLE `staff_assigned_clients` (`staff_id` text NOT NULL, `client_profile_id` text NOT NULL, PRIMARY KEY (`staff_id`, `client_profile_id`), CONSTRAINT `staff_assigned_clients_staff_id` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`id`) ON DELETE CASCADE, CONSTRAINT `staff_assigned_clients_client_profile_id` FOREIGN KEY (`client_profile_id`) REFERENCES `clients` (`id`) ON DELETE CASCADE);

-- +goose Down
-- reverse: create "staff_assigned_clients" table
DROP TABLE `staff_assigned_clients`;
-- reverse: create index "stafftoken_organization_id" to table: "staff_tokens"
DROP INDEX `stafftoken_organization_id`;
-- reverse: create index "staff_tokens_token_hash_key" to table: "staff_tokens"
DROP INDEX `staff_tokens_token_hash_key`;
-- reverse: create "staff_tokens" table
DROP TABLE `staff_tokens`;
-- reverse: create index "staff_organization_id_email" to table: "staff"
DROP INDEX `staff_organization_id_email`;
-- reverse: create index "staff_organization_id" to table: "staff"
DROP INDEX `staff_organization_id`;
-- reverse: create "staff" table
DROP TABLE `staff`;
-- reverse: create index "organizations_slug_key" to table: "organizations"
DROP INDEX `organizations_slug_key`;
-- reverse: create "organizations" table
DROP TABLE `organizations`;
-- reverse: create index "coverage_organization_id" to table: "coverages"
DROP INDEX `coverage_organization_id`;
-- reverse: create "coverages" table
DROP TABLE `coverages`;
-- reverse: create index "contact_organization_id_phone" to table: "contacts"
DROP INDEX `contact_organization_id_phone`;
-- reverse: create index "contact_organization_id_email" to table: "contacts"
DROP INDEX `contact_organization_id_email`;
-- reverse: create index "contact_organization_id" to table: "contacts"
DROP INDEX `contact_organization_id`;
-- reverse: create "contacts" table
DROP TABLE `contacts`;
-- reverse: create index "clientprofile_organization_id_email" to table: "clients"
DROP INDEX `clientprofile_organization_id_email`;
-- reverse: create index "clientprofile_organization_id_last_name_first_name" to table: "clients"
DROP INDEX `clientprofile_organization_id_last_name_first_name`;
-- reverse: create index "clientprofile_organization_id" to table: "clients"
DROP INDEX `clientprofile_organization_id`;
-- reverse: create "clients" table
DROP TABLE `clients`;
-- reverse: create index "clientcontact_client_id_contact_id" to table: "client_contacts"
DROP INDEX `clientcontact_client_id_contact_id`;
-- reverse: create index "clientcontact_organization_id" to table: "client_contacts"
DROP INDEX `clientcontact_organization_id`;
-- reverse: create "client_contacts" table
DROP TABLE `client_contacts`;
-- reverse: create index "appointment_practitioner_id_starts_at" to table: "appointments"
DROP INDEX `appointment_practitioner_id_starts_at`;
-- reverse: create index "appointment_client_id_starts_at" to table: "appointments"
DROP INDEX `appointment_client_id_starts_at`;
-- reverse: create index "appointment_organization_id" to table: "appointments"
DROP INDEX `appointment_organization_id`;
-- reverse: create "appointments" table
DROP TABLE `appointments`;
