-- +goose Up
-- create "invoices" table
CREATE TABLE "invoices" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "number" character varying NOT NULL, "lines" jsonb NOT NULL, "total_cents" bigint NOT NULL, "currency" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'OPEN', "due_date" character varying NULL, "issued_by_id" character varying NULL, "paid_at" timestamptz NULL, "voided_at" timestamptz NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "invoices_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "invoices_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "invoice_client_id_created_at" to table: "invoices"
CREATE INDEX "invoice_client_id_created_at" ON "invoices" ("client_id", "created_at");
-- create index "invoice_organization_id" to table: "invoices"
CREATE INDEX "invoice_organization_id" ON "invoices" ("organization_id");
-- create index "invoice_organization_id_number" to table: "invoices"
CREATE UNIQUE INDEX "invoice_organization_id_number" ON "invoices" ("organization_id", "number");
-- create "payments" table
CREATE TABLE "payments" ("id" character varying NOT NULL, "amount_cents" bigint NOT NULL, "currency" character varying NOT NULL, "status" character varying NOT NULL, "failure_reason" character varying NULL, "provider_id" character varying NULL, "card_brand" character varying NULL, "card_last4" character varying NULL, "paid_by" character varying NOT NULL, "contact_id" character varying NULL, "idempotency_key" character varying NOT NULL, "created_at" timestamptz NOT NULL, "organization_id" character varying NOT NULL, "invoice_id" character varying NOT NULL, "client_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "payments_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "payments_invoices_invoice" FOREIGN KEY ("invoice_id") REFERENCES "invoices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "payments_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "payment_client_id_created_at" to table: "payments"
CREATE INDEX "payment_client_id_created_at" ON "payments" ("client_id", "created_at");
-- create index "payment_invoice_id_created_at" to table: "payments"
CREATE INDEX "payment_invoice_id_created_at" ON "payments" ("invoice_id", "created_at");
-- create index "payment_organization_id" to table: "payments"
CREATE INDEX "payment_organization_id" ON "payments" ("organization_id");
-- create index "payment_organization_id_idempotency_key" to table: "payments"
CREATE UNIQUE INDEX "payment_organization_id_idempotency_key" ON "payments" ("organization_id", "idempotency_key");
-- create "saved_cards" table
CREATE TABLE "saved_cards" ("id" character varying NOT NULL, "contact_id" character varying NULL, "added_by" character varying NOT NULL, "provider_token" character varying NOT NULL, "brand" character varying NOT NULL, "last4" character varying NOT NULL, "exp_month" bigint NOT NULL, "exp_year" bigint NOT NULL, "created_at" timestamptz NOT NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "saved_cards_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "saved_cards_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "savedcard_client_id_created_at" to table: "saved_cards"
CREATE INDEX "savedcard_client_id_created_at" ON "saved_cards" ("client_id", "created_at");
-- create index "savedcard_organization_id" to table: "saved_cards"
CREATE INDEX "savedcard_organization_id" ON "saved_cards" ("organization_id");

-- +goose Down
-- reverse: create index "savedcard_organization_id" to table: "saved_cards"
DROP INDEX "savedcard_organization_id";
-- reverse: create index "savedcard_client_id_created_at" to table: "saved_cards"
DROP INDEX "savedcard_client_id_created_at";
-- reverse: create "saved_cards" table
DROP TABLE "saved_cards";
-- reverse: create index "payment_organization_id_idempotency_key" to table: "payments"
DROP INDEX "payment_organization_id_idempotency_key";
-- reverse: create index "payment_organization_id" to table: "payments"
DROP INDEX "payment_organization_id";
-- reverse: create index "payment_invoice_id_created_at" to table: "payments"
DROP INDEX "payment_invoice_id_created_at";
-- reverse: create index "payment_client_id_created_at" to table: "payments"
DROP INDEX "payment_client_id_created_at";
-- reverse: create "payments" table
DROP TABLE "payments";
-- reverse: create index "invoice_organization_id_number" to table: "invoices"
DROP INDEX "invoice_organization_id_number";
-- reverse: create index "invoice_organization_id" to table: "invoices"
DROP INDEX "invoice_organization_id";
-- reverse: create index "invoice_client_id_created_at" to table: "invoices"
DROP INDEX "invoice_client_id_created_at";
-- reverse: create "invoices" table
DROP TABLE "invoices";
