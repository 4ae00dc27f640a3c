-- +goose Up
-- modify "organizations" table
ALTER TABLE "organizations" ADD COLUMN "phone" character varying NULL, ADD COLUMN "email" character varying NULL, ADD COLUMN "reminder_lead_minutes" jsonb NULL, ADD COLUMN "quiet_hours_start" character varying NOT NULL DEFAULT '21:00', ADD COLUMN "quiet_hours_end" character varying NOT NULL DEFAULT '08:00', ADD COLUMN "sms_help_reply" text NULL;
-- create "email_suppressions" table
CREATE TABLE "email_suppressions" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "email" character varying NOT NULL, "reason" character varying NOT NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "email_suppressions_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "emailsuppression_organization_id" to table: "email_suppressions"
CREATE INDEX "emailsuppression_organization_id" ON "email_suppressions" ("organization_id");
-- create index "emailsuppression_organization_id_email" to table: "email_suppressions"
CREATE UNIQUE INDEX "emailsuppression_organization_id_email" ON "email_suppressions" ("organization_id", "email");
-- create "phone_opt_outs" table
CREATE TABLE "phone_opt_outs" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "phone" character varying NOT NULL, "keyword" character varying NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "phone_opt_outs_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "phoneoptout_organization_id" to table: "phone_opt_outs"
CREATE INDEX "phoneoptout_organization_id" ON "phone_opt_outs" ("organization_id");
-- create index "phoneoptout_organization_id_phone" to table: "phone_opt_outs"
CREATE UNIQUE INDEX "phoneoptout_organization_id_phone" ON "phone_opt_outs" ("organization_id", "phone");
-- create "scheduled_messages" table
CREATE TABLE "scheduled_messages" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "subject" character varying NULL, "body" text NOT NULL, "send_at" timestamptz NULL, "minutes_before_start" bigint NULL, "status" character varying NOT NULL DEFAULT 'PENDING', "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "appointment_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "scheduled_messages_appointments_appointment" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "scheduled_messages_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "scheduled_messages_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "scheduledmessage_organization_id" to table: "scheduled_messages"
CREATE INDEX "scheduledmessage_organization_id" ON "scheduled_messages" ("organization_id");

-- +goose Down
-- reverse: create index "scheduledmessage_organization_id" to table: "scheduled_messages"
DROP INDEX "scheduledmessage_organization_id";
-- reverse: create "scheduled_messages" table
DROP TABLE "scheduled_messages";
-- reverse: create index "phoneoptout_organization_id_phone" to table: "phone_opt_outs"
DROP INDEX "phoneoptout_organization_id_phone";
-- reverse: create index "phoneoptout_organization_id" to table: "phone_opt_outs"
DROP INDEX "phoneoptout_organization_id";
-- reverse: create "phone_opt_outs" table
DROP TABLE "phone_opt_outs";
-- reverse: create index "emailsuppression_organization_id_email" to table: "email_suppressions"
DROP INDEX "emailsuppression_organization_id_email";
-- reverse: create index "emailsuppression_organization_id" to table: "email_suppressions"
DROP INDEX "emailsuppression_organization_id";
-- reverse: create "email_suppressions" table
DROP TABLE "email_suppressions";
-- reverse: modify "organizations" table
ALTER TABLE "organizations" DROP COLUMN "sms_help_reply", DROP COLUMN "quiet_hours_end", DROP COLUMN "quiet_hours_start", DROP COLUMN "reminder_lead_minutes", DROP COLUMN "email", DROP COLUMN "phone";
