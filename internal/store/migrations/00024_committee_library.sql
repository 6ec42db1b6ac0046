-- +goose Up
-- A committee's document in the library (its work summary published): no
-- organisation (org_id 0, empty path, province 0), the committee named.
ALTER TABLE library_docs ADD COLUMN committee_id {{int}};

-- +goose Down
ALTER TABLE library_docs DROP COLUMN committee_id;
