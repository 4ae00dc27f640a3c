-- +goose Up
-- drop index "appointment_practitioner_id_starts_at" from table: "appointments"
DROP INDEX "appointment_practitioner_id_starts_at";
-- create index "appointment_practitioner_id_schedule" to table: "appointments"
CREATE INDEX "appointment_practitioner_id_schedule" ON "appointments" ("practitioner_id", "starts_at", "ends_at", "status", "organization_id");

-- +goose Down
-- reverse: create index "appointment_practitioner_id_schedule" to table: "appointments"
DROP INDEX "appointment_practitioner_id_schedule";
-- reverse: drop index "appointment_practitioner_id_starts_at" from table: "appointments"
CREATE INDEX "appointment_practitioner_id_starts_at" ON "appointments" ("practitioner_id", "starts_at");
