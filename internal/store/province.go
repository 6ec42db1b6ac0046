package store

import (
	"context"
	"database/sql"
)

// provinceTable is a table whose rows are kept by province (the column
// province_id, the distribution column on a Citus cluster) and the column
// that names each row's organisation.
type provinceTable struct {
	Name   string
	OrgCol string
}

// ByProvince are the tables that grow with the members: each row carries
// the province of its organisation (ProvinceOf its path).
var ByProvince = []provinceTable{
	{"members", "org_id"},
	{"org_stats", "org_id"},
}

// Rehome gives prov as province to the rows of every table kept by province
// whose organisation lies in the subtree [lo, hi) (a subtree moved to
// another province).
func (db *DB) Rehome(ctx context.Context, tx *sql.Tx, prov int64, lo, hi string) error {
	for _, t := range ByProvince {
		if _, err := tx.ExecContext(ctx, `UPDATE `+t.Name+` SET province_id = $1
			WHERE `+t.OrgCol+` IN (SELECT id FROM orgs WHERE path >= $2 AND path < $3)`, prov, lo, hi); err != nil {
			return err
		}
	}
	return nil
}
