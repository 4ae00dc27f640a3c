-- +goose Up
-- create "invoices" table
CREATE TABLE `invoices` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `number` text NOT NULL, `lines` json NOT NULL, `total_cents` integer NOT NULL, `currency` text NOT NULL, `status` text NOT NULL DEFAULT ('OPEN'), `due_date` text NULL, `issued_by_id` text NULL, `paid_at` datetime NULL, `voided_at` datetime NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `invoices_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `invoices_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION);
-- create index "invoice_organization_id" to table: "invoices"
CREATE INDEX `invoice_organization_id` ON `invoices` (`organization_id`);
-- create index "invoice_organization_id_number" to table: "invoices"
CREATE UNIQUE INDEX `invoice_organization_id_number` ON `invoices` (`organization_id`, `number`);
-- create index "invoice_client_id_created_at" to table: "invoices"
CREATE INDEX `invoice_client_id_created_at` ON `invoices` (`client_id`, `created_at`);
-- create "payments" table
CREATE TABLE `payments` (`id` text NOT NULL, `amount_cents` integer NOT NULL, `currency` text NOT NULL, `status` text NOT NULL, `failure_reason` text NULL, `provider_id` text NULL, `card_brand` text NULL, `card_last4` text NULL, `paid_by` text NOT NULL, `contact_id` text NULL, `idempotency_key` text NOT NULL, `created_at` datetime NOT NULL, `organization_id` text NOT NULL, `invoice_id` text NOT NULL, `client_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `payments_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `payments_invoices_invoice` FOREIGN KEY (`invoice_id`) REFERENCES `invoices` (`id`) ON DELETE NO ACTION, CONSTRAINT `payments_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION);
-- create index "payment_organization_id" to table: "payments"
CREATE INDEX `payment_organization_id` ON `payments` (`organization_id`);
-- create index "payment_organization_id_idempotency_key" to table: "payments"
CREATE UNIQUE INDEX `payment_organization_id_idempotency_key` ON `payments` (`organization_id`, `idempotency_key`);
-- create index "payment_invoice_id_created_at" to table: "payments"
CREATE INDEX `payment_invoice_id_created_at` ON `payments` (`invoice_id`, `created_at`);
-- create index "payment_client_id_created_at" to table: "payments"
CREATE INDEX `payment_client_id_created_at` ON `payments` (`client_id`, `created_at`);
-- create "saved_cards" table
CREATE TABLE `saved_cards` (`id` text NOT NULL, `contact_id` text NULL, `added_by` text NOT NULL, `provider_token` text NOT NULL, `brand` text NOT NULL, `last4` text NOT NULL, `exp_month` integer NOT NULL, `exp_year` integer NOT NULL, `created_at` datetime NOT NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `saved_cards_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `saved_cards_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION);
-- create index "savedcard_organization_id" to table: "saved_cards"
CREATE INDEX `savedcard_organization_id` ON `saved_cards` (`organization_id`);
-- create index "savedcard_client_id_created_at" to table: "saved_cards"
CREATE INDEX `savedcard_client_id_created_at` ON `saved_cards` (`client_id`, `created_at`);

-- +goose Down
-- reverse: create index "savedcard_client_id_created_at" to table: "saved_cards"
DROP INDEX `savedcard_client_id_created_at`;
-- reverse: create index "savedcard_organization_id" to table: "saved_cards"
DROP INDEX `savedcard_organization_id`;
-- reverse: create "saved_cards" table
DROP TABLE `saved_cards`;
-- reverse: create index "payment_client_id_created_at" to table: "payments"
DROP INDEX `payment_client_id_created_at`;
-- reverse: create index "payment_invoice_id_created_at" to table: "payments"
DROP INDEX `payment_invoice_id_created_at`;
-- reverse: create index "payment_organization_id_idempotency_key" to table: "payments"
DROP INDEX `payment_organization_id_idempotency_key`;
-- reverse: create index "payment_organization_id" to table: "payments"
DROP INDEX `payment_organization_id`;
-- reverse: create "payments" table
DROP TABLE `payments`;
-- reverse: create index "invoice_client_id_created_at" to table: "invoices"
DROP INDEX `invoice_client_id_created_at`;
-- reverse: create index "invoice_organization_id_number" to table: "invoices"
DROP INDEX `invoice_organization_id_number`;
-- reverse: create index "invoice_organization_id" to table: "invoices"
DROP INDEX `invoice_organization_id`;
-- reverse: create "invoices" table
DROP TABLE `invoices`;
