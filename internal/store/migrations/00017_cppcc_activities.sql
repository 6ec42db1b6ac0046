-- +goose Up
-- 重点提案: chosen by the chair meeting, with the chair who leads its supervision.
ALTER TABLE proposals ADD COLUMN key_lead TEXT NOT NULL DEFAULT '';

-- What a committee does besides proposals, and what its members attend:
-- the supervision of key proposals (现场视察, 督办座谈会, 专题协商), inspections
-- (视察), research (专题调研), standing-committee recommendations (建议案),
-- plenary and standing-committee meetings, speeches.
CREATE TABLE cppcc_activities (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    kind         TEXT    NOT NULL,
    proposal_id  {{int}},
    title        TEXT    NOT NULL,
    held_on      DATE    NOT NULL,
    month        INTEGER NOT NULL,
    lead         TEXT    NOT NULL DEFAULT '',
    minutes      TEXT    NOT NULL DEFAULT '',
    outcome      TEXT    NOT NULL DEFAULT '',
    reports      INTEGER NOT NULL DEFAULT 0,
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL
);
CREATE INDEX cppcc_activities_committee ON cppcc_activities (committee_id, kind, held_on);
CREATE INDEX cppcc_activities_proposal ON cppcc_activities (proposal_id);

-- A member's part in an activity: present, on leave (请假) or absent.
CREATE TABLE cppcc_attendance (
    province_id {{int}} NOT NULL,
    activity_id {{int}} NOT NULL,
    member_id   {{int}} NOT NULL,
    status      TEXT   NOT NULL,
    PRIMARY KEY (activity_id, member_id)
);
CREATE INDEX cppcc_attendance_member ON cppcc_attendance (member_id, status);

-- 批示: a leader's instruction received on a recommendation or a supervision, and what was adopted.
CREATE TABLE cppcc_instructions (
    id          {{id}},
    province_id {{int}} NOT NULL,
    activity_id {{int}} NOT NULL,
    by_whom     TEXT   NOT NULL,
    given_on    DATE   NOT NULL,
    text        TEXT   NOT NULL,
    adopted     TEXT   NOT NULL DEFAULT '',
    created_at  {{time}} NOT NULL
);
CREATE INDEX cppcc_instructions_activity ON cppcc_instructions (activity_id);

-- +goose Down
DROP TABLE cppcc_instructions;
DROP TABLE cppcc_attendance;
DROP TABLE cppcc_activities;
ALTER TABLE proposals DROP COLUMN key_lead;
