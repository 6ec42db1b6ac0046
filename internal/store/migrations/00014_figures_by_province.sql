-- +goose Up
-- Figures stop at the province: every organisation from the province (the
-- root's child) down keeps the figures of its whole subtree, a root keeps only
-- what sits at itself, and a root's subtree is summed at read from its row
-- and its children's. Each row carries the province of its organisation, the
-- key by which the table is distributed on a Citus cluster (which requires it
-- in the primary key). SQLite cannot change a primary key: the table is made
-- anew.
{{if sqlite}}
CREATE TABLE org_stats_by_province (
    province_id INTEGER NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    k           TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (province_id, org_id, k)
) WITHOUT ROWID;
INSERT INTO org_stats_by_province (province_id, org_id, k, n)
    SELECT CASE WHEN o.depth = 0 THEN o.id
           ELSE CAST(substr(substr(o.path, instr(substr(o.path, 2), '/') + 2), 1,
                     instr(substr(o.path, instr(substr(o.path, 2), '/') + 2), '/') - 1) AS INTEGER) END,
           s.org_id, s.k,
           s.n - CASE WHEN o.depth = 0 THEN COALESCE((SELECT SUM(cs.n) FROM org_stats cs JOIN orgs c ON c.id = cs.org_id
                                                      WHERE c.parent_id = o.id AND cs.k = s.k), 0) ELSE 0 END
    FROM org_stats s JOIN orgs o ON o.id = s.org_id;
DELETE FROM org_stats_by_province WHERE n = 0;
DROP TABLE org_stats;
ALTER TABLE org_stats_by_province RENAME TO org_stats;
{{else}}
ALTER TABLE org_stats ADD COLUMN province_id BIGINT;
UPDATE org_stats s SET province_id = CASE WHEN o.depth = 0 THEN o.id ELSE split_part(o.path, '/', 3)::bigint END
    FROM orgs o WHERE o.id = s.org_id;
UPDATE org_stats s SET n = s.n - c.n
    FROM (SELECT o.parent_id AS root, cs.k, SUM(cs.n) AS n FROM org_stats cs JOIN orgs o ON o.id = cs.org_id
          WHERE o.depth = 1 GROUP BY o.parent_id, cs.k) c
    WHERE s.org_id = c.root AND s.k = c.k;
DELETE FROM org_stats WHERE n = 0;
ALTER TABLE org_stats ALTER COLUMN province_id SET NOT NULL;
ALTER TABLE org_stats DROP CONSTRAINT org_stats_pkey;
ALTER TABLE org_stats ADD PRIMARY KEY (province_id, org_id, k);
{{end}}

-- +goose Down
{{if sqlite}}
CREATE TABLE org_stats_by_org (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    k      TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (org_id, k)
) WITHOUT ROWID;
INSERT INTO org_stats_by_org (org_id, k, n)
    SELECT s.org_id, s.k, s.n + CASE WHEN o.depth = 0 THEN COALESCE((SELECT SUM(cs.n) FROM org_stats cs JOIN orgs c ON c.id = cs.org_id
                                                             WHERE c.parent_id = o.id AND cs.k = s.k), 0) ELSE 0 END
    FROM org_stats s JOIN orgs o ON o.id = s.org_id;
DROP TABLE org_stats;
ALTER TABLE org_stats_by_org RENAME TO org_stats;
{{else}}
INSERT INTO org_stats (province_id, org_id, k, n)
    SELECT o.parent_id, o.parent_id, cs.k, SUM(cs.n) FROM org_stats cs JOIN orgs o ON o.id = cs.org_id
    WHERE o.depth = 1 GROUP BY o.parent_id, cs.k
    ON CONFLICT (province_id, org_id, k) DO UPDATE SET n = org_stats.n + excluded.n;
ALTER TABLE org_stats DROP CONSTRAINT org_stats_pkey;
ALTER TABLE org_stats ADD PRIMARY KEY (org_id, k);
ALTER TABLE org_stats DROP COLUMN province_id;
{{end}}
