-- +goose Up
-- A member has at most one pending letter of their organisation relation:
-- two letters issued at once cannot both be pending.
CREATE UNIQUE INDEX transfers_one_pending ON transfers(member_id) WHERE status = 'pending';

-- +goose Down
DROP INDEX transfers_one_pending;
