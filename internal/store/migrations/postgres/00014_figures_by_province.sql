-- +goose Up
-- Figures stop at the province: every organisation from the province (the
-- root's child) down keeps the figures of its whole subtree, a root keeps only
-- what sits at itself, and a root's subtree is summed at read from its row
-- and its children's. Each row carries the province of its organisation, the
-- key by which the table is distributed on a Citus cluster (which requires it
-- in the primary key).
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

-- +goose Down
INSERT INTO org_stats (province_id, org_id, k, n)
    SELECT o.parent_id, o.parent_id, cs.k, SUM(cs.n) FROM org_stats cs JOIN orgs o ON o.id = cs.org_id
    WHERE o.depth = 1 GROUP BY o.parent_id, cs.k
    ON CONFLICT (province_id, org_id, k) DO UPDATE SET n = org_stats.n + excluded.n;
ALTER TABLE org_stats DROP CONSTRAINT org_stats_pkey;
ALTER TABLE org_stats ADD PRIMARY KEY (org_id, k);
ALTER TABLE org_stats DROP COLUMN province_id;
