-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_coverages" table
CREATE TABLE `new_coverages` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `region` text NULL, `health_card_number` text NULL, `health_card_version` text NULL, `health_card_validated_at` datetime NULL, `health_card_validated_by` text NULL, `health_card_status` text NULL, `health_card_note` text NULL, `fee_program` text NULL, `fee_program_number` text NULL, `billing_authorization_number` text NULL, `case_number` text NULL, `number_of_sessions` integer NULL, `billing_notes` text NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `billing_contact_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `coverages_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `coverages_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `coverages_client_contacts_billing_contact` FOREIGN KEY (`billing_contact_id`) REFERENCES `client_contacts` (`id`) ON DELETE SET NULL);
-- copy rows from old table "coverages" to new temporary table "new_coverages"
INSERT INTO `new_coverages` (`id`, `created_at`, `updated_at`, `region`, `health_card_number`, `health_card_version`, `fee_program`, `fee_program_number`, `billing_authorization_number`, `case_number`, `number_of_sessions`, `billing_notes`, `organization_id`, `client_id`) SELECT `id`, `created_at`, `updated_at`, `region`, `health_card_number`, `health_card_version`, `fee_program`, `fee_program_number`, `billing_authorization_number`, `case_number`, `number_of_sessions`, `billing_notes`, `organization_id`, `client_id` FROM `coverages`;
-- drop "coverages" table after copying rows
DROP TABLE `coverages`;
-- rename temporary table "new_coverages" to "coverages"
ALTER TABLE `new_coverages` RENAME TO `coverages`;
-- create index "coverage_organization_id" to table: "coverages"
CREATE INDEX `coverage_organization_id` ON `coverages` (`organization_id`);
-- add column "billing_contact_id" to table: "invoices"
ALTER TABLE `invoices` ADD COLUMN `billing_contact_id` text NULL;
-- add column "billed_to" to table: "invoices"
ALTER TABLE `invoices` ADD COLUMN `billed_to` json NULL;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: add column "billed_to" to table: "invoices"
ALTER TABLE `invoices` DROP COLUMN `billed_to`;
-- reverse: add column "billing_contact_id" to table: "invoices"
ALTER TABLE `invoices` DROP COLUMN `billing_contact_id`;
-- reverse: create index "coverage_organization_id" to table: "coverages"
DROP INDEX `coverage_organization_id`;
-- reverse: create "new_coverages" table
DROP TABLE `new_coverages`;
