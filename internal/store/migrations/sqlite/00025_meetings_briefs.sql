-- +goose Up
-- The documents of a committee's meeting or activity (会议材料: the agenda, the minutes as
-- signed, the speeches), and the 《政协简报》: a numbered series per committee and year,
-- like the 专刊, an issue optionally reporting one meeting or activity.
CREATE TABLE cppcc_activity_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    province_id  INTEGER NOT NULL,
    activity_id  INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX cppcc_activity_files_activity ON cppcc_activity_files (activity_id);

CREATE TABLE cppcc_briefs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    province_id  INTEGER NOT NULL,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    content      TEXT    NOT NULL,
    activity_id  INTEGER,
    signer       TEXT    NOT NULL,
    issued_on    DATE    NOT NULL,
    month        INTEGER NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX cppcc_briefs_number ON cppcc_briefs (province_id, committee_id, year, number);

-- +goose Down
DROP TABLE cppcc_briefs;
DROP TABLE cppcc_activity_files;
