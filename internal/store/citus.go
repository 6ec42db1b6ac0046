package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Role is how a table is laid out on a Citus cluster.
type Role int

// The roles of tables (see the package comment, "Tables on a Citus cluster").
const (
	// Reference tables are small or joined by any column (vocabularies,
	// settings, users and grants, the organisation tree and its units): a
	// copy on every node, written in one distributed transaction.
	Reference Role = iota
	// Provincial tables grow with the members and are distributed by
	// province_id, all colocated: a province's rows of every such table live
	// on one worker, so that a request within a province is one worker's.
	Provincial
	// Keyed tables hold a rule of the whole country (one ID number on one
	// roster) and are distributed by their own key.
	Keyed
)

// Table is one table and its role; Key is the distribution column.
type Table struct {
	Name string
	Role Role
	Key  string
	// OrgCol names the column of a provincial table that holds each row's
	// organisation (empty: the row follows its member, MemberCol).
	OrgCol    string
	MemberCol string
	// CommitteeCol names the column holding a row's committee (the
	// consultative work); a row kept with a row of another table (a
	// proposal's co-signer with its proposal) names it by ParentCol in Parent.
	CommitteeCol      string
	Parent, ParentCol string
}

// Tables are every table of the schema with its role on a Citus cluster,
// reference tables first (distributed tables refer to them). A table
// missing here fails TestEveryTableHasARole.
var Tables = []Table{
	{Name: "orgs"}, {Name: "units"}, {Name: "users"}, {Name: "grants"}, {Name: "sessions"}, {Name: "api_tokens"},
	{Name: "settings"}, {Name: "audit_head"}, {Name: "audit_keyed"}, {Name: "report_templates"},
	{Name: "committee_templates"}, {Name: "summary_drafts"},
	{Name: "committees"}, {Name: "cppcc_lists"}, {Name: "cppcc_terms"}, {Name: "cppcc_sessions"},
	{Name: "calendar_days"}, {Name: "spam_samples"},
	// The anchor of the colocation group comes first.
	{Name: "members", Role: Provincial, OrgCol: "org_id"},
	{Name: "org_stats", Role: Provincial, OrgCol: "org_id"},
	{Name: "stage_events", Role: Provincial, MemberCol: "member_id"},
	{Name: "change_requests", Role: Provincial, MemberCol: "member_id"},
	{Name: "transfers", Role: Provincial, MemberCol: "member_id"},
	{Name: "mobile_records", Role: Provincial, OrgCol: "org_id"},
	{Name: "audit_log", Role: Provincial},
	// A province's chain head, kept with the last entry it names.
	{Name: "audit_chains", Role: Provincial, Parent: "audit_log", ParentCol: "last_id"},
	{Name: "attachments", Role: Provincial, OrgCol: "org_id"},
	{Name: "reminders", Role: Provincial, OrgCol: "org_id"},
	{Name: "links", Role: Provincial, OrgCol: "org_id"},
	{Name: "visits", Role: Provincial, OrgCol: "org_id"},
	{Name: "pairings", Role: Provincial, OrgCol: "org_id"},
	{Name: "pairing_items", Role: Provincial, OrgCol: "org_id"},
	{Name: "pairing_progress", Role: Provincial, OrgCol: "org_id"},
	{Name: "funds", Role: Provincial, OrgCol: "org_id"},
	{Name: "disbursements", Role: Provincial, OrgCol: "org_id"},
	{Name: "cobuilds", Role: Provincial, OrgCol: "org_id"},
	{Name: "cobuild_items", Role: Provincial, OrgCol: "org_id"},
	{Name: "posts", Role: Provincial, OrgCol: "org_id"},
	{Name: "activities", Role: Provincial, OrgCol: "org_id"},
	{Name: "activity_people", Role: Provincial, OrgCol: "org_id"},
	{Name: "trainings", Role: Provincial, OrgCol: "org_id"},
	{Name: "training_people", Role: Provincial, OrgCol: "org_id"},
	{Name: "sites", Role: Provincial, OrgCol: "org_id"},
	{Name: "exchanges", Role: Provincial, OrgCol: "org_id"},
	{Name: "cultivations", Role: Provincial, OrgCol: "org_id"},
	{Name: "candidates", Role: Provincial, OrgCol: "org_id"},
	{Name: "talent_requests", Role: Provincial, OrgCol: "org_id"},
	{Name: "selections", Role: Provincial, OrgCol: "org_id"},
	{Name: "reviews", Role: Provincial, OrgCol: "org_id"},
	{Name: "library_docs", Role: Provincial, OrgCol: "org_id"},
	// Party dues: a base and an account follow their member, a payment, a
	// remittance and an organisation's ledger stay with their organisation.
	{Name: "dues_bases", Role: Provincial, MemberCol: "member_id"},
	{Name: "dues_accounts", Role: Provincial, MemberCol: "member_id"},
	{Name: "dues_payments", Role: Provincial, OrgCol: "org_id"},
	{Name: "dues_ledgers", Role: Provincial, OrgCol: "org_id"},
	{Name: "dues_remittances", Role: Provincial, OrgCol: "org_id"},
	// The consultative work: a committee's rows in the province of its path in the committees' tree.
	{Name: "cppcc_members", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "proposals", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "proposal_signers", Role: Provincial, Parent: "proposals", ParentCol: "proposal_id"},
	{Name: "proposal_units", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "proposal_events", Role: Provincial, Parent: "proposals", ParentCol: "proposal_id"},
	{Name: "cppcc_stats", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "cppcc_activities", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "cppcc_attendance", Role: Provincial, Parent: "cppcc_activities", ParentCol: "activity_id"},
	{Name: "cppcc_instructions", Role: Provincial, Parent: "cppcc_activities", ParentCol: "activity_id"},
	{Name: "cppcc_activity_files", Role: Provincial, Parent: "cppcc_activities", ParentCol: "activity_id"},
	{Name: "cppcc_briefs", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "cppcc_files", Role: Provincial, Parent: "proposals", ParentCol: "proposal_id"},
	{Name: "cppcc_honours", Role: Provincial, CommitteeCol: "committee_id"},
	// The public channel, in the province of its committee.
	{Name: "opinions", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "opinion_issues", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "opinion_adoptions", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "cases", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "public_events", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "case_files", Role: Provincial, Parent: "cases", ParentCol: "case_id"},
	{Name: "clocks", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "forum_posts", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "forum_comments", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "forum_votes", Role: Provincial, CommitteeCol: "committee_id"},
	{Name: "pow_spent", Role: Keyed, Key: "salt"},
	{Name: "id_numbers", Role: Keyed, Key: "id_hash"},
}

// detectCitus tells whether the database has the Citus extension.
func detectCitus(ctx context.Context, q Querier) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_extension WHERE extname = 'citus'").Scan(&n); err != nil {
		return false, fmt.Errorf("look for the Citus extension: %w", err)
	}
	return n > 0, nil
}

// DistributeShards is the number of shards of the provincial tables (and of
// each keyed table) when they are distributed; tests take fewer.
var DistributeShards = 32

// distribute lays the tables out on the Citus cluster by their roles: each
// table not yet known to Citus loses the constraints Citus cannot hold
// (foreign keys to distributed tables; unique keys without the distribution
// column, which is prepended) and is made a reference table or distributed.
// It returns how many tables it laid out; it does nothing the second time.
func (db *DB) distribute(ctx context.Context) (int, error) {
	done := 0
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		done, err = layout(ctx, tx)
		return err
	})
	return done, err
}

// layoutSettings are the settings of a transaction that lays tables out:
// one connection a worker (later statements of the transaction see the new
// shards), the shard count, and the audit trail's append-only guard, which
// raises an error and touches nothing else, run on the shards as it is.
func layoutSettings(ctx context.Context, tx *sql.Tx) error {
	for _, s := range []string{
		"SET LOCAL citus.multi_shard_modify_mode TO 'sequential'",
		fmt.Sprintf("SET LOCAL citus.shard_count TO %d", DistributeShards),
		"SET LOCAL citus.enable_unsafe_triggers TO on",
	} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// laidOut names the tables of the current schema that Citus knows.
func laidOut(ctx context.Context, q Querier) (map[string]bool, error) {
	laid, err := Query(ctx, q, func(sc Scanner) (string, error) {
		var n string
		return n, sc.Scan(&n)
	}, `SELECT c.relname FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
		WHERE c.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, fmt.Errorf("read the tables Citus knows: %w", err)
	}
	known := map[string]bool{}
	for _, n := range laid {
		known[n] = true
	}
	return known, nil
}

// layout lays out in tx, by their roles, the tables of Tables that Citus
// does not know yet, and returns how many.
func layout(ctx context.Context, tx *sql.Tx) (int, error) {
	done := 0
	if err := layoutSettings(ctx, tx); err != nil {
		return done, err
	}
	known, err := laidOut(ctx, tx)
	if err != nil {
		return done, err
	}
	// A table of a later migration than the schema's is not there yet.
	present, err := Query(ctx, tx, func(sc Scanner) (string, error) {
		var n string
		return n, sc.Scan(&n)
	}, "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')")
	if err != nil {
		return done, fmt.Errorf("read the schema's tables: %w", err)
	}
	for _, t := range Tables {
		if !slices.Contains(present, t.Name) {
			known[t.Name] = true
		}
	}
	// Foreign keys come off first (Citus would otherwise turn a table
	// referring to a new reference table into a local one) and those
	// to reference tables go back on at the end.
	reference := map[string]bool{}
	for _, t := range Tables {
		reference[t.Name] = t.Role == Reference
	}
	var keep []foreignKey
	for _, t := range Tables {
		if known[t.Name] {
			continue
		}
		fks, err := dropForeignKeys(ctx, tx, t.Name)
		if err != nil {
			return done, err
		}
		for _, fk := range fks {
			if reference[fk.ref] {
				keep = append(keep, fk)
			}
		}
	}
	for _, t := range Tables {
		if known[t.Name] {
			continue
		}
		var q string
		switch t.Role {
		case Reference:
			q = "SELECT create_reference_table($1)"
		case Provincial:
			if err := keysWith(ctx, tx, t.Name, "province_id"); err != nil {
				return done, err
			}
			q = "SELECT create_distributed_table($1, 'province_id', colocate_with => 'members')"
			if t.Name == "members" {
				q = "SELECT create_distributed_table($1, 'province_id', colocate_with => 'none')"
			}
		case Keyed:
			q = "SELECT create_distributed_table($1, '" + t.Key + "', colocate_with => 'none')"
		}
		if _, err := tx.ExecContext(ctx, q, t.Name); err != nil {
			return done, fmt.Errorf("distribute %s: %w", t.Name, err)
		}
		done++
	}
	for _, fk := range keep {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+fk.table+` ADD CONSTRAINT "`+fk.name+`" `+fk.def); err != nil {
			return done, fmt.Errorf("foreign key %s: %w", fk.name, err)
		}
	}
	return done, nil
}

// foreignKey is a foreign key of table to ref.
type foreignKey struct{ table, name, def, ref string }

// dropForeignKeys drops table's foreign keys and returns them. Citus holds
// foreign keys only to reference tables (or between colocated tables on
// the distribution column); the application checks the others itself,
// within the caller's scope.
func dropForeignKeys(ctx context.Context, tx *sql.Tx, table string) ([]foreignKey, error) {
	fks, err := Query(ctx, tx, func(sc Scanner) (foreignKey, error) {
		fk := foreignKey{table: table}
		return fk, sc.Scan(&fk.name, &fk.def, &fk.ref)
	}, `SELECT con.conname, pg_get_constraintdef(con.oid), ref.relname FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class ref ON ref.oid = con.confrelid
		WHERE con.contype = 'f' AND c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`, table)
	if err != nil {
		return nil, fmt.Errorf("read the foreign keys of %s: %w", table, err)
	}
	for _, fk := range fks {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+table+` DROP CONSTRAINT "`+fk.name+`"`); err != nil {
			return nil, fmt.Errorf("drop foreign key %s of %s: %w", fk.name, table, err)
		}
	}
	return fks, nil
}

var columnList = regexp.MustCompile(`\(([^()]*)\)`)

// keysWith makes every primary key, unique constraint and unique index of
// table include col (first), as Citus requires of a distributed table. A
// key that held over the whole table now holds within a province; the keys
// that must hold over the country have their own keyed table (id_numbers).
func keysWith(ctx context.Context, tx *sql.Tx, table, col string) error {
	cons, err := namedDefs(ctx, tx, `SELECT con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid
		WHERE con.contype IN ('p', 'u') AND c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`, table)
	if err != nil {
		return fmt.Errorf("read the keys of %s: %w", table, err)
	}
	idxs, err := namedDefs(ctx, tx, `SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		WHERE x.indisunique AND c.relname = $1 AND c.relnamespace = current_schema()::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid)`, table)
	if err != nil {
		return fmt.Errorf("read the unique indexes of %s: %w", table, err)
	}
	for _, k := range cons {
		def, changed := keyWith(k.def, col)
		if !changed {
			continue
		}
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+table+` DROP CONSTRAINT "`+k.name+`"`); err != nil {
			return fmt.Errorf("drop key %s of %s: %w", k.name, table, err)
		}
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+table+` ADD CONSTRAINT "`+k.name+`" `+def); err != nil {
			return fmt.Errorf("add key %s of %s with %s: %w", k.name, table, col, err)
		}
		// A look-up by the key alone (a member by id, from the whole
		// country) still reads an index on every shard, not the shard.
		if m := columnList.FindStringSubmatch(k.def); m != nil {
			if _, err := tx.ExecContext(ctx, `CREATE INDEX "`+k.name+`_alone" ON `+table+` (`+m[1]+`)`); err != nil {
				return fmt.Errorf("index %s_alone of %s: %w", k.name, table, err)
			}
		}
	}
	for _, k := range idxs {
		def, changed := keyWith(k.def, col)
		if !changed {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+k.name+`"`); err != nil {
			return fmt.Errorf("drop index %s of %s: %w", k.name, table, err)
		}
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("index %s of %s with %s: %w", k.name, table, col, err)
		}
	}
	return nil
}

// keyWith puts col first in the column list of a key's definition (a
// constraint's or a unique index's), unless the list holds it already.
func keyWith(def, col string) (string, bool) {
	m := columnList.FindStringSubmatchIndex(def)
	if m == nil {
		return def, false
	}
	for _, c := range strings.Split(def[m[2]:m[3]], ",") {
		if strings.TrimSpace(c) == col {
			return def, false
		}
	}
	return def[:m[2]] + col + ", " + def[m[2]:], true
}

// namedDef is a constraint's or an index's name and definition.
type namedDef struct{ name, def string }

// namedDefs lists the names and definitions query returns for table.
func namedDefs(ctx context.Context, tx *sql.Tx, query, table string) ([]namedDef, error) {
	return Query(ctx, tx, func(sc Scanner) (namedDef, error) {
		var k namedDef
		return k, sc.Scan(&k.name, &k.def)
	}, query, table)
}
