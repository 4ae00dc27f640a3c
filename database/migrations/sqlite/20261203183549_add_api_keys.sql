-- +goose Up
-- create "api_keys" table
CREATE TABLE `api_keys` (`id` text NOT NULL, `name` text NOT NULL, `role` text NOT NULL, `secret_hash` blob NOT NULL, `prefix` text NOT NULL, `created_by_id` text NULL, `created_at` datetime NOT NULL, `last_used_at` datetime NULL, `revoked_at` datetime NULL, `organization_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `api_keys_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- create index "api_keys_secret_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX `api_keys_secret_hash_key` ON `api_keys` (`secret_hash`);
-- create index "apikey_organization_id" to table: "api_keys"
CREATE INDEX `apikey_organization_id` ON `api_keys` (`organization_id`);

-- +goose Down
-- reverse: create index "apikey_organization_id" to table: "api_keys"
DROP INDEX `apikey_organization_id`;
-- reverse: create index "api_keys_secret_hash_key" to table: "api_keys"
DROP INDEX `api_keys_secret_hash_key`;
-- reverse: create "api_keys" table
DROP TABLE `api_keys`;
