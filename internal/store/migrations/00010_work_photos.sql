-- +goose Up
-- Generated from internal/work/kinds.go by `go test ./internal/work -run TestMigrations -update`.
ALTER TABLE visits ADD COLUMN photo {{int}} REFERENCES attachments(id);
ALTER TABLE pairing_items ADD COLUMN evidence {{int}} REFERENCES attachments(id);
ALTER TABLE activities ADD COLUMN photo {{int}} REFERENCES attachments(id);

-- +goose Down
ALTER TABLE visits DROP COLUMN photo;
ALTER TABLE pairing_items DROP COLUMN evidence;
ALTER TABLE activities DROP COLUMN photo;
