-- +goose Up
-- create "locations" table
CREATE TABLE "locations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "address" jsonb NULL, "time_zone" character varying NULL, "phone" character varying NULL, "active" boolean NOT NULL DEFAULT true, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "locations_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "location_organization_id" to table: "locations"
CREATE INDEX "location_organization_id" ON "locations" ("organization_id");
-- create index "location_organization_id_name" to table: "locations"
CREATE INDEX "location_organization_id_name" ON "locations" ("organization_id", "name");
-- modify "appointments" table
ALTER TABLE "appointments" ADD COLUMN "address_source" character varying NULL, ADD COLUMN "practice_location_id" character varying NULL, ADD COLUMN "held_at_contact_link_id" character varying NULL, ADD CONSTRAINT "appointments_client_contacts_held_at_contact_link" FOREIGN KEY ("held_at_contact_link_id") REFERENCES "client_contacts" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, ADD CONSTRAINT "appointments_locations_practice_location" FOREIGN KEY ("practice_location_id") REFERENCES "locations" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- modify "clients" table
ALTER TABLE "clients" ADD COLUMN "qualified" boolean NULL, ADD COLUMN "veteran_id" character varying NULL, ADD COLUMN "default_location_id" character varying NULL, ADD CONSTRAINT "clients_locations_default_location" FOREIGN KEY ("default_location_id") REFERENCES "locations" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- modify "services" table
ALTER TABLE "services" ADD COLUMN "practice_location_id" character varying NULL, ADD CONSTRAINT "services_locations_practice_location" FOREIGN KEY ("practice_location_id") REFERENCES "locations" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;

-- +goose Down
-- reverse: modify "services" table
ALTER TABLE "services" DROP CONSTRAINT "services_locations_practice_location", DROP COLUMN "practice_location_id";
-- reverse: modify "clients" table
ALTER TABLE "clients" DROP CONSTRAINT "clients_locations_default_location", DROP COLUMN "default_location_id", DROP COLUMN "veteran_id", DROP COLUMN "qualified";
-- reverse: modify "appointments" table
ALTER TABLE "appointments" DROP CONSTRAINT "appointments_locations_practice_location", DROP CONSTRAINT "appointments_client_contacts_held_at_contact_link", DROP COLUMN "held_at_contact_link_id", DROP COLUMN "practice_location_id", DROP COLUMN "address_source";
-- reverse: create index "location_organization_id_name" to table: "locations"
DROP INDEX "location_organization_id_name";
-- reverse: create index "location_organization_id" to table: "locations"
DROP INDEX "location_organization_id";
-- reverse: create "locations" table
DROP TABLE "locations";
