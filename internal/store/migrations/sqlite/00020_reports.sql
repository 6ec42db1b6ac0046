-- +goose Up
-- The sentences a committee's work summary is drafted from, as its office
-- rewrote them for itself and the committees below it.
CREATE TABLE committee_templates (
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    key          TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    updated_by   INTEGER REFERENCES users(id),
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (committee_id, key)
);

-- The experience library (see the PostgreSQL migration).
CREATE TABLE library_docs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    province_id  INTEGER NOT NULL,
    org_id       INTEGER NOT NULL,
    org_path     TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    tags         TEXT    NOT NULL DEFAULT '',
    visibility   TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'published',
    file_name    TEXT    NOT NULL DEFAULT '',
    file_data    BLOB,
    published_on DATE    NOT NULL,
    views        INTEGER NOT NULL DEFAULT 0,
    downloads    INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX library_docs_updated ON library_docs (updated_at, id);
CREATE INDEX library_docs_org ON library_docs (org_path, id);

-- +goose Down
DROP TABLE library_docs;
DROP TABLE committee_templates;
