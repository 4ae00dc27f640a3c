-- +goose Up
-- create "webhook_endpoints" table
CREATE TABLE "webhook_endpoints" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "url" character varying NOT NULL, "description" character varying NULL, "event_types" jsonb NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" character varying NULL, "disabled_at" timestamptz NULL, "secret" character varying NOT NULL, "previous_secret" character varying NULL, "previous_secret_expires_at" timestamptz NULL, "failing_since" timestamptz NULL, "created_by_id" character varying NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_endpoints_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "webhookendpoint_organization_id" to table: "webhook_endpoints"
CREATE INDEX "webhookendpoint_organization_id" ON "webhook_endpoints" ("organization_id");
-- create "webhook_events" table
CREATE TABLE "webhook_events" ("id" character varying NOT NULL, "type" character varying NOT NULL, "object_id" character varying NOT NULL, "payload" bytea NOT NULL, "created_at" timestamptz NOT NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_events_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "webhookevent_organization_id" to table: "webhook_events"
CREATE INDEX "webhookevent_organization_id" ON "webhook_events" ("organization_id");
-- create "webhook_deliveries" table
CREATE TABLE "webhook_deliveries" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "event_type" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'PENDING', "attempts" bigint NOT NULL DEFAULT 0, "response_code" bigint NULL, "response_ms" bigint NULL, "last_error" character varying NULL, "last_attempt_at" timestamptz NULL, "next_attempt_at" timestamptz NULL, "delivered_at" timestamptz NULL, "organization_id" character varying NOT NULL, "event_id" character varying NOT NULL, "endpoint_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_deliveries_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "webhook_deliveries_webhook_endpoints_endpoint" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "webhook_deliveries_webhook_events_event" FOREIGN KEY ("event_id") REFERENCES "webhook_events" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "webhookdelivery_endpoint_id_id" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_endpoint_id_id" ON "webhook_deliveries" ("endpoint_id", "id");
-- create index "webhookdelivery_organization_id" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_organization_id" ON "webhook_deliveries" ("organization_id");

-- +goose Down
-- reverse: create index "webhookdelivery_organization_id" to table: "webhook_deliveries"
DROP INDEX "webhookdelivery_organization_id";
-- reverse: create index "webhookdelivery_endpoint_id_id" to table: "webhook_deliveries"
DROP INDEX "webhookdelivery_endpoint_id_id";
-- reverse: create "webhook_deliveries" table
DROP TABLE "webhook_deliveries";
-- reverse: create index "webhookevent_organization_id" to table: "webhook_events"
DROP INDEX "webhookevent_organization_id";
-- reverse: create "webhook_events" table
DROP TABLE "webhook_events";
-- reverse: create index "webhookendpoint_organization_id" to table: "webhook_endpoints"
DROP INDEX "webhookendpoint_organization_id";
-- reverse: create "webhook_endpoints" table
DROP TABLE "webhook_endpoints";
