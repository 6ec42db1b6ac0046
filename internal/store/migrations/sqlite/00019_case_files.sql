-- +goose Up
-- A letter's attachments (images, PDF), kept with its case.
CREATE TABLE case_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    province_id  INTEGER NOT NULL,
    case_id      INTEGER NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT   NOT NULL,
    data         BLOB  NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id);

-- +goose Down
DROP TABLE case_files;
