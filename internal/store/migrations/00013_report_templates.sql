-- +goose Up
-- The sentences a work summary is drafted from, as an office rewrote them
-- for its organisation and those below it (the built-in ones otherwise).
CREATE TABLE report_templates (
    org_id     {{int}} NOT NULL REFERENCES orgs(id),
    key        TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    updated_by {{int}} REFERENCES users(id),
    updated_at {{time}} NOT NULL,
    PRIMARY KEY (org_id, key)
);

-- +goose Down
DROP TABLE report_templates;
