-- +goose Up
-- The year's selections: 优秀提案 (a proposal) and 履职积极分子 (a member).
CREATE TABLE cppcc_honours (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    committee_id {{int}} NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    proposal_id  {{int}},
    member_id    {{int}},
    note         TEXT    NOT NULL DEFAULT '',
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL
);
CREATE INDEX cppcc_honours_committee ON cppcc_honours (committee_id, year);

-- +goose Down
DROP TABLE cppcc_honours;
