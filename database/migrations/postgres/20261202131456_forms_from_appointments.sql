-- +goose Up
-- modify "organizations" table
ALTER TABLE "organizations" ADD COLUMN "portal_invite_on_create" boolean NOT NULL DEFAULT false, ADD COLUMN "form_reminder_delay_hours" bigint NOT NULL DEFAULT 72;
-- modify "forms" table
ALTER TABLE "forms" ADD COLUMN "withdrawn_at" timestamptz NULL, ADD COLUMN "reminder_sent_at" timestamptz NULL, ADD COLUMN "appointment_id" character varying NULL, ADD CONSTRAINT "forms_appointments_appointment" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "form_appointment_id" to table: "forms"
CREATE INDEX "form_appointment_id" ON "forms" ("appointment_id");
-- modify "notifications" table
ALTER TABLE "notifications" ADD COLUMN "form_id" character varying NULL, ADD CONSTRAINT "notifications_forms_form" FOREIGN KEY ("form_id") REFERENCES "forms" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "notification_form_id" to table: "notifications"
CREATE INDEX "notification_form_id" ON "notifications" ("form_id");

-- +goose Down
-- reverse: create index "notification_form_id" to table: "notifications"
DROP INDEX "notification_form_id";
-- reverse: modify "notifications" table
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_forms_form", DROP COLUMN "form_id";
-- reverse: create index "form_appointment_id" to table: "forms"
DROP INDEX "form_appointment_id";
-- reverse: modify "forms" table
ALTER TABLE "forms" DROP CONSTRAINT "forms_appointments_appointment", DROP COLUMN "appointment_id", DROP COLUMN "reminder_sent_at", DROP COLUMN "withdrawn_at";
-- reverse: modify "organizations" table
ALTER TABLE "organizations" DROP COLUMN "form_reminder_delay_hours", DROP COLUMN "portal_invite_on_create";
