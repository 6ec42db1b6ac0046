-- +goose Up
-- The consultative work (政协). Committees and their handling units are one
-- tree of their own (kind 'committee' or 'unit'), with materialised paths
-- like the organisations': a grant of a CPPCC role names a node of it.
CREATE TABLE committees (
    id         {{id}},
    parent_id  {{int}} REFERENCES committees(id),
    path       {{ctext}} NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,
    level      TEXT    NOT NULL DEFAULT '',
    name       TEXT    NOT NULL,
    -- the committee's periods (JSON; defaults in internal/cppcc)
    rules      TEXT    NOT NULL DEFAULT '{}',
    created_at {{time}} NOT NULL
);
CREATE INDEX committees_parent ON committees (parent_id);

-- A committee's own lists: 界别 (sector), 专门委员会 (special), 提案类别 (category).
CREATE TABLE cppcc_lists (
    id           {{id}},
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    list         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    position     INTEGER NOT NULL,
    UNIQUE (committee_id, list, name)
);

-- 届 and 次会议.
CREATE TABLE cppcc_terms (
    id           {{id}},
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    number       INTEGER NOT NULL,
    starts_on    DATE    NOT NULL,
    ends_on      DATE    NOT NULL,
    UNIQUE (committee_id, number)
);
CREATE TABLE cppcc_sessions (
    id           {{id}},
    term_id      {{int}} NOT NULL REFERENCES cppcc_terms(id),
    number       INTEGER NOT NULL,
    opens_on     DATE    NOT NULL,
    closes_on    DATE    NOT NULL,
    UNIQUE (term_id, number)
);

-- 委员. The phone is sealed like a Party member's.
CREATE TABLE cppcc_members (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    term_id      {{int}} NOT NULL REFERENCES cppcc_terms(id),
    name         TEXT    NOT NULL,
    sex          TEXT    NOT NULL,
    sector       TEXT    NOT NULL,
    party        TEXT    NOT NULL,
    special      TEXT    NOT NULL DEFAULT '',
    team         TEXT    NOT NULL DEFAULT '',
    post         TEXT    NOT NULL DEFAULT '',
    phone_enc    TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    user_id      {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX cppcc_members_committee ON cppcc_members (committee_id, name);
CREATE INDEX cppcc_members_user ON cppcc_members (user_id);

-- 提案, each of a session (闭会期间: of the session it follows); number is
-- given at 立案, per term and session.
CREATE TABLE proposals (
    id            {{id}},
    province_id   {{int}} NOT NULL,
    committee_id  {{int}} NOT NULL REFERENCES committees(id),
    term_id       {{int}} NOT NULL REFERENCES cppcc_terms(id),
    session_id    {{int}} NOT NULL REFERENCES cppcc_sessions(id),
    number        INTEGER,
    title         TEXT    NOT NULL,
    category      TEXT    NOT NULL DEFAULT '',
    content       TEXT    NOT NULL,
    way           TEXT    NOT NULL,
    proposer_id   {{int}},
    proposer_name TEXT    NOT NULL,
    in_session    BOOLEAN NOT NULL,
    public        BOOLEAN NOT NULL,
    private_reason TEXT   NOT NULL DEFAULT '',
    contact       TEXT    NOT NULL DEFAULT 'none',
    state         TEXT    NOT NULL,
    reject_reason TEXT    NOT NULL DEFAULT '',
    review_note   TEXT    NOT NULL DEFAULT '',
    merged_into   {{int}},
    result_class  TEXT    NOT NULL DEFAULT '',
    attitude      TEXT    NOT NULL DEFAULT '',
    satisfaction  TEXT    NOT NULL DEFAULT '',
    rehandles     INTEGER NOT NULL DEFAULT 0,
    is_key        BOOLEAN NOT NULL DEFAULT FALSE,
    month         INTEGER NOT NULL DEFAULT 0,
    submitted_at  {{time}},
    filed_at      {{time}},
    replied_at    {{time}},
    evaluate_by   DATE,
    closed_at     {{time}},
    created_by    {{int}} REFERENCES users(id),
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);
CREATE INDEX proposals_list ON proposals (committee_id, state, id);
CREATE INDEX proposals_committee ON proposals (committee_id, id);
CREATE INDEX proposals_proposer ON proposals (proposer_id);
CREATE UNIQUE INDEX proposals_number ON proposals (province_id, term_id, session_id, number);

-- 联名: each co-signer confirms (会签) or declines before the date.
CREATE TABLE proposal_signers (
    province_id {{int}} NOT NULL,
    proposal_id {{int}} NOT NULL,
    member_id   {{int}} NOT NULL,
    state       TEXT   NOT NULL,
    due_on      DATE   NOT NULL,
    answered_at {{time}},
    PRIMARY KEY (proposal_id, member_id)
);
CREATE INDEX proposal_signers_member ON proposal_signers (member_id, state);

-- 交办: a unit's part in a proposal (主办 lead, 会办 co, 分办 split).
CREATE TABLE proposal_units (
    id            {{id}},
    province_id   {{int}} NOT NULL,
    proposal_id   {{int}} NOT NULL,
    committee_id  {{int}} NOT NULL REFERENCES committees(id),
    unit_id       {{int}} NOT NULL REFERENCES committees(id),
    role          TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    assigned_on   DATE    NOT NULL,
    object_by     DATE    NOT NULL,
    due_on        DATE    NOT NULL,
    objection     TEXT    NOT NULL DEFAULT '',
    extension_reason TEXT NOT NULL DEFAULT '',
    extension_to  DATE,
    opinion       TEXT    NOT NULL DEFAULT '',
    reply_class   TEXT    NOT NULL DEFAULT '',
    reply_text    TEXT    NOT NULL DEFAULT '',
    contact       TEXT    NOT NULL DEFAULT '',
    answered_at   {{time}},
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    {{time}} NOT NULL
);
CREATE INDEX proposal_units_proposal ON proposal_units (proposal_id);
CREATE INDEX proposal_units_inbox ON proposal_units (unit_id, state, due_on);
CREATE INDEX proposal_units_due ON proposal_units (committee_id, state, due_on);

-- Every step of a proposal, a signer or a unit: who, when, from what to what.
CREATE TABLE proposal_events (
    id          {{id}},
    province_id {{int}} NOT NULL,
    proposal_id {{int}} NOT NULL,
    object      TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    from_state  TEXT   NOT NULL,
    to_state    TEXT   NOT NULL,
    note        TEXT   NOT NULL DEFAULT '',
    by_user     {{int}} REFERENCES users(id),
    by_name     TEXT   NOT NULL,
    at          {{time}} NOT NULL
);
CREATE INDEX proposal_events_proposal ON proposal_events (proposal_id, id);

-- A committee's maintained figures: k is "p|<yyyymm>|<key>" for the
-- proposals submitted in that month, "u|<yyyymm>|<unit>|<key>" per unit.
CREATE TABLE cppcc_stats (
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL,
    k            {{ctext}} NOT NULL,
    n            {{int}} NOT NULL,
    PRIMARY KEY (province_id, committee_id, k)
);

ALTER TABLE grants ADD COLUMN committee_id {{int}} REFERENCES committees(id);

-- +goose Down
ALTER TABLE grants DROP COLUMN committee_id;
DROP TABLE cppcc_stats;
DROP TABLE proposal_events;
DROP TABLE proposal_units;
DROP TABLE proposal_signers;
DROP TABLE proposals;
DROP TABLE cppcc_members;
DROP TABLE cppcc_sessions;
DROP TABLE cppcc_terms;
DROP TABLE cppcc_lists;
DROP TABLE committees;
