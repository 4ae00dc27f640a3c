-- +goose Up
-- create index "appointment_organization_id_starts_at" to table: "appointments"
CREATE INDEX `appointment_organization_id_starts_at` ON `appointments` (`organization_id`, `starts_at`);

-- +goose Down
-- reverse: create index "appointment_organization_id_starts_at" to table: "appointments"
DROP INDEX `appointment_organization_id_starts_at`;
