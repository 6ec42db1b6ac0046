-- +goose Up
-- A unit's reply letter (答复函, .pdf / .docx), kept in the database like
-- the work records' attachments, with the proposal it answers.
CREATE TABLE cppcc_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    province_id  INTEGER NOT NULL,
    proposal_id  INTEGER NOT NULL,
    part_id      INTEGER NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT   NOT NULL,
    data         BLOB  NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX cppcc_files_proposal ON cppcc_files (proposal_id);

-- +goose Down
DROP TABLE cppcc_files;
