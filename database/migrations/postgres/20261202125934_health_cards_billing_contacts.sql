-- +goose Up
-- modify "invoices" table
ALTER TABLE "invoices" ADD COLUMN "billing_contact_id" character varying NULL, ADD COLUMN "billed_to" jsonb NULL;
-- modify "coverages" table
ALTER TABLE "coverages" ADD COLUMN "health_card_validated_at" timestamptz NULL, ADD COLUMN "health_card_validated_by" character varying NULL, ADD COLUMN "health_card_status" character varying NULL, ADD COLUMN "health_card_note" character varying NULL, ADD COLUMN "billing_contact_id" character varying NULL, ADD CONSTRAINT "coverages_client_contacts_billing_contact" FOREIGN KEY ("billing_contact_id") REFERENCES "client_contacts" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;

-- +goose Down
-- reverse: modify "coverages" table
ALTER TABLE "coverages" DROP CONSTRAINT "coverages_client_contacts_billing_contact", DROP COLUMN "billing_contact_id", DROP COLUMN "health_card_note", DROP COLUMN "health_card_status", DROP COLUMN "health_card_validated_by", DROP COLUMN "health_card_validated_at";
-- reverse: modify "invoices" table
ALTER TABLE "invoices" DROP COLUMN "billed_to", DROP COLUMN "billing_contact_id";
