package cppcc

import (
	"context"
	"database/sql"
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

// Reencrypt seals under the newest key, batch rows a transaction (a key
// rotation), the members' phones and the senders of letters (name, phone,
// ID number), and computes the senders' lookup hashes anew (a repeat is
// found by them); it returns how many rows it changed. A row changed
// meanwhile is left for the next pass.
func (s *Service) Reencrypt(ctx context.Context, batch int) (int, error) {
	active := secret.Prefix(s.Box.Active())
	members, err := store.Reseal(ctx, s.DB, batch, "SELECT id, phone_enc FROM cppcc_members WHERE id > $1 AND phone_enc <> '' AND phone_enc NOT LIKE $2 ORDER BY id LIMIT $3",
		active, s.Box.Open, func(ctx context.Context, tx *sql.Tx, id int64, sealed, plain []string) error {
			_, err := tx.ExecContext(ctx, "UPDATE cppcc_members SET phone_enc = $1 WHERE id = $2 AND phone_enc = $3", s.Box.Seal(plain[0]), id, sealed[0])
			return err
		}, nil)
	if err != nil {
		return members, err
	}
	senders, err := store.Reseal(ctx, s.DB, batch, `SELECT id, name_enc, phone_enc, idno_enc FROM cases WHERE id > $1
		AND ((name_enc <> '' AND name_enc NOT LIKE $2) OR (phone_enc <> '' AND phone_enc NOT LIKE $2) OR (idno_enc <> '' AND idno_enc NOT LIKE $2)) ORDER BY id LIMIT $3`,
		active, s.Box.Open, func(ctx context.Context, tx *sql.Tx, id int64, sealed, plain []string) error {
			nameEnc, nameHash := s.Seal(plain[0])
			phoneEnc, phoneHash := s.Seal(plain[1])
			idEnc, idHash := s.Seal(plain[2])
			_, err := tx.ExecContext(ctx, `UPDATE cases SET name_enc = $1, name_hash = $2, phone_enc = $3, phone_hash = $4, idno_enc = $5, idno_hash = $6
				WHERE id = $7 AND name_enc = $8 AND phone_enc = $9 AND idno_enc = $10`, nameEnc, nameHash, phoneEnc, phoneHash, idEnc, idHash, id, sealed[0], sealed[1], sealed[2])
			return err
		}, nil)
	return members + senders, err
}
