-- +goose Up
-- The sentences a committee's work summary is drafted from, as its office
-- rewrote them for itself and the committees below it.
CREATE TABLE committee_templates (
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    key          TEXT   NOT NULL,
    text         TEXT   NOT NULL,
    updated_by   {{int}} REFERENCES users(id),
    updated_at   {{time}} NOT NULL,
    PRIMARY KEY (committee_id, key)
);

-- The experience library (经验交流材料, 调研报告, 工作总结): a document
-- published by an organisation, written in the browser or uploaded as
-- .docx (its text extracted, the file kept). Visibility: public, system
-- (every user) or subtree (the organisation's line). Never deleted:
-- withdrawn documents keep their row (state) and their number.
CREATE TABLE library_docs (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    org_id       {{int}} NOT NULL,
    org_path     {{ctext}} NOT NULL,
    kind         TEXT   NOT NULL,
    title        TEXT   NOT NULL,
    body         TEXT   NOT NULL,
    tags         TEXT   NOT NULL DEFAULT '',
    visibility   TEXT   NOT NULL,
    state        TEXT   NOT NULL DEFAULT 'published',
    file_name    TEXT   NOT NULL DEFAULT '',
    file_data    {{bytes}},
    published_on DATE   NOT NULL,
    views        {{int}} NOT NULL DEFAULT 0,
    downloads    {{int}} NOT NULL DEFAULT 0,
    created_by   {{int}},
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX library_docs_updated ON library_docs (updated_at, id);
CREATE INDEX library_docs_org ON library_docs (org_path, id);

-- +goose Down
DROP TABLE library_docs;
DROP TABLE committee_templates;
