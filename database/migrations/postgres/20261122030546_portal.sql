-- +goose Up
-- modify "clients" table
ALTER TABLE "clients" ADD COLUMN "portal_status" character varying NOT NULL DEFAULT 'NONE';
-- create "portal_invitations" table
CREATE TABLE "portal_invitations" ("id" character varying NOT NULL, "client_id" character varying NOT NULL, "link_id" character varying NULL, "email" character varying NOT NULL, "token_hash" bytea NOT NULL, "invited_by" character varying NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "claimed_at" timestamptz NULL, "voided_at" timestamptz NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "portal_invitations_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "portal_invitations_token_hash_key" to table: "portal_invitations"
CREATE UNIQUE INDEX "portal_invitations_token_hash_key" ON "portal_invitations" ("token_hash");
-- create index "portalinvitation_client_id_link_id" to table: "portal_invitations"
CREATE INDEX "portalinvitation_client_id_link_id" ON "portal_invitations" ("client_id", "link_id");
-- create index "portalinvitation_organization_id" to table: "portal_invitations"
CREATE INDEX "portalinvitation_organization_id" ON "portal_invitations" ("organization_id");
-- create "portal_sessions" table
CREATE TABLE "portal_sessions" ("id" character varying NOT NULL, "email" character varying NOT NULL, "token_hash" bytea NOT NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "revoked_at" timestamptz NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "portal_sessions_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "portal_sessions_token_hash_key" to table: "portal_sessions"
CREATE UNIQUE INDEX "portal_sessions_token_hash_key" ON "portal_sessions" ("token_hash");
-- create index "portalsession_organization_id" to table: "portal_sessions"
CREATE INDEX "portalsession_organization_id" ON "portal_sessions" ("organization_id");
-- create "sign_in_codes" table
CREATE TABLE "sign_in_codes" ("id" character varying NOT NULL, "email" character varying NOT NULL, "code_hash" bytea NOT NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "failed_attempts" bigint NOT NULL DEFAULT 0, "used_at" timestamptz NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "sign_in_codes_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "signincode_organization_id" to table: "sign_in_codes"
CREATE INDEX "signincode_organization_id" ON "sign_in_codes" ("organization_id");
-- create index "signincode_organization_id_email_created_at" to table: "sign_in_codes"
CREATE INDEX "signincode_organization_id_email_created_at" ON "sign_in_codes" ("organization_id", "email", "created_at");

-- +goose Down
-- reverse: create index "signincode_organization_id_email_created_at" to table: "sign_in_codes"
DROP INDEX "signincode_organization_id_email_created_at";
-- reverse: create index "signincode_organization_id" to table: "sign_in_codes"
DROP INDEX "signincode_organization_id";
-- reverse: create "sign_in_codes" table
DROP TABLE "sign_in_codes";
-- reverse: create index "portalsession_organization_id" to table: "portal_sessions"
DROP INDEX "portalsession_organization_id";
-- reverse: create index "portal_sessions_token_hash_key" to table: "portal_sessions"
DROP INDEX "portal_sessions_token_hash_key";
-- reverse: create "portal_sessions" table
DROP TABLE "portal_sessions";
-- reverse: create index "portalinvitation_organization_id" to table: "portal_invitations"
DROP INDEX "portalinvitation_organization_id";
-- reverse: create index "portalinvitation_client_id_link_id" to table: "portal_invitations"
DROP INDEX "portalinvitation_client_id_link_id";
-- reverse: create index "portal_invitations_token_hash_key" to table: "portal_invitations"
DROP INDEX "portal_invitations_token_hash_key";
-- reverse: create "portal_invitations" table
DROP TABLE "portal_invitations";
-- reverse: modify "clients" table
ALTER TABLE "clients" DROP COLUMN "portal_status";
