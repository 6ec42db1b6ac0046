-- +goose Up
-- The documents of a committee's meeting or activity (会议材料: the agenda, the minutes as
-- signed, the speeches), and the 《政协简报》: a numbered series per committee and year,
-- like the 专刊, an issue optionally reporting one meeting or activity.
CREATE TABLE cppcc_activity_files (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    activity_id  {{int}} NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         {{int}} NOT NULL,
    sha256       TEXT    NOT NULL,
    data         {{bytes}}   NOT NULL,
    created_at   {{time}} NOT NULL
);
CREATE INDEX cppcc_activity_files_activity ON cppcc_activity_files (activity_id);

CREATE TABLE cppcc_briefs (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    content      TEXT    NOT NULL,
    activity_id  {{int}},
    signer       TEXT    NOT NULL,
    issued_on    DATE    NOT NULL,
    month        INTEGER NOT NULL,
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL
);
CREATE UNIQUE INDEX cppcc_briefs_number ON cppcc_briefs (province_id, committee_id, year, number);

-- +goose Down
DROP TABLE cppcc_briefs;
DROP TABLE cppcc_activity_files;
