-- +goose Up
-- The public channel: 社情民意, the mailboxes and letters-and-visits cases,
-- their statutory clocks, the forum, and the spam defence's state.

-- The days that differ from the ordinary week (the State Council's notice):
-- holidays (off) and make-up working days (not off).
CREATE TABLE calendar_days (
    day        DATE PRIMARY KEY,
    off        BOOLEAN NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    updated_at {{time}} NOT NULL
);

-- 社情民意信息: one matter an item; the text as submitted is kept in original.
CREATE TABLE opinions (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    member_id    {{int}},
    author       TEXT    NOT NULL,
    via          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    content      TEXT    NOT NULL,
    original     TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    signer       TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    issue_id     {{int}},
    month        INTEGER NOT NULL,
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX opinions_committee ON opinions (committee_id, state, id);
CREATE INDEX opinions_member ON opinions (member_id);

-- 专刊: numbered per committee and year.
CREATE TABLE opinion_issues (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    mode         TEXT    NOT NULL,
    signer       TEXT    NOT NULL,
    issued_on    DATE    NOT NULL,
    forwarded    TEXT    NOT NULL DEFAULT '',
    month        INTEGER NOT NULL,
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL
);
CREATE UNIQUE INDEX opinion_issues_number ON opinion_issues (province_id, committee_id, year, number);

-- 采用 and 批示 of an item, at a level.
CREATE TABLE opinion_adoptions (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    opinion_id   {{int}} NOT NULL,
    level        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    by_whom      TEXT    NOT NULL DEFAULT '',
    text         TEXT    NOT NULL DEFAULT '',
    on_date      DATE    NOT NULL,
    month        INTEGER NOT NULL,
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL
);
CREATE INDEX opinion_adoptions_opinion ON opinion_adoptions (opinion_id);

-- Letters of the mailboxes and letters-and-visits cases. The sender's name,
-- phone and ID number are sealed; their keyed hashes find repeated letters.
CREATE TABLE cases (
    id            {{id}},
    province_id   {{int}} NOT NULL,
    committee_id  {{int}} NOT NULL REFERENCES committees(id),
    box           TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    receipt_hash  TEXT    NOT NULL,
    name_enc      TEXT    NOT NULL DEFAULT '',
    phone_enc     TEXT    NOT NULL DEFAULT '',
    idno_enc      TEXT    NOT NULL DEFAULT '',
    name_hash     TEXT    NOT NULL DEFAULT '',
    phone_hash    TEXT    NOT NULL DEFAULT '',
    idno_hash     TEXT    NOT NULL DEFAULT '',
    anonymous     BOOLEAN NOT NULL,
    people        INTEGER NOT NULL DEFAULT 1,
    title         TEXT    NOT NULL,
    content       TEXT    NOT NULL,
    public_ok     BOOLEAN NOT NULL DEFAULT FALSE,
    name_ok       BOOLEAN NOT NULL DEFAULT FALSE,
    state         TEXT    NOT NULL,
    held          BOOLEAN NOT NULL DEFAULT FALSE,
    was_held      BOOLEAN NOT NULL DEFAULT FALSE,
    score         INTEGER NOT NULL DEFAULT 0,
    reasons       TEXT    NOT NULL DEFAULT '[]',
    simhash       {{int}}  NOT NULL DEFAULT 0,
    duplicate_of  {{int}},
    unit_id       {{int}} REFERENCES committees(id),
    route         TEXT    NOT NULL DEFAULT '',
    decision      TEXT    NOT NULL DEFAULT '',
    reply         TEXT    NOT NULL DEFAULT '',
    review        TEXT    NOT NULL DEFAULT '',
    recheck       TEXT    NOT NULL DEFAULT '',
    satisfaction  TEXT    NOT NULL DEFAULT '',
    extended      BOOLEAN NOT NULL DEFAULT FALSE,
    -- 0: the case; 1: 复查 requested; 2: 复核 requested
    stage         INTEGER NOT NULL DEFAULT 0,
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    received_on   DATE    NOT NULL,
    replied_on    DATE,
    month         INTEGER NOT NULL,
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);
CREATE INDEX cases_committee ON cases (committee_id, state, id);
CREATE INDEX cases_unit ON cases (unit_id, state);
CREATE INDEX cases_receipt ON cases (receipt_hash);
CREATE INDEX cases_phone ON cases (committee_id, phone_hash);
CREATE INDEX cases_idno ON cases (committee_id, idno_hash);
CREATE INDEX cases_received ON cases (committee_id, received_on);

-- Every step of a case, an item or a forum post; notice marks what the
-- sender reads with the receipt code.
CREATE TABLE public_events (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    object       TEXT    NOT NULL,
    object_id    {{int}}  NOT NULL,
    action       TEXT    NOT NULL,
    from_state   TEXT    NOT NULL,
    to_state     TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    notice       BOOLEAN NOT NULL DEFAULT FALSE,
    by_user      {{int}} REFERENCES users(id),
    by_name      TEXT    NOT NULL DEFAULT '',
    at           {{time}} NOT NULL
);
CREATE INDEX public_events_object ON public_events (object, object_id, id);

-- A statutory period of a case or a proposal's part: due_on is the base
-- moved by extensions and pauses (and off a rest day).
CREATE TABLE clocks (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    object       TEXT    NOT NULL,
    object_id    {{int}}  NOT NULL,
    period       TEXT    NOT NULL,
    starts_on    DATE    NOT NULL,
    base_on      DATE    NOT NULL,
    due_on       DATE    NOT NULL,
    extended     INTEGER NOT NULL DEFAULT 0,
    paused       INTEGER NOT NULL DEFAULT 0,
    paused_on    DATE,
    stopped_on   DATE,
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX clocks_object ON clocks (object, object_id);
CREATE INDEX clocks_running ON clocks (committee_id, due_on) WHERE stopped_on IS NULL;

-- The forum: published letters with their replies, citizens' comments.
CREATE TABLE forum_posts (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    case_id      {{int}}  NOT NULL,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    reply        TEXT    NOT NULL,
    author       TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    reports      INTEGER NOT NULL DEFAULT 0,
    supports     INTEGER NOT NULL DEFAULT 0,
    rating_sum   INTEGER NOT NULL DEFAULT 0,
    ratings      INTEGER NOT NULL DEFAULT 0,
    month        INTEGER NOT NULL,
    published_at {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX forum_posts_committee ON forum_posts (committee_id, state, id);
CREATE UNIQUE INDEX forum_posts_case ON forum_posts (province_id, case_id);

CREATE TABLE forum_comments (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    post_id      {{int}}  NOT NULL,
    author       TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    original     TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    was_held     BOOLEAN NOT NULL DEFAULT FALSE,
    score        INTEGER NOT NULL DEFAULT 0,
    reasons      TEXT    NOT NULL DEFAULT '[]',
    simhash      {{int}}  NOT NULL DEFAULT 0,
    receipt_hash TEXT    NOT NULL,
    reports      INTEGER NOT NULL DEFAULT 0,
    month        INTEGER NOT NULL,
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX forum_comments_post ON forum_comments (post_id, state, id);
CREATE INDEX forum_comments_committee ON forum_comments (committee_id, state, id);

-- One support, one rating and one report a visitor (by a keyed hash of
-- the address) an object.
CREATE TABLE forum_votes (
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    object       TEXT    NOT NULL,
    object_id    {{int}}  NOT NULL,
    voter        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    value        INTEGER NOT NULL,
    created_at   {{time}} NOT NULL,
    PRIMARY KEY (province_id, object, object_id, voter, kind)
);

-- Moderators' decisions the classifier learns from.
CREATE TABLE spam_samples (
    id         {{id}},
    text       TEXT    NOT NULL,
    spam       BOOLEAN NOT NULL,
    source     TEXT    NOT NULL,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL
);

-- Proofs of work already spent (a solution is good for one submission).
CREATE TABLE pow_spent (
    salt       TEXT PRIMARY KEY,
    expires_at {{time}} NOT NULL
);

-- +goose Down
DROP TABLE pow_spent;
DROP TABLE spam_samples;
DROP TABLE forum_votes;
DROP TABLE forum_comments;
DROP TABLE forum_posts;
DROP TABLE clocks;
DROP TABLE public_events;
DROP TABLE cases;
DROP TABLE opinion_adoptions;
DROP TABLE opinion_issues;
DROP TABLE opinions;
DROP TABLE calendar_days;
