-- +goose Up
-- An organisation's term (换届): its length in years, the last election and
-- the end of the term it sets (kept for the list of those due).
ALTER TABLE orgs ADD COLUMN term_years INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN elected_on DATE;
ALTER TABLE orgs ADD COLUMN term_ends_on DATE;
CREATE INDEX orgs_term_ends ON orgs (term_ends_on) WHERE term_ends_on IS NOT NULL;
-- The initials of a name's pinyin, by which pickers find an organisation
-- (NULL until computed: rows older than this column are filled at start).
ALTER TABLE orgs ADD COLUMN name_initials {{ctext}};
CREATE INDEX orgs_initials ON orgs (name_initials);

-- +goose Down
DROP INDEX orgs_initials;
ALTER TABLE orgs DROP COLUMN name_initials;
DROP INDEX orgs_term_ends;
ALTER TABLE orgs DROP COLUMN term_ends_on;
ALTER TABLE orgs DROP COLUMN elected_on;
ALTER TABLE orgs DROP COLUMN term_years;
