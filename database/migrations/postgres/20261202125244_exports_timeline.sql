-- +goose Up
-- create "appointment_changes" table
CREATE TABLE "appointment_changes" ("id" character varying NOT NULL, "action" character varying NOT NULL, "starts_at" timestamptz NOT NULL, "previous_starts_at" timestamptz NULL, "reason" character varying NULL, "actor" character varying NOT NULL, "created_at" timestamptz NOT NULL, "organization_id" character varying NOT NULL, "appointment_id" character varying NOT NULL, "client_id" character varying NOT NULL, "staff_id" character varying NULL, "contact_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "appointment_changes_appointments_appointment" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "appointment_changes_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "appointment_changes_contacts_contact" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "appointment_changes_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "appointment_changes_staff_staff" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- create index "appointmentchange_appointment_id" to table: "appointment_changes"
CREATE INDEX "appointmentchange_appointment_id" ON "appointment_changes" ("appointment_id");
-- create index "appointmentchange_client_id_created_at" to table: "appointment_changes"
CREATE INDEX "appointmentchange_client_id_created_at" ON "appointment_changes" ("client_id", "created_at");
-- create index "appointmentchange_organization_id" to table: "appointment_changes"
CREATE INDEX "appointmentchange_organization_id" ON "appointment_changes" ("organization_id");
-- create "export_records" table
CREATE TABLE "export_records" ("id" character varying NOT NULL, "kind" character varying NOT NULL, "parameters" character varying NULL, "row_count" bigint NOT NULL DEFAULT 0, "created_at" timestamptz NOT NULL, "completed_at" timestamptz NULL, "organization_id" character varying NOT NULL, "staff_id" character varying NOT NULL, "client_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "export_records_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "export_records_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "export_records_staff_staff" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "exportrecord_organization_id" to table: "export_records"
CREATE INDEX "exportrecord_organization_id" ON "export_records" ("organization_id");
-- create index "exportrecord_organization_id_created_at" to table: "export_records"
CREATE INDEX "exportrecord_organization_id_created_at" ON "export_records" ("organization_id", "created_at");

-- +goose Down
-- reverse: create index "exportrecord_organization_id_created_at" to table: "export_records"
DROP INDEX "exportrecord_organization_id_created_at";
-- reverse: create index "exportrecord_organization_id" to table: "export_records"
DROP INDEX "exportrecord_organization_id";
-- reverse: create "export_records" table
DROP TABLE "export_records";
-- reverse: create index "appointmentchange_organization_id" to table: "appointment_changes"
DROP INDEX "appointmentchange_organization_id";
-- reverse: create index "appointmentchange_client_id_created_at" to table: "appointment_changes"
DROP INDEX "appointmentchange_client_id_created_at";
-- reverse: create index "appointmentchange_appointment_id" to table: "appointment_changes"
DROP INDEX "appointmentchange_appointment_id";
-- reverse: create "appointment_changes" table
DROP TABLE "appointment_changes";
