package cppcc

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mfonda/simhash"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/spam"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// What the domains of the public channel share: fingerprints of texts,
// the public history, the moderators' samples, receipt codes and the proof
// of work spent.

// Fingerprint is a text's SimHash over the character trigrams of its
// normalised form (near duplicates differ in a few bits).
func Fingerprint(text string) int64 {
	rs := []rune(spam.Normalize(text).Compact)
	var fs [][]byte
	for i := 0; i+3 <= len(rs); i++ {
		fs = append(fs, []byte(string(rs[i:i+3])))
	}
	if len(fs) == 0 {
		fs = append(fs, []byte(string(rs)))
	}
	return int64(simhash.SimhashBytes(fs))
}

// NearDuplicate is how many bits two fingerprints may differ in.
const NearDuplicate = 6

// PublicEvents are the history of a case, an item or a comment (notices:
// only what its sender was told), its steps and states said by label and
// states.
func (s *Service) PublicEvents(ctx context.Context, q store.Querier, c committee.Committee, object string, id int64, notices bool, label func(action string) string, states vocab.Enum) ([]Event, error) {
	where := ""
	if notices {
		where = " AND notice"
	}
	events, err := store.Query(ctx, q, func(r store.Scanner) (Event, error) {
		var e Event
		err := r.Scan(&e.Action, &e.From, &e.To, &e.Note, &e.By, &e.by, &e.At)
		e.Object, e.ActionLabel, e.ToLabel = object, label(e.Action), states.Label(e.To)
		e.At = e.At.UTC()
		if notices {
			e.By = ""
		}
		return e, err
	}, "SELECT action, from_state, to_state, note, by_name, by_user, at FROM public_events WHERE object = $1 AND object_id = $2"+where+store.InProvince("province_id", c.Province())+" ORDER BY id", object, id)
	if err != nil || notices {
		return events, err
	}
	return events, s.byName(ctx, q, c.Province(), events)
}

// Learn keeps a moderator's decision and teaches the filter.
func (s *Service) Learn(ctx context.Context, tx *sql.Tx, text string, isSpam bool, filter *spam.Model) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO spam_samples (text, spam, source, created_by, created_at) VALUES ($1, $2, 'moderation', $3, $4)",
		text, isSpam, NullUser(ctx), s.now()); err != nil {
		if err != nil {
			return fmt.Errorf("keep moderator's sample: %w", err)
		}
		return nil
	}
	if filter != nil {
		filter.Learn(text, isSpam)
	}
	return nil
}

// Teach is a model that learnt the labelled set and every moderator's decision kept.
func (s *Service) Teach(ctx context.Context) (*spam.Model, error) {
	m := spam.Trained()
	type sample struct {
		text string
		spam bool
	}
	rows, err := store.Query(ctx, s.DB, func(r store.Scanner) (sample, error) {
		var x sample
		return x, r.Scan(&x.text, &x.spam)
	}, "SELECT text, spam FROM spam_samples ORDER BY id")
	for _, r := range rows {
		m.Learn(r.text, r.spam)
	}
	if err != nil {
		return m, fmt.Errorf("teach filter: %w", err)
	}
	return m, nil
}

// receiptAlphabet has no letters read alike (no I, L, O, U).
const receiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReceipt is a receipt code: the committee's number, then twelve random
// characters (60 bits) in groups of four.
func NewReceipt(committee int64) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	var out strings.Builder
	out.WriteString(strconv.FormatInt(committee, 10))
	for i, x := range b {
		if i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(receiptAlphabet[int(x)%len(receiptAlphabet)])
	}
	return out.String()
}

// NormalizeReceipt is a receipt code in the form it is looked up by,
// however it was typed; the look-up limit of a code counts this form.
func NormalizeReceipt(code string) string {
	var cs []rune
	for _, r := range strings.ToUpper(code) {
		if r >= '０' && r <= 'Ｚ' { // typed in full width, as a Chinese keyboard may
			r -= '０' - '0'
		}
		switch {
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case (r < '0' || r > '9') && (r < 'A' || r > 'Z'):
			continue // spaces, dashes of any width
		}
		cs = append(cs, r)
	}
	if len(cs) <= 12 {
		return string(cs)
	}
	head, tail := string(cs[:len(cs)-12]), string(cs[len(cs)-12:])
	return head + "-" + tail[:4] + "-" + tail[4:8] + "-" + tail[8:]
}

// parseReceipt is a code's committee and its normalised form.
func parseReceipt(code string) (int64, string, bool) {
	code = NormalizeReceipt(code)
	head, _, ok := strings.Cut(code, "-")
	id, err := strconv.ParseInt(head, 10, 64)
	return id, code, ok && err == nil && len(code) == len(head)+15
}

// FindReceipt is the committee of a receipt code and the condition (on the
// columns of the alias) finding its row by the code's hash under every key
// of the ring, in the committee's province; what names the row when it is not found.
func (s *Service) FindReceipt(ctx context.Context, q store.Querier, code, alias, what string) (committee.Committee, string, []any, error) {
	cid, code, ok := parseReceipt(code)
	if !ok {
		return committee.Committee{}, "", nil, apperr.NotFound(what)
	}
	c, err := s.Lookup(ctx, q, store.All, cid, "committee")
	if err != nil {
		return c, "", nil, apperr.NotFound(what)
	}
	cond, args := s.UnderEveryKey(alias+"receipt_hash", code, nil)
	return c, cond + store.InProvince(alias+"province_id", c.Province()), args, nil
}

// proof is a verified proof of work a submission carries, spent in the
// transaction that stores the submission (a solution is good for one).
type proof struct {
	key     string
	expires time.Time
}

type proofKey struct{}

// WithProof is ctx carrying a verified proof of work's key (its challenge,
// kept in pow_spent.salt), to be spent with the letter or the comment it
// came with.
func WithProof(ctx context.Context, key string, expires time.Time) context.Context {
	return context.WithValue(ctx, proofKey{}, proof{key, expires.UTC()})
}

// ErrSpent refuses a proof of work used already.
var ErrSpent = apperr.New("proof_of_work", http.StatusBadRequest, "安全验证已经用过,请稍候片刻让页面重新完成验证后再提交")

// SweepProofs forgets the spent proofs of work that have expired (an
// expired one is refused anyway).
func (s *Service) SweepProofs(ctx context.Context) error {
	_, err := s.DB.ExecContext(ctx, "DELETE FROM pow_spent WHERE expires_at < $1", s.now().UTC())
	if err != nil {
		return fmt.Errorf("sweep proofs of work: %w", err)
	}
	return nil
}

// Spend marks the proof of work of ctx as used, in tx; ErrSpent when it was.
func Spend(ctx context.Context, tx *sql.Tx) error {
	p, ok := ctx.Value(proofKey{}).(proof)
	if !ok {
		return nil
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO pow_spent (salt, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", p.key, p.expires)
	if err != nil {
		return fmt.Errorf("spend proof of work: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrSpent
	}
	return nil
}
