-- +goose Up
-- The year's selections: 优秀提案 (a proposal) and 履职积极分子 (a member).
CREATE TABLE cppcc_honours (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    province_id  INTEGER NOT NULL,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    proposal_id  INTEGER,
    member_id    INTEGER,
    note         TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX cppcc_honours_committee ON cppcc_honours (committee_id, year);

-- +goose Down
DROP TABLE cppcc_honours;
