-- +goose Up
-- Where the keyed audit chain begins: entries up to legacy_last were chained
-- with plain SHA-256 before the chain was keyed; mac is the HMAC of that
-- boundary under the audit key, so that it cannot be moved without the key.
CREATE TABLE audit_keyed (
    one         INTEGER PRIMARY KEY CHECK (one = 1),
    legacy_last BIGINT NOT NULL,
    mac         TEXT   NOT NULL
);

-- +goose Down
DROP TABLE audit_keyed;
