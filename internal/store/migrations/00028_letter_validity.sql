-- +goose Up
-- What the paper 介绍信 carries besides the two sides: valid_days is its 有效期 in days (0 for
-- a letter issued before it was kept), dues_paid_to the month the member's dues are paid to
-- (党费交到, "2026-05"; '' when not written).
ALTER TABLE transfers ADD COLUMN valid_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN dues_paid_to TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE transfers DROP COLUMN dues_paid_to;
ALTER TABLE transfers DROP COLUMN valid_days;
