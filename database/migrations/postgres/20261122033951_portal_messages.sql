-- +goose Up
-- create "portal_messages" table
CREATE TABLE "portal_messages" ("id" character varying NOT NULL, "contact_id" character varying NULL, "direction" character varying NOT NULL, "body" text NOT NULL, "author_email" character varying NULL, "read_at" timestamptz NULL, "created_at" timestamptz NOT NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "staff_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "portal_messages_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "portal_messages_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "portal_messages_staff_author" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- create index "portalmessage_client_id_contact_id_created_at" to table: "portal_messages"
CREATE INDEX "portalmessage_client_id_contact_id_created_at" ON "portal_messages" ("client_id", "contact_id", "created_at");
-- create index "portalmessage_organization_id" to table: "portal_messages"
CREATE INDEX "portalmessage_organization_id" ON "portal_messages" ("organization_id");

-- +goose Down
-- reverse: create index "portalmessage_organization_id" to table: "portal_messages"
DROP INDEX "portalmessage_organization_id";
-- reverse: create index "portalmessage_client_id_contact_id_created_at" to table: "portal_messages"
DROP INDEX "portalmessage_client_id_contact_id_created_at";
-- reverse: create "portal_messages" table
DROP TABLE "portal_messages";
