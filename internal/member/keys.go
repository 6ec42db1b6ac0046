package member

import (
	"context"
	"database/sql"

	"dangjian/internal/secret"
)

// Reencrypt re-seals, in batches of batch rows each in its own short
// transaction, every person's ID number and phone not yet under the newest
// key, and recomputes their lookup hash. The server keeps serving meanwhile.
// The free-text personal fields (mobile members' contacts, requested
// changes) are sealed again likewise. It returns how many people it changed.
func (s *Service) Reencrypt(ctx context.Context, batch int, progress func(done int)) (int, error) {
	done := 0
	var after int64
	for {
		active := s.Box.Active()
		n := 0
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, id_enc, phone_enc FROM members
				WHERE id > $1 AND (id_enc NOT LIKE $2 OR (phone_enc <> '' AND phone_enc NOT LIKE $2)) ORDER BY id LIMIT $3`,
				after, secret.Prefix(active)+"%", batch)
			if err != nil {
				return err
			}
			type row struct {
				id          int64
				idNo, phone string
			}
			var todo []row
			for rows.Next() {
				var r row
				var idEnc, phoneEnc string
				if err := rows.Scan(&r.id, &idEnc, &phoneEnc); err != nil {
					rows.Close()
					return err
				}
				if r.idNo, err = s.Box.Open(idEnc); err == nil {
					r.phone, err = s.Box.Open(phoneEnc)
				}
				if err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range todo {
				if _, err := tx.ExecContext(ctx, "UPDATE members SET id_enc = $1, id_hash = $2, phone_enc = $3 WHERE id = $4",
					s.Box.Seal(r.idNo), s.Box.Hash(r.idNo), s.Box.Seal(r.phone), r.id); err != nil {
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
			break
		}
	}
	for _, f := range []struct{ table, col string }{{"mobile_records", "contact"}, {"change_requests", "changes"}} {
		if err := s.reseal(ctx, f.table, f.col, batch); err != nil {
			return done, err
		}
	}
	return done, nil
}

// reseal seals again under the newest key every value of a sealed free-text
// column that is not under it (older values stored in the clear included).
func (s *Service) reseal(ctx context.Context, table, col string, batch int) error {
	var after int64
	for {
		n := 0
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, "SELECT id, "+col+" FROM "+table+" WHERE id > $1 AND "+col+" <> '' AND "+col+" NOT LIKE $2 ORDER BY id LIMIT $3",
				after, secret.Prefix(s.Box.Active())+"%", batch)
			if err != nil {
				return err
			}
			type row struct {
				id    int64
				plain string
			}
			var todo []row
			for rows.Next() {
				var r row
				var v string
				if err := rows.Scan(&r.id, &v); err != nil {
					rows.Close()
					return err
				}
				if r.plain, err = s.openText(v); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range todo {
				if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET "+col+" = $1 WHERE id = $2", s.Box.Seal(r.plain), r.id); err != nil {
					return err
				}
				after = r.id
			}
			n = len(todo)
			return nil
		})
		if err != nil || n < batch {
			return err
		}
	}
}
