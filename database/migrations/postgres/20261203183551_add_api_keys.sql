-- +goose Up
-- create "api_keys" table
CREATE TABLE "api_keys" ("id" character varying NOT NULL, "name" character varying NOT NULL, "role" character varying NOT NULL, "secret_hash" bytea NOT NULL, "prefix" character varying NOT NULL, "created_by_id" character varying NULL, "created_at" timestamptz NOT NULL, "last_used_at" timestamptz NULL, "revoked_at" timestamptz NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "api_keys_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "api_keys_secret_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys" ("secret_hash");
-- create index "apikey_organization_id" to table: "api_keys"
CREATE INDEX "apikey_organization_id" ON "api_keys" ("organization_id");

-- +goose Down
-- reverse: create index "apikey_organization_id" to table: "api_keys"
DROP INDEX "apikey_organization_id";
-- reverse: create index "api_keys_secret_hash_key" to table: "api_keys"
DROP INDEX "api_keys_secret_hash_key";
-- reverse: create "api_keys" table
DROP TABLE "api_keys";
