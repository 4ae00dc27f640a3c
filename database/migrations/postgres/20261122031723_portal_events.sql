-- +goose Up
-- create "portal_events" table
CREATE TABLE "portal_events" ("id" character varying NOT NULL, "email" character varying NOT NULL, "action" character varying NOT NULL, "detail" character varying NULL, "subject_id" character varying NULL, "created_at" timestamptz NOT NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "contact_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "portal_events_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "portal_events_contacts_contact" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "portal_events_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "portalevent_client_id_created_at" to table: "portal_events"
CREATE INDEX "portalevent_client_id_created_at" ON "portal_events" ("client_id", "created_at");
-- create index "portalevent_organization_id" to table: "portal_events"
CREATE INDEX "portalevent_organization_id" ON "portal_events" ("organization_id");

-- +goose Down
-- reverse: create index "portalevent_organization_id" to table: "portal_events"
DROP INDEX "portalevent_organization_id";
-- reverse: create index "portalevent_client_id_created_at" to table: "portal_events"
DROP INDEX "portalevent_client_id_created_at";
-- reverse: create "portal_events" table
DROP TABLE "portal_events";
