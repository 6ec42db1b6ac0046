package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/store"
)

// digest is the hash that chains the entry: the SHA-256 of its fields and
// the previous hash, keyed by the signer (an HMAC under a key kept apart
// from the database) when there is one, so that the chain cannot be
// written anew without the key.
func (e Entry) digest(s store.Signer) string {
	sum := e.sum()
	if s != nil {
		return s.MAC(sum)
	}
	return hex.EncodeToString(sum)
}

// keyed tells whether a stored hash was made with a key.
func keyed(hash string) bool { return strings.HasPrefix(hash, "a") && strings.Contains(hash, ":") }

// intact tells whether the entry's stored hash is right for its fields.
func (e Entry) intact(s store.Signer) bool {
	if keyed(e.Hash) {
		return s != nil && s.CheckMAC(e.sum(), e.Hash)
	}
	return e.Hash == hex.EncodeToString(e.sum())
}

func (e Entry) sum() []byte {
	uid := ""
	if e.UserID != nil {
		uid = strconv.FormatInt(*e.UserID, 10)
	}
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), uid, e.Username, e.IP,
		e.Action, e.ObjectType, strconv.FormatInt(e.ObjectID, 10), e.OrgPath, string(e.Detail), e.PrevHash} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return h.Sum(nil)
}

// Problem is one entry Verify finds wrong.
type Problem struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// Verify walks the whole trail and names every entry that was edited, every
// gap where entries were deleted and a head that does not match the last
// entry: the single chain written before (up to audit_head), then each
// province's chain (up to its row of audit_chains).
func Verify(ctx context.Context, db *store.DB) ([]Problem, int64, error) {
	var out []Problem
	legacyLast, err := legacyBoundary(ctx, db, &out)
	if err != nil {
		return nil, 0, err
	}
	v := verifier{db: db, legacyLast: legacyLast, out: out}
	var headID int64
	var headHash string
	err = db.QueryRowContext(ctx, "SELECT last_id, hash FROM audit_head WHERE one = 1").Scan(&headID, &headHash)
	switch {
	case err == nil:
		v.legacyHead = &chainHead{lastID: headID, hash: headHash}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, 0, err
	}
	heads, err := store.Query(ctx, db, func(sc store.Scanner) (chainHead, error) {
		var h chainHead
		return h, sc.Scan(&h.province, &h.lastID, &h.hash)
	}, "SELECT province_id, last_id, hash FROM audit_chains")
	if err != nil {
		return nil, 0, fmt.Errorf("verify audit chains: %w", err)
	}
	v.heads, v.seen = map[int64]chainHead{}, map[int64]bool{}
	for _, h := range heads {
		v.heads[h.province] = h
	}
	rows, err := db.QueryContext(ctx, selectEntries+" ORDER BY seq IS NOT NULL, province_id, seq, id")
	if err != nil {
		return nil, 0, fmt.Errorf("verify audit chains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, v.n, err
		}
		v.entry(e)
	}
	if err := rows.Err(); err != nil {
		return nil, v.n, fmt.Errorf("verify audit chains: %w", err)
	}
	v.finish(heads)
	sort.SliceStable(v.out, func(i, j int) bool { return v.out[i].ID < v.out[j].ID })
	return v.out, v.n, nil
}

// chainHead is the kept head of a chain: its last entry and that entry's hash.
type chainHead struct {
	province, lastID int64
	hash             string
}

// verifier follows the chains entry by entry, in the order Verify reads them.
type verifier struct {
	db         *store.DB
	legacyLast int64
	legacyHead *chainHead
	heads      map[int64]chainHead
	seen       map[int64]bool
	out        []Problem
	n          int64
	// the chain being followed: legacy (the single one before) or a province's
	started, legacy bool
	province        int64
	lastID, lastSeq int64
	prev            string
}

func (v *verifier) entry(e Entry) {
	legacy := e.Seq == 0
	if v.started && (legacy != v.legacy || e.Province != v.province) {
		v.end()
	}
	if !v.started {
		v.started, v.legacy, v.province = true, legacy, e.Province
		v.lastID, v.lastSeq, v.prev = 0, 0, ""
	}
	v.n++
	if v.db.Signer != nil && !keyed(e.Hash) && e.ID > v.legacyLast {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条记录没有用密钥签名(审计链可能被不持有密钥的人整体改写)", e.ID)})
	}
	// The single chain numbered its entries by their ids; a province's by seq.
	at, last := e.ID, v.lastID
	if !legacy {
		at, last = e.Seq, v.lastSeq
	}
	if at != last+1 {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条之前缺少%d条记录(被删除)", e.ID, at-last-1)})
	}
	if e.PrevHash != v.prev {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条记录的前一条哈希与链不符(前一条被修改或删除)", e.ID)})
	}
	if !e.intact(v.db.Signer) {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条记录的内容与其哈希不符(被修改)", e.ID)})
	}
	v.lastID, v.lastSeq, v.prev = e.ID, e.Seq, e.Hash
}

// finish ends the last chain; a kept head whose chain had no entry left is
// named.
func (v *verifier) finish(heads []chainHead) {
	if v.started {
		v.end()
	}
	if v.legacyHead != nil {
		v.out = append(v.out, Problem{v.legacyHead.lastID, fmt.Sprintf("审计链头指向第%d条,而这条链的记录全部不见了(被删除)", v.legacyHead.lastID)})
	}
	for _, h := range heads {
		if !v.seen[h.province] {
			v.out = append(v.out, Problem{h.lastID, fmt.Sprintf("审计链头指向第%d条,而这条链的记录全部不见了(被删除)", h.lastID)})
		}
	}
}

// end compares the chain followed so far with its kept head.
func (v *verifier) end() {
	var h *chainHead
	if v.legacy {
		h, v.legacyHead = v.legacyHead, nil
	} else if kept, ok := v.heads[v.province]; ok {
		h = &kept
		v.seen[v.province] = true
	}
	switch {
	case h == nil:
		v.out = append(v.out, Problem{v.lastID, "审计链头记录缺失"})
	case h.lastID != v.lastID || h.hash != v.prev:
		v.out = append(v.out, Problem{h.lastID, fmt.Sprintf("审计链头指向第%d条,而最后一条是第%d条(末尾记录被删除或修改)", h.lastID, v.lastID)})
	}
	v.started = false
}

// KeyChain records, once, where the keyed chain begins: the entries written
// so far without a key (an older installation's) are the last ones that
// may be unkeyed. Called at start with the signer set.
func KeyChain(ctx context.Context, db *store.DB) error {
	if db.Signer == nil {
		return nil
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.Serialize(ctx, tx, lockKey); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_keyed").Scan(&n); err != nil || n > 0 {
			if err != nil {
				return fmt.Errorf("key chain: %w", err)
			}
			return nil
		}
		var last int64
		var hash string
		err := tx.QueryRowContext(ctx, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&last, &hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("key chain: %w", err)
		}
		if keyed(hash) {
			last = 0 // keyed from the first entry on
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO audit_keyed (one, legacy_last, mac) VALUES (1, $1, $2)", last, db.Signer.MAC(boundary(last)))
		if err != nil {
			return fmt.Errorf("key chain: %w", err)
		}
		return nil
	})
}

func boundary(last int64) []byte {
	return []byte("audit chain keyed after " + strconv.FormatInt(last, 10))
}

// legacyBoundary is the last entry that may be unkeyed (0 when there is no
// record of one: then every entry must be keyed); a record changed without
// the key is a problem.
func legacyBoundary(ctx context.Context, db *store.DB, out *[]Problem) (int64, error) {
	if db.Signer == nil {
		return 0, nil
	}
	var last int64
	var mac string
	err := db.QueryRowContext(ctx, "SELECT legacy_last, mac FROM audit_keyed WHERE one = 1").Scan(&last, &mac)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("legacy boundary: %w", err)
	}
	if !db.Signer.CheckMAC(boundary(last), mac) {
		*out = append(*out, Problem{0, "审计链起点记录与密钥不符(被改动),按全部记录均须签名校验"})
		return 0, nil
	}
	return last, nil
}

// Heads are the last entries of the trail's chains (the single one written
// before, if any, and each province's) with their hashes, to be kept
// outside the system (dangjian audit anchor) and compared later (dangjian
// audit verify --anchor), by id.
func Heads(ctx context.Context, db *store.DB) ([]Anchor, error) {
	return store.Query(ctx, db, func(sc store.Scanner) (Anchor, error) {
		var a Anchor
		return a, sc.Scan(&a.ID, &a.Hash)
	}, "SELECT last_id, hash FROM audit_head UNION ALL SELECT last_id, hash FROM audit_chains ORDER BY 1")
}

// Anchor is an entry and its hash as kept outside the system.
type Anchor struct {
	ID   int64
	Hash string
}

// CheckAnchor tells whether entry id still has the hash kept outside the system.
func CheckAnchor(ctx context.Context, db *store.DB, id int64, hash string) (bool, error) {
	var h string
	err := db.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE id = $1", id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && h == hash, err
}
