-- +goose Up
-- modify "appointments" table
ALTER TABLE "appointments" ADD COLUMN "idempotency_key" character varying NULL, ADD COLUMN "booked_via" character varying NOT NULL DEFAULT 'STAFF';
-- create index "appointment_organization_id_idempotency_key" to table: "appointments"
CREATE UNIQUE INDEX "appointment_organization_id_idempotency_key" ON "appointments" ("organization_id", "idempotency_key");

-- +goose Down
-- reverse: create index "appointment_organization_id_idempotency_key" to table: "appointments"
DROP INDEX "appointment_organization_id_idempotency_key";
-- reverse: modify "appointments" table
ALTER TABLE "appointments" DROP COLUMN "booked_via", DROP COLUMN "idempotency_key";
