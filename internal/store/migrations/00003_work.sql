-- +goose Up
-- Generated from internal/work/kinds.go by `go test ./internal/work -run TestMigrations -update`.

-- Uploaded files, kept in the database so that backups include them.
CREATE TABLE attachments (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size {{int}} NOT NULL,
    sha256 TEXT NOT NULL,
    data {{bytes}} NOT NULL,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL
);
CREATE INDEX attachments_org ON attachments(org_id);

-- 联系指导
CREATE TABLE links (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL DEFAULT '',
    person TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL DEFAULT '',
    since DATE,
    until DATE,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX links_org ON links(org_id, since);

-- 走访慰问
CREATE TABLE visits (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL DEFAULT '',
    visited_on DATE,
    visitor TEXT NOT NULL DEFAULT '',
    target_kind TEXT NOT NULL DEFAULT '',
    target_member {{int}} REFERENCES members(id),
    target_name TEXT NOT NULL DEFAULT '',
    target_mobile {{int}} NOT NULL DEFAULT 0,
    money_fen {{int}} NOT NULL DEFAULT 0,
    goods TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX visits_org ON visits(org_id, visited_on);
CREATE INDEX visits_target_member ON visits(target_member);

-- 结对帮扶
CREATE TABLE pairings (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL DEFAULT '',
    helper TEXT NOT NULL DEFAULT '',
    helped TEXT NOT NULL DEFAULT '',
    started_on DATE,
    letter {{int}} REFERENCES attachments(id),
    notes TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX pairings_org ON pairings(org_id, started_on);

-- 承诺事项
CREATE TABLE pairing_items (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES pairings(id),
    side TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '',
    due_on DATE,
    status TEXT NOT NULL DEFAULT '',
    fulfilled_on DATE,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX pairing_items_org ON pairing_items(org_id, due_on);
CREATE INDEX pairing_items_parent ON pairing_items(parent_id);

-- 进展记录
CREATE TABLE pairing_progress (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES pairing_items(id),
    on_date DATE,
    note TEXT NOT NULL DEFAULT '',
    evidence {{int}} REFERENCES attachments(id),
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX pairing_progress_org ON pairing_progress(org_id, on_date);
CREATE INDEX pairing_progress_parent ON pairing_progress(parent_id);

-- 专项资金
CREATE TABLE funds (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    set_on DATE,
    budget_fen {{int}} NOT NULL DEFAULT 0,
    balance_fen {{int}} NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX funds_org ON funds(org_id, set_on);

-- 资金发放
CREATE TABLE disbursements (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES funds(id),
    member {{int}} REFERENCES members(id),
    purpose TEXT NOT NULL DEFAULT '',
    amount_fen {{int}} NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    decided_on DATE,
    checker TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX disbursements_org ON disbursements(org_id, decided_on);
CREATE INDEX disbursements_parent ON disbursements(parent_id);
CREATE INDEX disbursements_member ON disbursements(member);

-- 共建协议
CREATE TABLE cobuilds (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    partner TEXT NOT NULL DEFAULT '',
    partner_org {{int}} REFERENCES orgs(id),
    signed_on DATE,
    until DATE,
    content TEXT NOT NULL DEFAULT '',
    document {{int}} REFERENCES attachments(id),
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX cobuilds_org ON cobuilds(org_id, signed_on);

-- 共建事项
CREATE TABLE cobuild_items (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES cobuilds(id),
    content TEXT NOT NULL DEFAULT '',
    due_on DATE,
    status TEXT NOT NULL DEFAULT '',
    done_on DATE,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX cobuild_items_org ON cobuild_items(org_id, due_on);
CREATE INDEX cobuild_items_parent ON cobuild_items(parent_id);

-- 示范岗与责任区
CREATE TABLE posts (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    member {{int}} REFERENCES members(id),
    since DATE,
    until DATE,
    duty TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX posts_org ON posts(org_id, since);
CREATE INDEX posts_member ON posts(member);

-- 志愿服务与公益活动
CREATE TABLE activities (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    held_on DATE,
    place TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX activities_org ON activities(org_id, held_on);

-- 参加人员
CREATE TABLE activity_people (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES activities(id),
    member {{int}} REFERENCES members(id),
    name TEXT NOT NULL DEFAULT '',
    hours {{int}} NOT NULL DEFAULT 0,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX activity_people_org ON activity_people(org_id);
CREATE INDEX activity_people_parent ON activity_people(parent_id);
CREATE INDEX activity_people_member ON activity_people(member);

-- 教育培训
CREATE TABLE trainings (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL DEFAULT '',
    starts_on DATE,
    ends_on DATE,
    hours {{int}} NOT NULL DEFAULT 0,
    place TEXT NOT NULL DEFAULT '',
    organiser TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX trainings_org ON trainings(org_id, starts_on);

-- 参训人员
CREATE TABLE training_people (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES trainings(id),
    member {{int}} REFERENCES members(id),
    passed TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX training_people_org ON training_people(org_id);
CREATE INDEX training_people_parent ON training_people(parent_id);
CREATE INDEX training_people_member ON training_people(member);

-- 远程教育站点
CREATE TABLE sites (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    keeper TEXT NOT NULL DEFAULT '',
    opened_on DATE,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX sites_org ON sites(org_id);

-- 干部交流
CREATE TABLE exchanges (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL DEFAULT '',
    person TEXT NOT NULL DEFAULT '',
    from_place TEXT NOT NULL DEFAULT '',
    to_place TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL DEFAULT '',
    starts_on DATE,
    ends_on DATE,
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX exchanges_org ON exchanges(org_id, starts_on);

-- 三个培养
CREATE TABLE cultivations (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL DEFAULT '',
    person TEXT NOT NULL DEFAULT '',
    on_date DATE,
    notes TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX cultivations_org ON cultivations(org_id, on_date);

-- 党务工作者人才库
CREATE TABLE candidates (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL DEFAULT '',
    sex TEXT NOT NULL DEFAULT '',
    birth_year {{int}} NOT NULL DEFAULT 0,
    level TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    grade TEXT NOT NULL DEFAULT '',
    assessment TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX candidates_org ON candidates(org_id);

-- 企业用人需求
CREATE TABLE talent_requests (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    enterprise TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL DEFAULT '',
    asked_on DATE,
    needs TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX talent_requests_org ON talent_requests(org_id, asked_on);

-- 双向选择
CREATE TABLE selections (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES talent_requests(id),
    candidate {{int}} REFERENCES candidates(id),
    state TEXT NOT NULL DEFAULT '',
    declined_by TEXT NOT NULL DEFAULT '',
    appointed_on DATE,
    pay_grade TEXT NOT NULL DEFAULT '',
    contract {{int}} REFERENCES attachments(id),
    duty_letter {{int}} REFERENCES attachments(id),
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX selections_org ON selections(org_id, appointed_on);
CREATE INDEX selections_parent ON selections(parent_id);
CREATE INDEX selections_candidate ON selections(candidate);

-- 年度述职
CREATE TABLE reviews (
    id {{id}},
    org_id {{int}} NOT NULL REFERENCES orgs(id),
    parent_id {{int}} NOT NULL REFERENCES selections(id),
    year {{int}} NOT NULL DEFAULT 0,
    score_board {{int}} NOT NULL DEFAULT 0,
    score_members {{int}} NOT NULL DEFAULT 0,
    score_superior {{int}} NOT NULL DEFAULT 0,
    weight_board {{int}} NOT NULL DEFAULT 0,
    weight_members {{int}} NOT NULL DEFAULT 0,
    weight_superior {{int}} NOT NULL DEFAULT 0,
    total {{int}} NOT NULL DEFAULT 0,
    advice TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX reviews_org ON reviews(org_id);
CREATE INDEX reviews_parent ON reviews(parent_id);

-- +goose Down
DROP TABLE reviews;
DROP TABLE selections;
DROP TABLE talent_requests;
DROP TABLE candidates;
DROP TABLE cultivations;
DROP TABLE exchanges;
DROP TABLE sites;
DROP TABLE training_people;
DROP TABLE trainings;
DROP TABLE activity_people;
DROP TABLE activities;
DROP TABLE posts;
DROP TABLE cobuild_items;
DROP TABLE cobuilds;
DROP TABLE disbursements;
DROP TABLE funds;
DROP TABLE pairing_progress;
DROP TABLE pairing_items;
DROP TABLE pairings;
DROP TABLE visits;
DROP TABLE links;
DROP TABLE attachments;
