-- +goose Up
-- create "portal_events" table
CREATE TABLE `portal_events` (`id` text NOT NULL, `email` text NOT NULL, `action` text NOT NULL, `detail` text NULL, `subject_id` text NULL, `created_at` datetime NOT NULL, `organization_id` text NOT NULL, `client_id` text NOT NULL, `contact_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `portal_events_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `portal_events_clients_client` FOREIGN KEY (`client_id`) REFERENCES `clients` (`id`) ON DELETE NO ACTION, CONSTRAINT `portal_events_contacts_contact` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE SET NULL);
-- create index "portalevent_organization_id" to table: "portal_events"
CREATE INDEX `portalevent_organization_id` ON `portal_events` (`organization_id`);
-- create index "portalevent_client_id_created_at" to table: "portal_events"
CREATE INDEX `portalevent_client_id_created_at` ON `portal_events` (`client_id`, `created_at`);

-- +goose Down
-- reverse: create index "portalevent_client_id_created_at" to table: "portal_events"
DROP INDEX `portalevent_client_id_created_at`;
-- reverse: create index "portalevent_organization_id" to table: "portal_events"
DROP INDEX `portalevent_organization_id`;
-- reverse: create "portal_events" table
DROP TABLE `portal_events`;
