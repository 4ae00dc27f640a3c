-- +goose Up
-- create "message_templates" table
CREATE TABLE "message_templates" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "kind" character varying NOT NULL, "channel" character varying NOT NULL, "language" character varying NOT NULL, "subject" character varying NULL, "html" text NULL, "text" text NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "message_templates_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "messagetemplate_organization_id" to table: "message_templates"
CREATE INDEX "messagetemplate_organization_id" ON "message_templates" ("organization_id");
-- create index "messagetemplate_organization_id_kind_channel_language" to table: "message_templates"
CREATE UNIQUE INDEX "messagetemplate_organization_id_kind_channel_language" ON "message_templates" ("organization_id", "kind", "channel", "language");

-- +goose Down
-- reverse: create index "messagetemplate_organization_id_kind_channel_language" to table: "message_templates"
DROP INDEX "messagetemplate_organization_id_kind_channel_language";
-- reverse: create index "messagetemplate_organization_id" to table: "message_templates"
DROP INDEX "messagetemplate_organization_id";
-- reverse: create "message_templates" table
DROP TABLE "message_templates";
