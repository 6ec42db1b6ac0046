-- +goose Up
-- 催办: a reminder recorded against a thing that is due (a work record, a
-- letter, an organisation's term): who reminded whom, when, and why.
CREATE TABLE reminders (
    id          {{id}},
    object_type TEXT    NOT NULL,
    object_id   {{int}}  NOT NULL,
    org_id      {{int}}  NOT NULL REFERENCES orgs(id),
    to_whom     TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_by  {{int}}  REFERENCES users(id),
    by_name     TEXT    NOT NULL,
    created_at  {{time}} NOT NULL
);
CREATE INDEX reminders_object ON reminders (object_type, object_id);

-- +goose Down
DROP TABLE reminders;
