-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_clients" table
CREATE TABLE `new_clients` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `first_name` text NOT NULL, `last_name` text NOT NULL, `preferred_name` text NULL, `pronouns` text NULL, `salutation` text NULL, `date_of_birth` text NULL, `sex_assigned_at_birth` text NULL, `language` text NULL, `time_zone` text NULL, `email` text NULL, `email_consent` bool NOT NULL DEFAULT (true), `mobile_phone` text NULL, `sms_consent` bool NOT NULL DEFAULT (false), `mobile_is_primary` bool NOT NULL DEFAULT (true), `voice_consent` bool NOT NULL DEFAULT (false), `other_phones` json NULL, `address` json NULL, `preferred_contact_method` text NOT NULL DEFAULT ('EMAIL'), `status` text NOT NULL DEFAULT ('ACTIVE'), `tags` json NULL, `alert` text NULL, `notes` text NULL, `referring_provider` text NULL, `notify_reminders` bool NOT NULL DEFAULT (true), `notify_confirmations` bool NOT NULL DEFAULT (true), `notify_scheduled` bool NOT NULL DEFAULT (true), `portal_status` text NOT NULL DEFAULT ('NONE'), `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `clients_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- copy rows from old table "clients" to new temporary table "new_clients"
INSERT INTO `new_clients` (`id`, `created_at`, `updated_at`, `first_name`, `last_name`, `preferred_name`, `pronouns`, `salutation`, `date_of_birth`, `sex_assigned_at_birth`, `language`, `time_zone`, `email`, `email_consent`, `mobile_phone`, `sms_consent`, `mobile_is_primary`, `voice_consent`, `other_phones`, `address`, `preferred_contact_method`, `status`, `tags`, `alert`, `notes`, `referring_provider`, `notify_reminders`, `notify_confirmations`, `notify_scheduled`, `organization_id`) SELECT `id`, `created_at`, `updated_at`, `first_name`, `last_name`, `preferred_name`, `pronouns`, `salutation`, `date_of_birth`, `sex_assigned_at_birth`, `language`, `time_zone`, `email`, `email_consent`, `mobile_phone`, `sms_consent`, `mobile_is_primary`, `voice_consent`, `other_phones`, `address`, `preferred_contact_method`, `status`, `tags`, `alert`, `notes`, `referring_provider`, `notify_reminders`, `notify_confirmations`, `notify_scheduled`, `organization_id` FROM `clients`;
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
-- create "portal_invitations" table
CREATE TABLE `portal_invitations` (`id` text NOT NULL, `client_id` text NOT NULL, `link_id` text NULL, `email` text NOT NULL, `token_hash` blob NOT NULL, `invited_by` text NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `claimed_at` datetime NULL, `voided_at` datetime NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `portal_invitations_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "portal_invitations_token_hash_key" to table: "portal_invitations"
CREATE UNIQUE INDEX `portal_invitations_token_hash_key` ON `portal_invitations` (`token_hash`);
-- create index "portalinvitation_organization_id" to table: "portal_invitations"
CREATE INDEX `portalinvitation_organization_id` ON `portal_invitations` (`organization_id`);
-- create index "portalinvitation_client_id_link_id" to table: "portal_invitations"
CREATE INDEX `portalinvitation_client_id_link_id` ON `portal_invitations` (`client_id`, `link_id`);
-- create "portal_sessions" table
CREATE TABLE `portal_sessions` (`id` text NOT NULL, `email` text NOT NULL, `token_hash` blob NOT NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `revoked_at` datetime NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `portal_sessions_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "portal_sessions_token_hash_key" to table: "portal_sessions"
CREATE UNIQUE INDEX `portal_sessions_token_hash_key` ON `portal_sessions` (`token_hash`);
-- create index "portalsession_organization_id" to table: "portal_sessions"
CREATE INDEX `portalsession_organization_id` ON `portal_sessions` (`organization_id`);
-- create "sign_in_codes" table
CREATE TABLE `sign_in_codes` (`id` text NOT NULL, `email` text NOT NULL, `code_hash` blob NOT NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `failed_attempts` integer NOT NULL DEFAULT (0), `used_at` datetime NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `sign_in_codes_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "signincode_organization_id" to table: "sign_in_codes"
CREATE INDEX `signincode_organization_id` ON `sign_in_codes` (`organization_id`);
-- create index "signincode_organization_id_email_created_at" to table: "sign_in_codes"
CREATE INDEX `signincode_organization_id_email_created_at` ON `sign_in_codes` (`organization_id`, `email`, `created_at`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "signincode_organization_id_email_created_at" to table: "sign_in_codes"
DROP INDEX `signincode_organization_id_email_created_at`;
-- reverse: create index "signincode_organization_id" to table: "sign_in_codes"
DROP INDEX `signincode_organization_id`;
-- reverse: create "sign_in_codes" table
DROP TABLE `sign_in_codes`;
-- reverse: create index "portalsession_organization_id" to table: "portal_sessions"
DROP INDEX `portalsession_organization_id`;
-- reverse: create index "portal_sessions_token_hash_key" to table: "portal_sessions"
DROP INDEX `portal_sessions_token_hash_key`;
-- reverse: create "portal_sessions" table
DROP TABLE `portal_sessions`;
-- reverse: create index "portalinvitation_client_id_link_id" to table: "portal_invitations"
DROP INDEX `portalinvitation_client_id_link_id`;
-- reverse: create index "portalinvitation_organization_id" to table: "portal_invitations"
DROP INDEX `portalinvitation_organization_id`;
-- reverse: create index "portal_invitations_token_hash_key" to table: "portal_invitations"
DROP INDEX `portal_invitations_token_hash_key`;
-- reverse: create "portal_invitations" table
DROP TABLE `portal_invitations`;
-- reverse: create index "clientprofile_organization_id_email" to table: "clients"
DROP INDEX `clientprofile_organization_id_email`;
-- reverse: create index "clientprofile_organization_id_last_name_first_name" to table: "clients"
DROP INDEX `clientprofile_organization_id_last_name_first_name`;
-- reverse: create index "clientprofile_organization_id" to table: "clients"
DROP INDEX `clientprofile_organization_id`;
-- reverse: create "new_clients" table
DROP TABLE `new_clients`;
