-- +goose Up
-- A unit's reply letter (答复函, .pdf / .docx), kept in the database like
-- the work records' attachments, with the proposal it answers.
CREATE TABLE cppcc_files (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    proposal_id  {{int}} NOT NULL,
    part_id      {{int}} NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         {{int}} NOT NULL,
    sha256       TEXT   NOT NULL,
    data         {{bytes}}  NOT NULL,
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL
);
CREATE INDEX cppcc_files_proposal ON cppcc_files (proposal_id);

-- +goose Down
DROP TABLE cppcc_files;
