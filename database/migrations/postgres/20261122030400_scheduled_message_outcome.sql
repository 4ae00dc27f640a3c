-- +goose Up
-- modify "scheduled_messages" table
ALTER TABLE "scheduled_messages" ADD COLUMN "reason" character varying NULL, ADD COLUMN "sent_at" timestamptz NULL;
-- create index "scheduledmessage_appointment_id_status" to table: "scheduled_messages"
CREATE INDEX "scheduledmessage_appointment_id_status" ON "scheduled_messages" ("appointment_id", "status");
-- create index "scheduledmessage_client_id_created_at" to table: "scheduled_messages"
CREATE INDEX "scheduledmessage_client_id_created_at" ON "scheduled_messages" ("client_id", "created_at");

-- +goose Down
-- reverse: create index "scheduledmessage_client_id_created_at" to table: "scheduled_messages"
DROP INDEX "scheduledmessage_client_id_created_at";
-- reverse: create index "scheduledmessage_appointment_id_status" to table: "scheduled_messages"
DROP INDEX "scheduledmessage_appointment_id_status";
-- reverse: modify "scheduled_messages" table
ALTER TABLE "scheduled_messages" DROP COLUMN "sent_at", DROP COLUMN "reason";
