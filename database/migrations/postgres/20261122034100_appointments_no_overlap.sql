-- Written by hand (Atlas does not model exclusion constraints): two booked
-- or confirmed appointments of one practitioner never overlap, whoever books
-- them and however many at once. Back-to-back ranges ([start, end)) do not
-- overlap.
-- +goose Up
-- Creating the extension is serialised: concurrent migrations of several
-- schemas of one database would otherwise race on it.
SELECT pg_advisory_xact_lock(7061721);
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_no_overlap"
  EXCLUDE USING gist ("practitioner_id" public.gist_text_ops WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('BOOKED', 'CONFIRMED'));

-- +goose Down
ALTER TABLE "appointments" DROP CONSTRAINT "appointments_no_overlap";
