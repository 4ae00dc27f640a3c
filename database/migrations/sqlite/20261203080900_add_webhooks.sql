-- +goose Up
-- create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `event_type` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `response_code` integer NULL, `response_ms` integer NULL, `last_error` text NULL, `last_attempt_at` datetime NULL, `next_attempt_at` datetime NULL, `delivered_at` datetime NULL, `organization_id` text NOT NULL, `event_id` text NOT NULL, `endpoint_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `webhook_deliveries_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `webhook_deliveries_webhook_events_event` FOREIGN KEY (`event_id`) REFERENCES `webhook_events` (`id`) ON DELETE NO ACTION, CONSTRAINT `webhook_deliveries_webhook_endpoints_endpoint` FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints` (`id`) ON DELETE CASCADE);
-- create index "webhookdelivery_organization_id" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_organization_id` ON `webhook_deliveries` (`organization_id`);
-- create index "webhookdelivery_endpoint_id_id" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_endpoint_id_id` ON `webhook_deliveries` (`endpoint_id`, `id`);
-- create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `url` text NOT NULL, `description` text NULL, `event_types` json NOT NULL, `enabled` bool NOT NULL DEFAULT (true), `disabled_reason` text NULL, `disabled_at` datetime NULL, `secret` text NOT NULL, `previous_secret` text NULL, `previous_secret_expires_at` datetime NULL, `failing_since` datetime NULL, `created_by_id` text NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `webhook_endpoints_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "webhookendpoint_organization_id" to table: "webhook_endpoints"
CREATE INDEX `webhookendpoint_organization_id` ON `webhook_endpoints` (`organization_id`);
-- create "webhook_events" table
CREATE TABLE `webhook_events` (`id` text NOT NULL, `type` text NOT NULL, `object_id` text NOT NULL, `payload` blob NOT NULL, `created_at` datetime NOT NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `webhook_events_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "webhookevent_organization_id" to table: "webhook_events"
CREATE INDEX `webhookevent_organization_id` ON `webhook_events` (`organization_id`);

-- +goose Down
-- reverse: create index "webhookevent_organization_id" to table: "webhook_events"
DROP INDEX `webhookevent_organization_id`;
-- reverse: create "webhook_events" table
DROP TABLE `webhook_events`;
-- reverse: create index "webhookendpoint_organization_id" to table: "webhook_endpoints"
DROP INDEX `webhookendpoint_organization_id`;
-- reverse: create "webhook_endpoints" table
DROP TABLE `webhook_endpoints`;
-- reverse: create index "webhookdelivery_endpoint_id_id" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_endpoint_id_id`;
-- reverse: create index "webhookdelivery_organization_id" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_organization_id`;
-- reverse: create "webhook_deliveries" table
DROP TABLE `webhook_deliveries`;
