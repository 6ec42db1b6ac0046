-- +goose Up
-- A proposal not filed is kept where the office sends it: reject_route names the route
-- (opinion: a 社情民意 item, letter: a letter in the members' box), routed_id the item or the
-- letter it became (in the same province, hence no foreign key across the two tables), and
-- that item or letter names its proposal. A party's or group's proposal names the member who
-- evaluates it for the party (evaluator_id).
ALTER TABLE proposals ADD COLUMN reject_route TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN routed_id {{int}};
ALTER TABLE proposals ADD COLUMN evaluator_id {{int}};
ALTER TABLE opinions ADD COLUMN proposal_id {{int}};
ALTER TABLE cases ADD COLUMN proposal_id {{int}};

-- +goose Down
ALTER TABLE cases DROP COLUMN proposal_id;
ALTER TABLE opinions DROP COLUMN proposal_id;
ALTER TABLE proposals DROP COLUMN evaluator_id;
ALTER TABLE proposals DROP COLUMN routed_id;
ALTER TABLE proposals DROP COLUMN reject_route;
