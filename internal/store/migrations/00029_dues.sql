-- +goose Up
-- Party dues (党费, internal/dues; 《关于中国共产党党费收缴、使用和管理的规定》, 中组发〔2008〕3号).
-- Money is in integer fen; a month is written yyyymm (202605). Every row is provincial on a
-- Citus cluster: a base and a member's account follow the member, a payment and a remittance
-- stay with the organisation that took them, a ledger with its organisation.

-- A member's monthly base for a year, from a month (第十条: a new wage from the month it is
-- paid), set by the branch and confirmed by the member (组电明字〔2017〕5号: 年初核定, 年内一般不变动).
-- monthly_fen is what the rule gives for the kind and base; approval names the higher
-- committee's approval of a reduced or waived amount (第七条).
CREATE TABLE dues_bases (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    member_id    {{int}} NOT NULL REFERENCES members(id),
    org_id       {{int}} NOT NULL REFERENCES orgs(id),
    year         INTEGER NOT NULL,
    from_month   INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    base_fen     {{int}} NOT NULL DEFAULT 0,
    monthly_fen  {{int}} NOT NULL,
    approval     TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    confirmed_on DATE,
    by_member    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   {{int}} REFERENCES users(id),
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE UNIQUE INDEX dues_bases_month ON dues_bases (province_id, member_id, year, from_month) WHERE status <> 'void';
CREATE INDEX dues_bases_member ON dues_bases (member_id, year);

-- A member's dues account: opened_to is the month paid to when the ledger was opened (months up
-- to it lie outside the ledger), paid_to the month paid to now (党费交到).
CREATE TABLE dues_accounts (
    province_id  {{int}} NOT NULL,
    member_id    {{int}} NOT NULL REFERENCES members(id),
    opened_to    INTEGER NOT NULL,
    paid_to      INTEGER NOT NULL,
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL,
    PRIMARY KEY (province_id, member_id)
);
CREATE INDEX dues_accounts_member ON dues_accounts (member_id);

-- A payment taken by a branch: the months from_month..through_month (0: none, a voluntary
-- payment alone) at their monthly amounts, and a voluntary extra (第十一条); recorded by the
-- branch (confirmed) or claimed by the member and confirmed or rejected by the branch, voided
-- (冲销) when recorded wrong. The receipt number is unique in the branch among live payments;
-- the member's name is kept with it, as the payment stays with the branch the member may leave.
CREATE TABLE dues_payments (
    id            {{id}},
    province_id   {{int}} NOT NULL,
    org_id        {{int}} NOT NULL REFERENCES orgs(id),
    member_id     {{int}} NOT NULL REFERENCES members(id),
    name          TEXT    NOT NULL,
    from_month    INTEGER NOT NULL,
    through_month INTEGER NOT NULL,
    dues_fen      {{int}} NOT NULL,
    extra_fen     {{int}} NOT NULL DEFAULT 0,
    method        TEXT    NOT NULL,
    receipt_no    TEXT    NOT NULL,
    paid_on       DATE    NOT NULL,
    status        TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    created_by    {{int}} REFERENCES users(id),
    decided_by    {{int}} REFERENCES users(id),
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);
CREATE UNIQUE INDEX dues_payments_receipt ON dues_payments (province_id, org_id, receipt_no) WHERE status IN ('claimed', 'confirmed');
CREATE UNIQUE INDEX dues_payments_one_claim ON dues_payments (province_id, member_id) WHERE status = 'claimed';
CREATE INDEX dues_payments_org ON dues_payments (org_id, paid_on);
CREATE INDEX dues_payments_member ON dues_payments (member_id, through_month);

-- An organisation's dues money on hand: what its branches took, what came up from below,
-- less what it remitted upward; never below zero.
CREATE TABLE dues_ledgers (
    province_id  {{int}} NOT NULL,
    org_id       {{int}} NOT NULL REFERENCES orgs(id),
    balance_fen  {{int}} NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),
    updated_at   {{time}} NOT NULL,
    PRIMARY KEY (province_id, org_id)
);

-- A remittance (上缴) from an organisation to one above it: entered by one user, approved or
-- rejected by another (maker-checker, as a fund's disbursement); the money moves on approval.
CREATE TABLE dues_remittances (
    id           {{id}},
    province_id  {{int}} NOT NULL,
    org_id       {{int}} NOT NULL REFERENCES orgs(id),
    to_org_id    {{int}} NOT NULL REFERENCES orgs(id),
    amount_fen   {{int}} NOT NULL CHECK (amount_fen > 0),
    period       TEXT    NOT NULL DEFAULT '',
    remitted_on  DATE    NOT NULL,
    status       TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    created_by   {{int}} REFERENCES users(id),
    decided_by   {{int}} REFERENCES users(id),
    decided_on   DATE,
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX dues_remittances_org ON dues_remittances (org_id, remitted_on);
CREATE INDEX dues_remittances_to ON dues_remittances (to_org_id, remitted_on);

-- +goose Down
DROP TABLE dues_remittances;
DROP TABLE dues_ledgers;
DROP TABLE dues_payments;
DROP TABLE dues_accounts;
DROP TABLE dues_bases;
