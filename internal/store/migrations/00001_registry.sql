-- +goose Up
-- Organisation tree. path is the materialised affiliation path ("/1/7/42/"),
-- so a subtree is one index range and the ancestors are read off the path.
CREATE TABLE orgs (
    id          {{id}}, -- identity: ids are never reused
    parent_id   {{int}} REFERENCES orgs(id),
    path        {{ctext}} NOT NULL UNIQUE,
    depth       INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    code        TEXT    UNIQUE,
    type        TEXT    NOT NULL,
    secretary   TEXT    NOT NULL DEFAULT '',
    founded_on  DATE,
    manager_id  {{int}} REFERENCES orgs(id),
    dissolved_at {{time}},
    created_at  {{time}} NOT NULL,
    updated_at  {{time}} NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE INDEX orgs_name ON orgs(name);
CREATE INDEX orgs_manager ON orgs(manager_id);

-- Maintained figures of each organisation's whole subtree (itself included),
-- changed in the same transaction as the rows they count.
CREATE TABLE org_stats (
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    k      TEXT    NOT NULL,
    n      {{int}}  NOT NULL,
    PRIMARY KEY (org_id, k)
){{if sqlite}} WITHOUT ROWID{{end}};

CREATE TABLE units (
    id              {{id}},
    org_id          {{int}} NOT NULL REFERENCES orgs(id),
    name            TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    credit_code     TEXT    NOT NULL DEFAULT '',
    non_public      {{flag}},
    staff           INTEGER NOT NULL DEFAULT 0,
    party_members   INTEGER NOT NULL DEFAULT 0,
    covering_org_id {{int}} REFERENCES orgs(id),
    address         TEXT    NOT NULL DEFAULT '',
    created_at      {{time}} NOT NULL,
    updated_at      {{time}} NOT NULL
);
CREATE INDEX units_org ON units(org_id);
CREATE INDEX units_covering ON units(covering_org_id);

-- People on the roster: members and those in the development pipeline.
-- Citizen ID numbers and phones are stored encrypted; id_hash is a keyed
-- hash that makes the number unique and searchable by exact value.
CREATE TABLE members (
    id            {{id}},
    org_id        {{int}} NOT NULL REFERENCES orgs(id),
    province_id   {{int}} NOT NULL,
    name          TEXT    NOT NULL,
    name_pinyin   TEXT    NOT NULL,
    name_initials TEXT    NOT NULL,
    sex           TEXT    NOT NULL,
    ethnicity     TEXT    NOT NULL,
    id_hash       TEXT    NOT NULL UNIQUE,
    id_enc        TEXT    NOT NULL,
    birth_date    DATE    NOT NULL,
    education     TEXT    NOT NULL,
    phone_enc     TEXT    NOT NULL DEFAULT '',
    occupation    TEXT    NOT NULL DEFAULT '',
    post          TEXT    NOT NULL DEFAULT '',
    unit_id       {{int}} REFERENCES units(id),
    stage         TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'active',
    applied_on    DATE,
    activist_on   DATE,
    candidate_on  DATE,
    joined_on     DATE,
    full_on       DATE,
    probation_ends_on DATE,
    probation_extended {{flag}},
    mobile_out    {{flag}},
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);
CREATE INDEX members_org ON members(org_id, name);
{{if sqlite}}
CREATE INDEX members_name ON members(name);
CREATE INDEX members_pinyin ON members(name_pinyin);
CREATE INDEX members_initials ON members(name_initials);
{{else}}
CREATE INDEX members_name ON members(name text_pattern_ops);
CREATE INDEX members_pinyin ON members(name_pinyin text_pattern_ops);
CREATE INDEX members_initials ON members(name_initials text_pattern_ops);
{{end}}

CREATE TABLE stage_events (
    id         {{id}},
    member_id  {{int}} NOT NULL REFERENCES members(id),
    from_stage TEXT    NOT NULL,
    to_stage   TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    on_date    DATE    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);
CREATE INDEX stage_events_member ON stage_events(member_id);

-- Mobile members: kind 'out' is a member of org_id living elsewhere;
-- kind 'in' is a member whose relation is elsewhere, living in org_id's area.
CREATE TABLE mobile_records (
    id            {{id}},
    kind          TEXT    NOT NULL,
    org_id        {{int}} NOT NULL REFERENCES orgs(id),
    member_id     {{int}} REFERENCES members(id),
    name          TEXT    NOT NULL,
    relation_place TEXT   NOT NULL DEFAULT '',
    present_place TEXT    NOT NULL DEFAULT '',
    contact       TEXT    NOT NULL DEFAULT '',
    since         DATE    NOT NULL,
    ended_on      DATE,
    note          TEXT    NOT NULL DEFAULT '',
    created_at    {{time}} NOT NULL
);
CREATE INDEX mobile_org ON mobile_records(org_id, kind);
CREATE INDEX mobile_member ON mobile_records(member_id);

-- Organisation-relation transfer letters. A side outside the system has a
-- NULL org and a text naming it.
CREATE TABLE transfers (
    id          {{id}},
    letter_no   TEXT    NOT NULL UNIQUE,
    member_id   {{int}} REFERENCES members(id),
    name        TEXT    NOT NULL,
    from_org_id {{int}} REFERENCES orgs(id),
    from_text   TEXT    NOT NULL DEFAULT '',
    to_org_id   {{int}} REFERENCES orgs(id),
    to_text     TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    issued_on   DATE    NOT NULL,
    received_on DATE,
    status      TEXT    NOT NULL,
    created_at  {{time}} NOT NULL,
    updated_at  {{time}} NOT NULL
);
CREATE INDEX transfers_from ON transfers(from_org_id, status);
CREATE INDEX transfers_to ON transfers(to_org_id, status);
CREATE INDEX transfers_member ON transfers(member_id);

-- +goose Down
DROP TABLE transfers;
DROP TABLE mobile_records;
DROP TABLE stage_events;
DROP TABLE members;
DROP TABLE units;
DROP TABLE org_stats;
DROP TABLE orgs;
