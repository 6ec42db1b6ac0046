-- +goose Up
-- The audit trail as one chain a province (0: the entries of the system and of the whole country):
-- an entry is chained to the previous entry of its province and numbered (seq) within it, and each
-- chain's head is kept with the province's rows (on a Citus cluster on the worker of that province),
-- so that a change within a province is written on one node and waits only for its province's
-- writers. The entries written before stay the single chain they were (seq NULL), ending at
-- audit_head. On PostgreSQL, ids come from a sequence: unique and increasing over every chain
-- (SQLite has one writer at a time).
ALTER TABLE audit_log ADD COLUMN seq {{int}};
CREATE UNIQUE INDEX audit_log_chain ON audit_log (province_id, seq);
CREATE TABLE audit_chains (
    province_id {{int}} PRIMARY KEY,
    last_seq    {{int}} NOT NULL,
    last_id     {{int}} NOT NULL,
    hash        TEXT   NOT NULL
);
{{if postgres}}
CREATE SEQUENCE audit_ids;
SELECT setval('audit_ids', (SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log), false);
{{end}}

-- +goose Down
{{if postgres}}
DROP SEQUENCE audit_ids;
{{end}}
DROP TABLE audit_chains;
DROP INDEX audit_log_chain;
ALTER TABLE audit_log DROP COLUMN seq;
