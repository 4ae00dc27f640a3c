-- +goose Up
-- modify "notifications" table
ALTER TABLE "notifications" ADD COLUMN "scheduled_message_id" character varying NULL, ADD CONSTRAINT "notifications_scheduled_messages_scheduled_message" FOREIGN KEY ("scheduled_message_id") REFERENCES "scheduled_messages" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;

-- +goose Down
-- reverse: modify "notifications" table
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_scheduled_messages_scheduled_message", DROP COLUMN "scheduled_message_id";
