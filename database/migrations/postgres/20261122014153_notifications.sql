-- +goose Up
-- create "notifications" table
CREATE TABLE "notifications" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "recipient_name" character varying NOT NULL, "kind" character varying NOT NULL, "channel" character varying NOT NULL, "address" character varying NULL, "subject" character varying NULL, "html" text NULL, "text" text NULL, "status" character varying NOT NULL DEFAULT 'QUEUED', "reason" character varying NULL, "provider_id" character varying NULL, "attempts" bigint NOT NULL DEFAULT 0, "send_after" timestamptz NOT NULL, "sent_at" timestamptz NULL, "delivered_at" timestamptz NULL, "failed_at" timestamptz NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "appointment_id" character varying NULL, "contact_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "notifications_appointments_appointment" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "notifications_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "notifications_contacts_contact" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "notifications_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "notification_appointment_id" to table: "notifications"
CREATE INDEX "notification_appointment_id" ON "notifications" ("appointment_id");
-- create index "notification_client_id_created_at" to table: "notifications"
CREATE INDEX "notification_client_id_created_at" ON "notifications" ("client_id", "created_at");
-- create index "notification_organization_id" to table: "notifications"
CREATE INDEX "notification_organization_id" ON "notifications" ("organization_id");
-- create index "notification_status_send_after" to table: "notifications"
CREATE INDEX "notification_status_send_after" ON "notifications" ("status", "send_after");

-- +goose Down
-- reverse: create index "notification_status_send_after" to table: "notifications"
DROP INDEX "notification_status_send_after";
-- reverse: create index "notification_organization_id" to table: "notifications"
DROP INDEX "notification_organization_id";
-- reverse: create index "notification_client_id_created_at" to table: "notifications"
DROP INDEX "notification_client_id_created_at";
-- reverse: create index "notification_appointment_id" to table: "notifications"
DROP INDEX "notification_appointment_id";
-- reverse: create "notifications" table
DROP TABLE "notifications";
