-- +goose Up
-- A work summary's draft as its office saved it, one per organisation or
-- committee (holder org_id or committee_id) and period: the texts as the
-- form sends them (url-encoded), figures still placeholders.
CREATE TABLE summary_drafts (
    holder     TEXT   NOT NULL,
    holder_id  {{int}} NOT NULL,
    period     TEXT   NOT NULL,
    texts      TEXT   NOT NULL,
    updated_by {{int}},
    updated_at {{time}} NOT NULL,
    PRIMARY KEY (holder, holder_id, period)
);

-- +goose Down
DROP TABLE summary_drafts;
