-- +goose Up
-- The audit trail as one chain a province (see the PostgreSQL migration 00025): an entry is
-- chained to the previous entry of its province and numbered (seq) within it; the entries written
-- before stay the single chain they were (seq NULL), ending at audit_head.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (province_id, seq);
CREATE TABLE audit_chains (
    province_id INTEGER PRIMARY KEY,
    last_seq    INTEGER NOT NULL,
    last_id     INTEGER NOT NULL,
    hash        TEXT    NOT NULL
);

-- +goose Down
DROP TABLE audit_chains;
DROP INDEX audit_log_chain;
ALTER TABLE audit_log DROP COLUMN seq;
