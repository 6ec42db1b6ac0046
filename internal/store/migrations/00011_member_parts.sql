-- +goose Up
-- Keyed hashes of the parts of an ID number and of the phone by which a
-- role that may reveal them searches: the last four and six characters,
-- the first six, the phone. NULL until computed (rows older than these
-- columns are filled at start).
ALTER TABLE members ADD COLUMN id_tail4 TEXT;
ALTER TABLE members ADD COLUMN id_tail6 TEXT;
ALTER TABLE members ADD COLUMN id_head6 TEXT;
ALTER TABLE members ADD COLUMN phone_hash TEXT;
CREATE INDEX members_id_tail4 ON members (id_tail4);
CREATE INDEX members_id_tail6 ON members (id_tail6);
CREATE INDEX members_id_head6 ON members (id_head6);
CREATE INDEX members_phone_hash ON members (phone_hash);
-- The probationary members whose probation ends soon (the to-do list): a
-- few percent of the roster, read by their end date over the whole tree,
-- and by organisation below it.
CREATE INDEX members_probation_due ON members (probation_ends_on) WHERE stage = 'probationary' AND status = 'active';
CREATE INDEX members_probation_org ON members (org_id, probation_ends_on) WHERE stage = 'probationary' AND status = 'active';

-- +goose Down
DROP INDEX members_probation_org;
DROP INDEX members_probation_due;
DROP INDEX members_phone_hash;
DROP INDEX members_id_head6;
DROP INDEX members_id_tail6;
DROP INDEX members_id_tail4;
ALTER TABLE members DROP COLUMN phone_hash;
ALTER TABLE members DROP COLUMN id_head6;
ALTER TABLE members DROP COLUMN id_tail6;
ALTER TABLE members DROP COLUMN id_tail4;
