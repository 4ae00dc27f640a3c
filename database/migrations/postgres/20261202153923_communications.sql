-- +goose Up
-- modify "organizations" table
ALTER TABLE "organizations" ADD COLUMN "call_auto_close_hours" bigint NOT NULL DEFAULT 24;
-- modify "staff" table
ALTER TABLE "staff" ADD COLUMN "phone" character varying NULL;
-- create "mailboxes" table
CREATE TABLE "mailboxes" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "address" character varying NOT NULL, "host" character varying NOT NULL, "port" bigint NOT NULL DEFAULT 993, "security" character varying NOT NULL DEFAULT 'TLS', "username" character varying NOT NULL, "secret" bytea NOT NULL, "inbox_folder" character varying NOT NULL DEFAULT 'INBOX', "sent_folder" character varying NULL, "cursors" jsonb NULL, "active" boolean NOT NULL DEFAULT true, "last_import_at" timestamptz NULL, "last_error" character varying NULL, "last_error_at" timestamptz NULL, "organization_id" character varying NOT NULL, "connected_by_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "mailboxes_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "mailboxes_staff_connected_by" FOREIGN KEY ("connected_by_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- create index "mailbox_organization_id" to table: "mailboxes"
CREATE INDEX "mailbox_organization_id" ON "mailboxes" ("organization_id");
-- create index "mailbox_organization_id_address" to table: "mailboxes"
CREATE UNIQUE INDEX "mailbox_organization_id_address" ON "mailboxes" ("organization_id", "address");
-- create "communications" table
CREATE TABLE "communications" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "kind" character varying NOT NULL, "direction" character varying NOT NULL, "status" character varying NULL, "source" character varying NOT NULL, "provider_id" character varying NULL, "occurred_at" timestamptz NOT NULL, "from_address" character varying NULL, "to_addresses" jsonb NULL, "cc_addresses" jsonb NULL, "title" character varying NULL, "description" text NULL, "subject" character varying NULL, "text_body" text NULL, "html_body" text NULL, "attachments" jsonb NULL, "message_id" character varying NULL, "in_reply_to" character varying NULL, "references" jsonb NULL, "thread_key" character varying NULL, "started_at" timestamptz NULL, "answered_at" timestamptz NULL, "ended_at" timestamptz NULL, "duration_seconds" bigint NULL, "outcome" character varying NULL, "recording_url" character varying NULL, "provider_status" character varying NULL, "platform" character varying NULL, "closed_at" timestamptz NULL, "closed_automatically" boolean NOT NULL DEFAULT false, "organization_id" character varying NOT NULL, "mailbox_id" character varying NULL, "logged_by_id" character varying NULL, "closed_by_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "communications_mailboxes_mailbox" FOREIGN KEY ("mailbox_id") REFERENCES "mailboxes" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "communications_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "communications_staff_closed_by" FOREIGN KEY ("closed_by_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "communications_staff_logged_by" FOREIGN KEY ("logged_by_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- create index "communication_organization_id" to table: "communications"
CREATE INDEX "communication_organization_id" ON "communications" ("organization_id");
-- create index "communication_organization_id_occurred_at" to table: "communications"
CREATE INDEX "communication_organization_id_occurred_at" ON "communications" ("organization_id", "occurred_at");
-- create index "communication_organization_id_provider_id" to table: "communications"
CREATE UNIQUE INDEX "communication_organization_id_provider_id" ON "communications" ("organization_id", "provider_id");
-- create index "communication_organization_id_thread_key" to table: "communications"
CREATE INDEX "communication_organization_id_thread_key" ON "communications" ("organization_id", "thread_key");
-- create index "communication_status_ended_at" to table: "communications"
CREATE INDEX "communication_status_ended_at" ON "communications" ("status", "ended_at");
-- create "communication_parties" table
CREATE TABLE "communication_parties" ("id" character varying NOT NULL, "candidate" boolean NOT NULL DEFAULT false, "matched_by" character varying NOT NULL, "address" character varying NULL, "occurred_at" timestamptz NOT NULL, "created_at" timestamptz NOT NULL, "organization_id" character varying NOT NULL, "communication_id" character varying NOT NULL, "client_id" character varying NULL, "contact_id" character varying NULL, "staff_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "communication_parties_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "communication_parties_communications_communication" FOREIGN KEY ("communication_id") REFERENCES "communications" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "communication_parties_contacts_contact" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "communication_parties_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "communication_parties_staff_staff" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- create index "communicationparty_client_id_occurred_at" to table: "communication_parties"
CREATE INDEX "communicationparty_client_id_occurred_at" ON "communication_parties" ("client_id", "occurred_at");
-- create index "communicationparty_communication_id" to table: "communication_parties"
CREATE INDEX "communicationparty_communication_id" ON "communication_parties" ("communication_id");
-- create index "communicationparty_contact_id" to table: "communication_parties"
CREATE INDEX "communicationparty_contact_id" ON "communication_parties" ("contact_id");
-- create index "communicationparty_organization_id" to table: "communication_parties"
CREATE INDEX "communicationparty_organization_id" ON "communication_parties" ("organization_id");
-- create index "communicationparty_staff_id_occurred_at" to table: "communication_parties"
CREATE INDEX "communicationparty_staff_id_occurred_at" ON "communication_parties" ("staff_id", "occurred_at");

-- +goose Down
-- reverse: create index "communicationparty_staff_id_occurred_at" to table: "communication_parties"
DROP INDEX "communicationparty_staff_id_occurred_at";
-- reverse: create index "communicationparty_organization_id" to table: "communication_parties"
DROP INDEX "communicationparty_organization_id";
-- reverse: create index "communicationparty_contact_id" to table: "communication_parties"
DROP INDEX "communicationparty_contact_id";
-- reverse: create index "communicationparty_communication_id" to table: "communication_parties"
DROP INDEX "communicationparty_communication_id";
-- reverse: create index "communicationparty_client_id_occurred_at" to table: "communication_parties"
DROP INDEX "communicationparty_client_id_occurred_at";
-- reverse: create "communication_parties" table
DROP TABLE "communication_parties";
-- reverse: create index "communication_status_ended_at" to table: "communications"
DROP INDEX "communication_status_ended_at";
-- reverse: create index "communication_organization_id_thread_key" to table: "communications"
DROP INDEX "communication_organization_id_thread_key";
-- reverse: create index "communication_organization_id_provider_id" to table: "communications"
DROP INDEX "communication_organization_id_provider_id";
-- reverse: create index "communication_organization_id_occurred_at" to table: "communications"
DROP INDEX "communication_organization_id_occurred_at";
-- reverse: create index "communication_organization_id" to table: "communications"
DROP INDEX "communication_organization_id";
-- reverse: create "communications" table
DROP TABLE "communications";
-- reverse: create index "mailbox_organization_id_address" to table: "mailboxes"
DROP INDEX "mailbox_organization_id_address";
-- reverse: create index "mailbox_organization_id" to table: "mailboxes"
DROP INDEX "mailbox_organization_id";
-- reverse: create "mailboxes" table
DROP TABLE "mailboxes";
-- reverse: modify "staff" table
ALTER TABLE "staff" DROP COLUMN "phone";
-- reverse: modify "organizations" table
ALTER TABLE "organizations" DROP COLUMN "call_auto_close_hours";
