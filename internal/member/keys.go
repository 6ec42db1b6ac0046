package member

import (
	"context"
	"database/sql"
	"fmt"

	"dangjian/internal/secret"
	"dangjian/internal/store"
)

// Reencrypt re-seals, in batches of batch rows each in its own short
// transaction, every person's ID number and phone not yet under the newest
// key, and recomputes their lookup hash. The server keeps serving meanwhile.
// The free-text personal fields (mobile members' contacts, requested
// changes) are sealed again likewise. It returns how many people it changed.
func (s *Service) Reencrypt(ctx context.Context, batch int, progress func(done int)) (int, error) {
	done, err := s.reseal(ctx, batch, `SELECT id, id_enc, phone_enc FROM members
		WHERE id > $1 AND (id_enc NOT LIKE $2`+store.LikeEscape+` OR (phone_enc <> '' AND phone_enc NOT LIKE $2`+store.LikeEscape+`)) ORDER BY id LIMIT $3`, s.Box.Open,
		func(ctx context.Context, tx *sql.Tx, id int64, _, v []string) error {
			var prov int64
			if err := tx.QueryRowContext(ctx, "SELECT province_id FROM members WHERE id = $1", id).Scan(&prov); err != nil {
				return fmt.Errorf("re-encrypt members: %w", err)
			}
			_, err := tx.ExecContext(ctx, "UPDATE members SET id_enc = $1, id_hash = $2, phone_enc = $3, id_tail4 = $4, id_tail6 = $5, id_head6 = $6, phone_hash = $7 WHERE id = $8",
				append(append([]any{s.Box.Seal(v[0]), s.Box.Hash(v[0]), s.Box.Seal(v[1])}, s.partHashes(v[0], v[1])...), id)...)
			if err != nil {
				return fmt.Errorf("re-encrypt members: %w", err)
			}
			return renumber(ctx, tx, s.Box.Hashes(v[0]), s.Box.Hash(v[0]), prov)
		}, progress)
	if err != nil {
		return done, fmt.Errorf("re-encrypt members: %w", err)
	}
	return done, s.SealText(ctx, batch)
}

// SealText seals under the newest key every free-text personal field
// (mobile members' contacts, requested changes) that is not: those of a
// rotation's older key, and those an installation stored in the clear
// before such fields were sealed (the server calls it at start).
func (s *Service) SealText(ctx context.Context, batch int) error {
	for _, f := range []struct{ table, col string }{{"mobile_records", "contact"}, {"change_requests", "changes"}} {
		_, err := s.reseal(ctx, batch, "SELECT id, "+f.col+" FROM "+f.table+" WHERE id > $1 AND "+f.col+" <> '' AND "+f.col+" NOT LIKE $2"+store.LikeEscape+" ORDER BY id LIMIT $3",
			s.openText, func(ctx context.Context, tx *sql.Tx, id int64, _, v []string) error {
				_, err := tx.ExecContext(ctx, "UPDATE "+f.table+" SET "+f.col+" = $1 WHERE id = $2", s.Box.Seal(v[0]), id)
				if err != nil {
					return fmt.Errorf("seal text: %w", err)
				}
				return nil
			}, nil)
		if err != nil {
			return fmt.Errorf("seal text: %w", err)
		}
	}
	return nil
}

// reseal is store.Reseal under the newest key of the service's box.
func (s *Service) reseal(ctx context.Context, batch int, query string, open func(string) (string, error),
	update func(ctx context.Context, tx *sql.Tx, id int64, sealed, plain []string) error, progress func(done int)) (int, error) {
	return store.Reseal(ctx, s.DB, batch, query, secret.Prefix(s.Box.Active()), open, update, progress)
}
