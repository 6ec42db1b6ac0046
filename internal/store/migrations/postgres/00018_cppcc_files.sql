-- +goose Up
-- A unit's reply letter (答复函, .pdf / .docx), kept in the database like
-- the work records' attachments, with the proposal it answers.
CREATE TABLE cppcc_files (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id  BIGINT NOT NULL,
    proposal_id  BIGINT NOT NULL,
    part_id      BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT   NOT NULL,
    data         BYTEA  NOT NULL,
    created_by   BIGINT REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX cppcc_files_proposal ON cppcc_files (proposal_id);

-- +goose Down
DROP TABLE cppcc_files;
