package letters

import (
	"context"
	"database/sql"
	"fmt"

	"dangjian/internal/secret"
	"dangjian/internal/store"
)

// Reencrypt seals the senders of letters (name, phone, ID number) under the
// newest key, batch rows a transaction (a key rotation), and computes their
// lookup hashes anew (a repeat is found by them); it returns how many rows
// it changed. A row changed meanwhile is left for the next pass.
func (s *Service) Reencrypt(ctx context.Context, batch int) (int, error) {
	active := secret.Prefix(s.Box.Active())
	return store.Reseal(ctx, s.DB, batch, `SELECT id, name_enc, phone_enc, idno_enc FROM cases WHERE id > $1
		AND ((name_enc <> '' AND name_enc NOT LIKE $2`+store.LikeEscape+`) OR (phone_enc <> '' AND phone_enc NOT LIKE $2`+store.LikeEscape+`) OR (idno_enc <> '' AND idno_enc NOT LIKE $2`+store.LikeEscape+`)) ORDER BY id LIMIT $3`,
		active, s.Box.Open, func(ctx context.Context, tx *sql.Tx, id int64, sealed, plain []string) error {
			nameEnc, nameHash := s.Seal(plain[0])
			phoneEnc, phoneHash := s.Seal(plain[1])
			idEnc, idHash := s.Seal(plain[2])
			_, err := tx.ExecContext(ctx, `UPDATE cases SET name_enc = $1, name_hash = $2, phone_enc = $3, phone_hash = $4, idno_enc = $5, idno_hash = $6
				WHERE id = $7 AND name_enc = $8 AND phone_enc = $9 AND idno_enc = $10`, nameEnc, nameHash, phoneEnc, phoneHash, idEnc, idHash, id, sealed[0], sealed[1], sealed[2])
			if err != nil {
				return fmt.Errorf("re-encrypt senders: %w", err)
			}
			return nil
		}, nil)
}
