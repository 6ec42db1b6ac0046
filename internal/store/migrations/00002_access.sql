-- +goose Up
CREATE TABLE users (
    id            {{id}},
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL,
    password_changed_at {{time}} NOT NULL,
    must_change   {{flag}},
    failed_count  INTEGER NOT NULL DEFAULT 0,
    locked_until  {{time}},
    disabled      {{flag}},
    member_id     {{int}} REFERENCES members(id),
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);

-- A grant is a role on an organisation's whole subtree; org_id NULL is the whole system.
CREATE TABLE grants (
    id         {{id}},
    user_id    {{int}} NOT NULL REFERENCES users(id),
    role       TEXT    NOT NULL,
    org_id     {{int}} REFERENCES orgs(id),
    created_by TEXT    NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    revoked_at {{time}}
);
CREATE INDEX grants_user ON grants(user_id);

-- Web sessions and API tokens; only a SHA-256 of the secret is stored.
CREATE TABLE sessions (
    id           {{id}},
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      {{int}} NOT NULL REFERENCES users(id),
    csrf         TEXT    NOT NULL,
    ip           TEXT    NOT NULL DEFAULT '',
    created_at   {{time}} NOT NULL,
    last_seen_at {{time}} NOT NULL,
    ended_at     {{time}}
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           {{id}},
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      {{int}} NOT NULL REFERENCES users(id),
    name         TEXT    NOT NULL DEFAULT '',
    created_at   {{time}} NOT NULL,
    expires_at   {{time}},
    last_used_at {{time}},
    revoked_at   {{time}}
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE settings (
    k TEXT PRIMARY KEY,
    v TEXT NOT NULL
);

-- The audit trail: append-only, each entry chained to the previous by SHA-256.
CREATE TABLE audit_log (
    id          {{int}} PRIMARY KEY,
    at          {{time}} NOT NULL,
    user_id     {{int}},
    username    TEXT    NOT NULL,
    ip          TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   {{int}} NOT NULL,
    org_path    {{ctext}}   NOT NULL,
    detail      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_user ON audit_log(username);
CREATE TABLE audit_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id {{int}} NOT NULL,
    hash    TEXT    NOT NULL
);
{{if sqlite}}
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
{{else}}
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
{{end}}

-- A member's request to change their own record, decided by an administrator.
CREATE TABLE change_requests (
    id          {{id}},
    member_id   {{int}} NOT NULL REFERENCES members(id),
    user_id     {{int}} NOT NULL REFERENCES users(id),
    changes     TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,
    decided_by  TEXT    NOT NULL DEFAULT '',
    decided_at  {{time}},
    created_at  {{time}} NOT NULL
);
CREATE INDEX change_requests_member ON change_requests(member_id);

-- +goose Down
DROP TABLE change_requests;
{{if sqlite}}
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
{{else}}
DROP TRIGGER audit_log_no_change ON audit_log;
DROP FUNCTION audit_log_append_only();
{{end}}
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE settings;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE grants;
DROP TABLE users;
