-- Written by hand: two booked or confirmed appointments of one practitioner
-- never overlap. SQLite runs write transactions one at a time, so these
-- triggers check and write atomically. Times are stored in UTC in one text
-- format, which sorts as time does. Back-to-back appointments do not
-- overlap.
-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER `appointments_no_overlap_insert` BEFORE INSERT ON `appointments`
WHEN NEW.`status` IN ('BOOKED', 'CONFIRMED') AND EXISTS (
  SELECT 1 FROM `appointments` AS a
  WHERE a.`practitioner_id` = NEW.`practitioner_id` AND a.`status` IN ('BOOKED', 'CONFIRMED')
    AND a.`starts_at` < NEW.`ends_at` AND a.`ends_at` > NEW.`starts_at`)
BEGIN
  SELECT RAISE(ABORT, 'kith: appointment overlaps another of the practitioner');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `appointments_no_overlap_update` BEFORE UPDATE OF `practitioner_id`, `starts_at`, `ends_at`, `status` ON `appointments`
WHEN NEW.`status` IN ('BOOKED', 'CONFIRMED') AND EXISTS (
  SELECT 1 FROM `appointments` AS a
  WHERE a.`id` <> NEW.`id` AND a.`practitioner_id` = NEW.`practitioner_id` AND a.`status` IN ('BOOKED', 'CONFIRMED')
    AND a.`starts_at` < NEW.`ends_at` AND a.`ends_at` > NEW.`starts_at`)
BEGIN
  SELECT RAISE(ABORT, 'kith: appointment overlaps another of the practitioner');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER `appointments_no_overlap_update`;
DROP TRIGGER `appointments_no_overlap_insert`;
