-- +goose Up
-- create "forms" table
CREATE TABLE "forms" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "title" character varying NOT NULL, "description" text NULL, "questions" jsonb NOT NULL, "signature_requested" boolean NOT NULL DEFAULT false, "status" character varying NOT NULL DEFAULT 'SENT', "answers" jsonb NULL, "signed_name" character varying NULL, "signed_at" timestamptz NULL, "submitted_at" timestamptz NULL, "submitted_by" character varying NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "contact_id" character varying NULL, "sent_by_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "forms_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "forms_contacts_contact" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "forms_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "forms_staff_sent_by" FOREIGN KEY ("sent_by_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- create index "form_client_id_created_at" to table: "forms"
CREATE INDEX "form_client_id_created_at" ON "forms" ("client_id", "created_at");
-- create index "form_organization_id" to table: "forms"
CREATE INDEX "form_organization_id" ON "forms" ("organization_id");
-- create "shared_documents" table
CREATE TABLE "shared_documents" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "title" character varying NOT NULL, "description" character varying NULL, "file_name" character varying NOT NULL, "content_type" character varying NULL, "size_bytes" bigint NULL, "url" character varying NOT NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "shared_by_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "shared_documents_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "shared_documents_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "shared_documents_staff_shared_by" FOREIGN KEY ("shared_by_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- create index "shareddocument_client_id_created_at" to table: "shared_documents"
CREATE INDEX "shareddocument_client_id_created_at" ON "shared_documents" ("client_id", "created_at");
-- create index "shareddocument_organization_id" to table: "shared_documents"
CREATE INDEX "shareddocument_organization_id" ON "shared_documents" ("organization_id");

-- +goose Down
-- reverse: create index "shareddocument_organization_id" to table: "shared_documents"
DROP INDEX "shareddocument_organization_id";
-- reverse: create index "shareddocument_client_id_created_at" to table: "shared_documents"
DROP INDEX "shareddocument_client_id_created_at";
-- reverse: create "shared_documents" table
DROP TABLE "shared_documents";
-- reverse: create index "form_organization_id" to table: "forms"
DROP INDEX "form_organization_id";
-- reverse: create index "form_client_id_created_at" to table: "forms"
DROP INDEX "form_client_id_created_at";
-- reverse: create "forms" table
DROP TABLE "forms";
