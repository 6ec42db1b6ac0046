-- +goose Up
-- Every table that grows with the members keeps each row's province (the
-- top-level organisation below the root, members.province_id), the column by
-- which a Citus cluster distributes them so that a province's rows live
-- together on one worker: rows of an organisation take its province, a
-- member's history and requests take the member's, a letter its member's (or,
-- for one coming from outside the system, its receiving side's), an audit
-- entry the province of the organisation it names (0: none).
--
-- An ID number is unique in the whole country, while a distributed table's
-- unique constraints can only hold within a province: id_numbers registers
-- every number (by its keyed hash) with the province of its member, written in
-- the same transaction as the member, and is distributed by the hash itself.
{{if sqlite}}
CREATE TEMPORARY VIEW org_province AS SELECT id, CASE WHEN o.depth = 0 THEN o.id ELSE CAST(substr(substr(o.path, instr(substr(o.path, 2), '/') + 2), 1, instr(substr(o.path, instr(substr(o.path, 2), '/') + 2), '/') - 1) AS INTEGER) END AS province_id FROM orgs o;
{{else}}
CREATE TEMPORARY VIEW org_province AS SELECT id, CASE WHEN o.depth = 0 THEN o.id ELSE split_part(o.path, '/', 3)::bigint END AS province_id FROM orgs o;
{{end}}
ALTER TABLE mobile_records ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE reminders ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE pairings ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE pairing_items ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE pairing_progress ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE funds ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE disbursements ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE cobuilds ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE cobuild_items ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE activity_people ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE trainings ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE training_people ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE exchanges ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE cultivations ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE candidates ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE talent_requests ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE selections ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE stage_events ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE change_requests ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN province_id {{int}} NOT NULL DEFAULT 0;
UPDATE mobile_records SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = mobile_records.org_id);
UPDATE attachments SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = attachments.org_id);
UPDATE reminders SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = reminders.org_id);
UPDATE links SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = links.org_id);
UPDATE visits SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = visits.org_id);
UPDATE pairings SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = pairings.org_id);
UPDATE pairing_items SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = pairing_items.org_id);
UPDATE pairing_progress SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = pairing_progress.org_id);
UPDATE funds SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = funds.org_id);
UPDATE disbursements SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = disbursements.org_id);
UPDATE cobuilds SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = cobuilds.org_id);
UPDATE cobuild_items SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = cobuild_items.org_id);
UPDATE posts SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = posts.org_id);
UPDATE activities SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = activities.org_id);
UPDATE activity_people SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = activity_people.org_id);
UPDATE trainings SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = trainings.org_id);
UPDATE training_people SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = training_people.org_id);
UPDATE sites SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = sites.org_id);
UPDATE exchanges SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = exchanges.org_id);
UPDATE cultivations SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = cultivations.org_id);
UPDATE candidates SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = candidates.org_id);
UPDATE talent_requests SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = talent_requests.org_id);
UPDATE selections SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = selections.org_id);
UPDATE reviews SET province_id = (SELECT p.province_id FROM org_province p WHERE p.id = reviews.org_id);
UPDATE stage_events SET province_id = (SELECT m.province_id FROM members m WHERE m.id = stage_events.member_id);
UPDATE change_requests SET province_id = (SELECT m.province_id FROM members m WHERE m.id = change_requests.member_id);
UPDATE transfers SET province_id = COALESCE((SELECT m.province_id FROM members m WHERE m.id = transfers.member_id),
    (SELECT p.province_id FROM org_province p WHERE p.id = transfers.to_org_id),
    (SELECT p.province_id FROM org_province p WHERE p.id = transfers.from_org_id), 0);
{{if sqlite}}
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET province_id = CASE WHEN org_path NOT LIKE '/%/%' THEN 0 WHEN substr(org_path, instr(substr(org_path, 2), '/') + 2) = '' THEN CAST(substr(org_path, 2, instr(substr(org_path, 2), '/') - 1) AS INTEGER) ELSE CAST(substr(substr(org_path, instr(substr(org_path, 2), '/') + 2), 1, instr(substr(org_path, instr(substr(org_path, 2), '/') + 2), '/') - 1) AS INTEGER) END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
{{else}}
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;
UPDATE audit_log SET province_id = CASE WHEN org_path NOT LIKE '/%/%' THEN 0 WHEN split_part(org_path, '/', 3) = '' THEN split_part(org_path, '/', 2)::bigint ELSE split_part(org_path, '/', 3)::bigint END;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;
{{end}}
DROP VIEW org_province;

CREATE TABLE id_numbers (
    id_hash     TEXT   NOT NULL PRIMARY KEY,
    province_id {{int}} NOT NULL
);
INSERT INTO id_numbers (id_hash, province_id) SELECT id_hash, province_id FROM members;

-- +goose Down
DROP TABLE id_numbers;
ALTER TABLE mobile_records DROP COLUMN province_id;
ALTER TABLE attachments DROP COLUMN province_id;
ALTER TABLE reminders DROP COLUMN province_id;
ALTER TABLE links DROP COLUMN province_id;
ALTER TABLE visits DROP COLUMN province_id;
ALTER TABLE pairings DROP COLUMN province_id;
ALTER TABLE pairing_items DROP COLUMN province_id;
ALTER TABLE pairing_progress DROP COLUMN province_id;
ALTER TABLE funds DROP COLUMN province_id;
ALTER TABLE disbursements DROP COLUMN province_id;
ALTER TABLE cobuilds DROP COLUMN province_id;
ALTER TABLE cobuild_items DROP COLUMN province_id;
ALTER TABLE posts DROP COLUMN province_id;
ALTER TABLE activities DROP COLUMN province_id;
ALTER TABLE activity_people DROP COLUMN province_id;
ALTER TABLE trainings DROP COLUMN province_id;
ALTER TABLE training_people DROP COLUMN province_id;
ALTER TABLE sites DROP COLUMN province_id;
ALTER TABLE exchanges DROP COLUMN province_id;
ALTER TABLE cultivations DROP COLUMN province_id;
ALTER TABLE candidates DROP COLUMN province_id;
ALTER TABLE talent_requests DROP COLUMN province_id;
ALTER TABLE selections DROP COLUMN province_id;
ALTER TABLE reviews DROP COLUMN province_id;
ALTER TABLE stage_events DROP COLUMN province_id;
ALTER TABLE change_requests DROP COLUMN province_id;
ALTER TABLE transfers DROP COLUMN province_id;
{{if sqlite}}
DROP TRIGGER audit_log_no_update;
ALTER TABLE audit_log DROP COLUMN province_id;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
{{else}}
ALTER TABLE audit_log DROP COLUMN province_id;
{{end}}
