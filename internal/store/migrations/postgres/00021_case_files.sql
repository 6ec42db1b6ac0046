-- +goose Up
-- A letter's attachments (images, PDF), kept with its case.
CREATE TABLE case_files (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id  BIGINT NOT NULL,
    case_id      BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT   NOT NULL,
    data         BYTEA  NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id);

-- +goose Down
DROP TABLE case_files;
