-- +goose Up
-- A proposal not filed is kept where the office sends it (see the PostgreSQL migration 00026):
-- reject_route names the route, routed_id the 社情民意 item or the letter it became, and that
-- item or letter names its proposal. A party's or group's proposal names the member who
-- evaluates it for the party (evaluator_id).
ALTER TABLE proposals ADD COLUMN reject_route TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN routed_id INTEGER;
ALTER TABLE proposals ADD COLUMN evaluator_id INTEGER;
ALTER TABLE opinions ADD COLUMN proposal_id INTEGER;
ALTER TABLE cases ADD COLUMN proposal_id INTEGER;

-- +goose Down
ALTER TABLE cases DROP COLUMN proposal_id;
ALTER TABLE opinions DROP COLUMN proposal_id;
ALTER TABLE proposals DROP COLUMN evaluator_id;
ALTER TABLE proposals DROP COLUMN routed_id;
ALTER TABLE proposals DROP COLUMN reject_route;
