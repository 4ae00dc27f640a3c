-- +goose Up
-- modify "organizations" table
ALTER TABLE "organizations" ADD COLUMN "booking_min_notice_minutes" bigint NOT NULL DEFAULT 120, ADD COLUMN "booking_max_advance_days" bigint NOT NULL DEFAULT 60, ADD COLUMN "cancel_min_notice_minutes" bigint NOT NULL DEFAULT 1440, ADD COLUMN "reschedule_min_notice_minutes" bigint NOT NULL DEFAULT 1440, ADD COLUMN "slot_interval_minutes" bigint NOT NULL DEFAULT 15, ADD COLUMN "buffer_before_minutes" bigint NOT NULL DEFAULT 0, ADD COLUMN "buffer_after_minutes" bigint NOT NULL DEFAULT 0, ADD COLUMN "require_cancellation_reason" boolean NOT NULL DEFAULT false, ADD COLUMN "widget_allowed_origins" jsonb NULL;
-- create "services" table
CREATE TABLE "services" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "description" text NULL, "duration_minutes" bigint NOT NULL, "price_cents" bigint NULL, "currency" character varying NULL, "bookable_online" boolean NOT NULL DEFAULT false, "mode" character varying NOT NULL DEFAULT 'IN_PERSON', "location" character varying NULL, "archived_at" timestamptz NULL, "booking_min_notice_minutes" bigint NULL, "booking_max_advance_days" bigint NULL, "cancel_min_notice_minutes" bigint NULL, "reschedule_min_notice_minutes" bigint NULL, "slot_interval_minutes" bigint NULL, "buffer_before_minutes" bigint NULL, "buffer_after_minutes" bigint NULL, "require_cancellation_reason" boolean NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "services_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "service_organization_id" to table: "services"
CREATE INDEX "service_organization_id" ON "services" ("organization_id");
-- create index "service_organization_id_name" to table: "services"
CREATE INDEX "service_organization_id_name" ON "services" ("organization_id", "name");
-- modify "appointments" table
ALTER TABLE "appointments" ADD COLUMN "service_id" character varying NULL, ADD CONSTRAINT "appointments_services_service" FOREIGN KEY ("service_id") REFERENCES "services" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- modify "staff" table
ALTER TABLE "staff" ADD COLUMN "time_zone" character varying NULL;
-- create "schedule_exceptions" table
CREATE TABLE "schedule_exceptions" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "kind" character varying NOT NULL, "starts_at" timestamptz NULL, "ends_at" timestamptz NULL, "date" character varying NULL, "start" character varying NULL, "end" character varying NULL, "note" character varying NULL, "organization_id" character varying NOT NULL, "staff_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "schedule_exceptions_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "schedule_exceptions_staff_staff" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "scheduleexception_organization_id" to table: "schedule_exceptions"
CREATE INDEX "scheduleexception_organization_id" ON "schedule_exceptions" ("organization_id");
-- create index "scheduleexception_staff_id_date" to table: "schedule_exceptions"
CREATE INDEX "scheduleexception_staff_id_date" ON "schedule_exceptions" ("staff_id", "date");
-- create index "scheduleexception_staff_id_starts_at" to table: "schedule_exceptions"
CREATE INDEX "scheduleexception_staff_id_starts_at" ON "schedule_exceptions" ("staff_id", "starts_at");
-- create "service_practitioners" table
CREATE TABLE "service_practitioners" ("id" character varying NOT NULL, "organization_id" character varying NOT NULL, "service_id" character varying NOT NULL, "staff_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "service_practitioners_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "service_practitioners_services_service" FOREIGN KEY ("service_id") REFERENCES "services" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "service_practitioners_staff_staff" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "servicepractitioner_organization_id" to table: "service_practitioners"
CREATE INDEX "servicepractitioner_organization_id" ON "service_practitioners" ("organization_id");
-- create index "servicepractitioner_service_id_staff_id" to table: "service_practitioners"
CREATE UNIQUE INDEX "servicepractitioner_service_id_staff_id" ON "service_practitioners" ("service_id", "staff_id");
-- create index "servicepractitioner_staff_id" to table: "service_practitioners"
CREATE INDEX "servicepractitioner_staff_id" ON "service_practitioners" ("staff_id");
-- create "working_hours" table
CREATE TABLE "working_hours" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "weekday" bigint NOT NULL, "start" character varying NOT NULL, "end" character varying NOT NULL, "organization_id" character varying NOT NULL, "staff_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "working_hours_organizations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "working_hours_staff_staff" FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- create index "workinghours_organization_id" to table: "working_hours"
CREATE INDEX "workinghours_organization_id" ON "working_hours" ("organization_id");
-- create index "workinghours_staff_id_weekday" to table: "working_hours"
CREATE INDEX "workinghours_staff_id_weekday" ON "working_hours" ("staff_id", "weekday");

-- +goose Down
-- reverse: create index "workinghours_staff_id_weekday" to table: "working_hours"
DROP INDEX "workinghours_staff_id_weekday";
-- reverse: create index "workinghours_organization_id" to table: "working_hours"
DROP INDEX "workinghours_organization_id";
-- reverse: create "working_hours" table
DROP TABLE "working_hours";
-- reverse: create index "servicepractitioner_staff_id" to table: "service_practitioners"
DROP INDEX "servicepractitioner_staff_id";
-- reverse: create index "servicepractitioner_service_id_staff_id" to table: "service_practitioners"
DROP INDEX "servicepractitioner_service_id_staff_id";
-- reverse: create index "servicepractitioner_organization_id" to table: "service_practitioners"
DROP INDEX "servicepractitioner_organization_id";
-- reverse: create "service_practitioners" table
DROP TABLE "service_practitioners";
-- reverse: create index "scheduleexception_staff_id_starts_at" to table: "schedule_exceptions"
DROP INDEX "scheduleexception_staff_id_starts_at";
-- reverse: create index "scheduleexception_staff_id_date" to table: "schedule_exceptions"
DROP INDEX "scheduleexception_staff_id_date";
-- reverse: create index "scheduleexception_organization_id" to table: "schedule_exceptions"
DROP INDEX "scheduleexception_organization_id";
-- reverse: create "schedule_exceptions" table
DROP TABLE "schedule_exceptions";
-- reverse: modify "staff" table
ALTER TABLE "staff" DROP COLUMN "time_zone";
-- reverse: modify "appointments" table
ALTER TABLE "appointments" DROP CONSTRAINT "appointments_services_service", DROP COLUMN "service_id";
-- reverse: create index "service_organization_id_name" to table: "services"
DROP INDEX "service_organization_id_name";
-- reverse: create index "service_organization_id" to table: "services"
DROP INDEX "service_organization_id";
-- reverse: create "services" table
DROP TABLE "services";
-- reverse: modify "organizations" table
ALTER TABLE "organizations" DROP COLUMN "widget_allowed_origins", DROP COLUMN "require_cancellation_reason", DROP COLUMN "buffer_after_minutes", DROP COLUMN "buffer_before_minutes", DROP COLUMN "slot_interval_minutes", DROP COLUMN "reschedule_min_notice_minutes", DROP COLUMN "cancel_min_notice_minutes", DROP COLUMN "booking_max_advance_days", DROP COLUMN "booking_min_notice_minutes";
