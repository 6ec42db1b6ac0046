package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
)

// Column names a column of a table.
type Column struct{ Table, Name string }

func (c Column) String() string { return c.Table + "." + c.Name }

// What the key ring (internal/secret) protects in the schema, by what a key
// rotation (`dangjian keys rotate`) does with it. TestKeyedColumnsListed
// checks the schema against these lists (every column named like a sealed
// value or a hash, KeyedName, is in one of them, and every column listed
// exists), so that a new one cannot be left out of a rotation; the
// rotation's test checks that no value of Sealed is left under the older key
// and that every value of Rehashed is computed anew.
var (
	// Sealed columns hold values of secret.Box.Seal: a rotation seals them
	// again under the newest key.
	Sealed = []Column{
		{"members", "id_enc"}, {"members", "phone_enc"}, {"mobile_records", "contact"}, {"change_requests", "changes"},
		{"cppcc_members", "phone_enc"}, {"cases", "name_enc"}, {"cases", "phone_enc"}, {"cases", "idno_enc"},
	}
	// Rehashed columns hold keyed hashes (secret.Box.Hash) of sealed
	// values: a rotation computes them under the newest key.
	Rehashed = []Column{
		{"members", "id_hash"}, {"members", "id_tail4"}, {"members", "id_tail6"}, {"members", "id_head6"}, {"members", "phone_hash"},
		{"id_numbers", "id_hash"}, {"cases", "name_hash"}, {"cases", "phone_hash"}, {"cases", "idno_hash"},
	}
	// Remembered columns hold keyed hashes of values stored nowhere (receipt
	// codes, visitors' addresses): no rotation can compute them anew, so
	// they are looked up under every key of the ring.
	Remembered = []Column{{"cases", "receipt_hash"}, {"forum_comments", "receipt_hash"}, {"forum_votes", "voter"}}
	// Unkeyed columns are hashes that are not the ring's: argon2id
	// passwords, SHA-256 of tokens, the audit chain (whose MACs name their key).
	Unkeyed = []Column{
		{"users", "password_hash"}, {"sessions", "token_hash"}, {"api_tokens", "token_hash"},
		{"audit_log", "prev_hash"}, {"audit_log", "hash"}, {"audit_head", "hash"}, {"audit_chains", "hash"},
	}
)

// KeyedName matches the names of columns that hold a sealed value (…_enc)
// or a hash (…_hash, hash): each must be in one of the lists above.
var KeyedName = regexp.MustCompile(`(^|_)(enc|hash)$`)

// Unsealed counts the values of the Sealed columns that are not sealed
// under the key whose values begin with prefix (none after a rotation).
func Unsealed(ctx context.Context, q Querier, prefix string) (map[Column]int, error) {
	out := map[Column]int{}
	for _, c := range Sealed {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.Table+" WHERE "+c.Name+" <> '' AND "+c.Name+" NOT LIKE $1"+LikeEscape, Prefix(prefix)).Scan(&n); err != nil {
			return nil, fmt.Errorf("count the values of %s.%s under older keys: %w", c.Table, c.Name, err)
		}
		if n > 0 {
			out[c] = n
		}
	}
	return out, nil
}

// Reseal walks the rows query finds ($1 the last id done, $2 the LIKE
// pattern of values sealed under the key whose values begin with active,
// made by Prefix, so that the query follows it with LikeEscape; $3 the
// batch) in batches, each in a transaction of its own: every row's id and
// sealed columns, as stored and opened with open, go to update. It returns
// how many rows it gave to update.
func Reseal(ctx context.Context, db *DB, batch int, query, active string, open func(string) (string, error),
	update func(ctx context.Context, tx *sql.Tx, id int64, sealed, plain []string) error, progress func(done int)) (int, error) {
	done := 0
	var after int64
	for {
		n := 0
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, query, after, Prefix(active), batch)
			if err != nil {
				return fmt.Errorf("read the rows to seal again: %w", err)
			}
			cols, _ := rows.Columns()
			type row struct {
				id            int64
				sealed, plain []string
			}
			var todo []row
			for rows.Next() {
				r := row{sealed: make([]string, len(cols)-1)}
				dest := []any{&r.id}
				for i := range r.sealed {
					dest = append(dest, &r.sealed[i])
				}
				if err := rows.Scan(dest...); err != nil {
					rows.Close()
					return fmt.Errorf("read a row to seal again: %w", err)
				}
				for _, v := range r.sealed {
					p, err := open(v)
					if err != nil {
						rows.Close()
						return fmt.Errorf("open the sealed values of row %d: %w", r.id, err)
					}
					r.plain = append(r.plain, p)
				}
				todo = append(todo, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("read the rows to seal again: %w", err)
			}
			for _, r := range todo {
				if err := update(ctx, tx, r.id, r.sealed, r.plain); err != nil {
					return err
				}
				after = r.id
			}
			n = len(todo)
			return nil
		})
		if err != nil {
			return done, err
		}
		done += n
		if progress != nil && n > 0 {
			progress(done)
		}
		if n < batch {
			return done, nil
		}
	}
}
