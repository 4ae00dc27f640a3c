-- +goose Up
-- create "organizations" table
CREATE TABLE "organizations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "slug" character varying NOT NULL, "time_zone" character varying NOT NULL DEFAULT 'UTC', "default_language" character varying NOT NULL DEFAULT 'en', "default_phone_region" character varying NOT NULL DEFAULT 'US', PRIMARY KEY ("id"));
-- create index "organizations_slug_key" to table: "organizations"
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations" ("slug");
-- create "clients" table
CREATE TABLE "clients" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "first_name" character varying NOT NULL, "last_name" character varying NOT NULL, "preferred_name" character varying NULL, "pronouns" character varying NULL, "salutation" character varying NULL, "date_of_birth" character varying NULL, "sex_assigned_at_birth" character varying NULL, "language" character varying NULL, "time_zone" character varying NULL, "email" character varying NULL, "email_consent" boolean NOT NULL DEFAULT true, "mobile_phone" character varying NULL, "sms_consent" boolean NOT NULL DEFAULT false, "mobile_is_primary" boolean NOT NULL DEFAULT true, "voice_consent" boolean NOT NULL DEFAULT false, "other_phones" jsonb NULL, "address" jsonb NULL, "preferred_contact_method" character varying NOT NULL DEFAULT 'EMAIL', "status" character varying NOT NULL DEFAULT 'ACTIVE', "tags" jsonb NULL, "alert" character varying NULL, "notes" text NULL, "referring_provider" character varying NULL, "notify_reminders" boolean NOT NULL DEFAULT true, "notify_confirmations" boolean NOT NULL DEFAULT true, "notify_scheduled" boolean NOT NULL DEFAULT true, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "clients_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "clientprofile_organization_id" to table: "clients"
CREATE INDEX "clientprofile_organization_id" ON "clients" ("organization_id");
-- create index "clientprofile_organization_id_email" to table: "clients"
CREATE INDEX "clientprofile_organization_id_email" ON "clients" ("organization_id", "email");
-- create index "clientprofile_organization_id_last_name_first_name" to table: "clients"
CREATE INDEX "clientprofile_organization_id_last_name_first_name" ON "clients" ("organization_id", "last_name", "first_name");
-- create "staff" table
CREATE TABLE "staff" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "email" character varying NOT NULL, "role" character varying NOT NULL DEFAULT 'PRACTITIONER', "password_hash" character varying NULL, "active" boolean NOT NULL DEFAULT true, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "staff_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "staff_organization_id" to table: "staff"
CREATE INDEX "staff_organization_id" ON "staff" ("organization_id");
-- create index "staff_organization_id_email" to table: "staff"
CREATE UNIQUE INDEX "staff_organization_id_email" ON "staff" ("organization_id", "email");
-- create "appointments" table
CREATE TABLE "appointments" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "starts_at" timestamptz NOT NULL, "ends_at" timestamptz NOT NULL, "time_zone" character varying NOT NULL, "location" character varying NULL, "telehealth_url" character varying NULL, "status" character varying NOT NULL DEFAULT 'BOOKED', "cancellation_reason" character varying NULL, "cancelled_at" timestamptz NULL, "notes" text NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "practitioner_id" character varying NOT NULL, "created_by_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "appointments_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "appointments_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "appointments_staff_created_by" FOREIGN KEY ("created_by_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "appointments_staff_practitioner" FOREIGN KEY ("practitioner_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "appointment_client_id_starts_at" to table: "appointments"
CREATE INDEX "appointment_client_id_starts_at" ON "appointments" ("client_id", "starts_at");
-- create index "appointment_organization_id" to table: "appointments"
CREATE INDEX "appointment_organization_id" ON "appointments" ("organization_id");
-- create index "appointment_practitioner_id_starts_at" to table: "appointments"
CREATE INDEX "appointment_practitioner_id_starts_at" ON "appointments" ("practitioner_id", "starts_at");
-- create "contacts" table
CREATE TABLE "contacts" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "first_name" character varying NOT NULL, "last_name" character varying NULL, "email" character varying NULL, "phone" character varying NULL, "organization_reference" character varying NULL, "address" jsonb NULL, "notes" text NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "contacts_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "contact_organization_id" to table: "contacts"
CREATE INDEX "contact_organization_id" ON "contacts" ("organization_id");
-- create index "contact_organization_id_email" to table: "contacts"
CREATE INDEX "contact_organization_id_email" ON "contacts" ("organization_id", "email");
-- create index "contact_organization_id_phone" to table: "contacts"
CREATE INDEX "contact_organization_id_phone" ON "contacts" ("organization_id", "phone");
-- create "client_contacts" table
CREATE TABLE "client_contacts" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "relationship" character varying NOT NULL DEFAULT 'OTHER', "relationship_label" character varying NULL, "contact_types" jsonb NULL, "notify_reminders" boolean NOT NULL DEFAULT false, "notify_confirmations" boolean NOT NULL DEFAULT false, "notify_scheduled" boolean NOT NULL DEFAULT false, "can_manage_appointments" boolean NOT NULL DEFAULT false, "portal_scopes" jsonb NULL, "portal_status" character varying NOT NULL DEFAULT 'NONE', "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, "contact_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "client_contacts_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "client_contacts_contacts_contact" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "client_contacts_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "clientcontact_client_id_contact_id" to table: "client_contacts"
CREATE UNIQUE INDEX "clientcontact_client_id_contact_id" ON "client_contacts" ("client_id", "contact_id");
-- create index "clientcontact_organization_id" to table: "client_contacts"
CREATE INDEX "clientcontact_organization_id" ON "client_contacts" ("organization_id");
-- create "coverages" table
CREATE TABLE "coverages" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "region" character varying NULL, "health_card_number" character varying NULL, "health_card_version" character varying NULL, "fee_program" character varying NULL, "fee_program_number" character varying NULL, "billing_authorization_number" character varying NULL, "case_number" character varying NULL, "number_of_sessions" bigint NULL, "billing_notes" text NULL, "organization_id" character varying NOT NULL, "client_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "coverages_clients_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "coverages_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "coverage_organization_id" to table: "coverages"
CREATE INDEX "coverage_organization_id" ON "coverages" ("organization_id");
-- create "staff_assigned_clients" table
CREATE TABLE "staff_assigned_clients" ("staff_id" character varying NOT NULL, "client_profile_id" character varying NOT NULL, PRIMARY KEY ("staff_id", "client_profile_id"), CONSTRAINT "staff_assigned_clients_client_profile_id" FOREIGN KEY ("client_profile_id") REFERENCES "clients" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "staff_assigned_clients_staff_id" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- create "staff_tokens" table
CREATE TABLE "staff_tokens" ("id" character varying NOT NULL, "token_hash" bytea NOT NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "revoked_at" timestamptz NULL, "organization_id" character varying NOT NULL, "staff_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "staff_tokens_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "staff_tokens_staff_staff" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "staff_tokens_token_hash_key" to table: "staff_tokens"
CREATE UNIQUE INDEX "staff_tokens_token_hash_key" ON "staff_tokens" ("token_hash");
-- create index "stafftoken_organization_id" to table: "staff_tokens"
CREATE INDEX "stafftoken_organization_id" ON "staff_tokens" ("organization_id");

-- +goose Down
-- reverse: create index "stafftoken_organization_id" to table: "staff_tokens"
DROP INDEX "stafftoken_organization_id";
-- reverse: create index "staff_tokens_token_hash_key" to table: "staff_tokens"
DROP INDEX "staff_tokens_token_hash_key";
-- reverse: create "staff_tokens" table
DROP TABLE "staff_tokens";
-- reverse: create "staff_assigned_clients" table
DROP TABLE "staff_assigned_clients";
-- reverse: create index "coverage_organization_id" to table: "coverages"
DROP INDEX "coverage_organization_id";
-- reverse: create "coverages" table
DROP TABLE "coverages";
-- reverse: create index "clientcontact_organization_id" to table: "client_contacts"
DROP INDEX "clientcontact_organization_id";
-- reverse: create index "clientcontact_client_id_contact_id" to table: "client_contacts"
DROP INDEX "clientcontact_client_id_contact_id";
-- reverse: create "client_contacts" table
DROP TABLE "client_contacts";
-- reverse: create index "contact_organization_id_phone" to table: "contacts"
DROP INDEX "contact_organization_id_phone";
-- reverse: create index "contact_organization_id_email" to table: "contacts"
DROP INDEX "contact_organization_id_email";
-- reverse: create index "contact_organization_id" to table: "contacts"
DROP INDEX "contact_organization_id";
-- reverse: create "contacts" table
DROP TABLE "contacts";
-- reverse: create index "appointment_practitioner_id_starts_at" to table: "appointments"
DROP INDEX "appointment_practitioner_id_starts_at";
-- reverse: create index "appointment_organization_id" to table: "appointments"
DROP INDEX "appointment_organization_id";
-- reverse: create index "appointment_client_id_starts_at" to table: "appointments"
DROP INDEX "appointment_client_id_starts_at";
-- reverse: create "appointments" table
DROP TABLE "appointments";
-- reverse: create index "staff_organization_id_email" to table: "staff"
DROP INDEX "staff_organization_id_email";
-- reverse: create index "staff_organization_id" to table: "staff"
DROP INDEX "staff_organization_id";
-- reverse: create "staff" table
DROP TABLE "staff";
-- reverse: create index "clientprofile_organization_id_last_name_first_name" to table: "clients"
DROP INDEX "clientprofile_organization_id_last_name_first_name";
-- reverse: create index "clientprofile_organization_id_email" to table: "clients"
DROP INDEX "clientprofile_organization_id_email";
-- reverse: create index "clientprofile_organization_id" to table: "clients"
DROP INDEX "clientprofile_organization_id";
-- reverse: create "clients" table
DROP TABLE "clients";
-- reverse: create index "organizations_slug_key" to table: "organizations"
DROP INDEX "organizations_slug_key";
-- reverse: create "organizations" table
DROP TABLE "organizations";
