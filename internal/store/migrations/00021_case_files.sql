-- +goose Up
-- A letter's attachments (images, PDF), kept with its case.
CREATE TABLE case_files (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    case_id      {{int}} NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         {{int}} NOT NULL,
    sha256       TEXT   NOT NULL,
    data         {{bytes}}  NOT NULL,
    created_at   {{time}} NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id);

-- +goose Down
DROP TABLE case_files;
