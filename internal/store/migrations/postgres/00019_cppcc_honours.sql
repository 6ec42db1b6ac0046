-- +goose Up
-- The year's selections: 优秀提案 (a proposal) and 履职积极分子 (a member).
CREATE TABLE cppcc_honours (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id  BIGINT NOT NULL,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    proposal_id  BIGINT,
    member_id    BIGINT,
    note         TEXT    NOT NULL DEFAULT '',
    created_by   BIGINT REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX cppcc_honours_committee ON cppcc_honours (committee_id, year);

-- +goose Down
DROP TABLE cppcc_honours;
