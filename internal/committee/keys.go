package committee

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"dangjian/internal/secret"
	"dangjian/internal/store"
)

// Seal is a sender's field sealed under the newest key and its lookup hash
// (both empty for a field not given).
func (s *Service) Seal(v string) (string, string) {
	if v == "" {
		return "", ""
	}
	return s.Box.Seal(v), s.Box.Hash(v)
}

// UnderEveryKey is the condition that col holds the lookup hash of v under
// any key of the ring (a rotation may be under way, or the value behind the
// hash is stored nowhere), its arguments appended to args.
func (s *Service) UnderEveryKey(col, v string, args []any) (string, []any) {
	hs := s.Box.Hashes(v)
	ph := make([]string, len(hs))
	for i, h := range hs {
		args = append(args, h)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")", args
}

// Reencrypt seals the members' phones under the newest key, batch rows a
// transaction (a key rotation); it returns how many rows it changed. A row
// changed meanwhile is left for the next pass.
func (s *Service) Reencrypt(ctx context.Context, batch int) (int, error) {
	active := secret.Prefix(s.Box.Active())
	return store.Reseal(ctx, s.DB, batch, "SELECT id, phone_enc FROM cppcc_members WHERE id > $1 AND phone_enc <> '' AND phone_enc NOT LIKE $2"+store.LikeEscape+" ORDER BY id LIMIT $3",
		active, s.Box.Open, func(ctx context.Context, tx *sql.Tx, id int64, sealed, plain []string) error {
			_, err := tx.ExecContext(ctx, "UPDATE cppcc_members SET phone_enc = $1 WHERE id = $2 AND phone_enc = $3", s.Box.Seal(plain[0]), id, sealed[0])
			if err != nil {
				return fmt.Errorf("re-encrypt members' phones: %w", err)
			}
			return nil
		}, nil)
}
