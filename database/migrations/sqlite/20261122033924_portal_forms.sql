-- +goose Up
-- create "forms" table
CREATE TABLE `forms` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `description` text NULL, `questions` json NOT NULL, `signature_requested` bool NOT NULL DEFAULT (false), `status` text NOT NULL DEFAULT ('SENT'), `answers` json NULL, `signed_name` text NULL, `signed_at` datetime NULL, `submitted_at` datetime NULL, `submitted_by` text NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `contact_id` text NULL, `sent_by_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `forms_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `forms_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `forms_contacts_contact` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE SET NULL, CONSTRAINT `forms_staff_sent_by` FOREIGN KEY (`sent_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL);
-- create index "form_organization_id" to table: "forms"
CREATE INDEX `form_organization_id` ON `forms` (`organization_id`);
-- create index "form_client_id_created_at" to table: "forms"
CREATE INDEX `form_client_id_created_at` ON `forms` (`client_id`, `created_at`);
-- create "shared_documents" table
CREATE TABLE `shared_documents` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `description` text NULL, `file_name` text NOT NULL, `content_type` text NULL, `size_bytes` integer NULL, `url` text NOT NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `shared_by_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `shared_documents_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `shared_documents_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `shared_documents_staff_shared_by` FOREIGN KEY (`shared_by_id`) REFERENCES `staff` (`id`) ON DELETE SET NULL);
-- create index "shareddocument_organization_id" to table: "shared_documents"
CREATE INDEX `shareddocument_organization_id` ON `shared_documents` (`organization_id`);
-- create index "shareddocument_client_id_created_at" to table: "shared_documents"
CREATE INDEX `shareddocument_client_id_created_at` ON `shared_documents` (`client_id`, `created_at`);

-- +goose Down
-- reverse: create index "shareddocument_client_id_created_at" to table: "shared_documents"
DROP INDEX `shareddocument_client_id_created_at`;
-- reverse: create index "shareddocument_organization_id" to table: "shared_documents"
DROP INDEX `shareddocument_organization_id`;
-- reverse: create "shared_documents" table
DROP TABLE `shared_documents`;
-- reverse: create index "form_client_id_created_at" to table: "forms"
DROP INDEX `form_client_id_created_at`;
-- reverse: create index "form_organization_id" to table: "forms"
DROP INDEX `form_organization_id`;
-- reverse: create "forms" table
DROP TABLE `forms`;
