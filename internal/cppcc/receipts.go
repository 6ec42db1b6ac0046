package cppcc

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// Receipt is what the sender gets once: the code to follow the letter.
type Receipt struct {
	Code string `json:"code"`
	Case Case   `json:"case"`
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

// Tracked is a letter as its sender reads it with the receipt code: no
// score, no internal history, the notices sent to them.
type Tracked struct {
	ID           int64     `json:"id"`
	BoxLabel     string    `json:"box_label"`
	Title        string    `json:"title"`
	State        string    `json:"state"`
	StateLabel   string    `json:"state_label"`
	ReceivedOn   date.Date `json:"received_on"`
	UnitName     string    `json:"unit_name"`
	Reply        string    `json:"reply"`
	Review       string    `json:"review"`
	Recheck      string    `json:"recheck"`
	Satisfaction string    `json:"satisfaction"`
	Notices      []Event   `json:"notices"`
	Clocks       []Clock   `json:"clocks"`
	// May are the sender's steps open now: rate, request_review, request_recheck.
	May []string `json:"may"`
}

// ByReceipt finds the letter of a receipt code, or "not found".
func (s *Service) byReceipt(ctx context.Context, q store.Querier, code string) (Case, Committee, error) {
	c, where, args, err := s.FindReceipt(ctx, q, code, "x.", "回执码对应的来信")
	if err != nil {
		return Case{}, c, err
	}
	x, err := s.scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE "+where, args...))
	if apperr.IsNotFound(err) {
		return x, c, apperr.NotFound("回执码对应的来信")
	}
	return x, c, err
}

// FindReceipt is the committee of a receipt code and the condition (on the
// columns of the alias) finding its row by the code's hash under every key
// of the ring, in the committee's province; what names the row when it is not found.
func (s *Service) FindReceipt(ctx context.Context, q store.Querier, code, alias, what string) (Committee, string, []any, error) {
	cid, code, ok := parseReceipt(code)
	if !ok {
		return Committee{}, "", nil, apperr.NotFound(what)
	}
	c, err := s.Lookup(ctx, q, store.All, cid, "committee")
	if err != nil {
		return c, "", nil, apperr.NotFound(what)
	}
	cond, args := s.UnderEveryKey(alias+"receipt_hash", code, nil)
	return c, cond + store.InProvince(alias+"province_id", c.Province()), args, nil
}

// Track is the letter of a receipt code as its sender reads it.
func (s *Service) Track(ctx context.Context, code string) (Tracked, error) {
	x, c, err := s.byReceipt(ctx, s.DB, code)
	if err != nil {
		return Tracked{}, err
	}
	t := Tracked{ID: x.ID, BoxLabel: x.BoxLabel, Title: x.Title, State: x.State, StateLabel: x.StateLabel, ReceivedOn: x.ReceivedOn, UnitName: x.UnitName,
		Reply: x.Reply, Review: x.Review, Recheck: x.Recheck, Satisfaction: Ratings.Label(x.Satisfaction)}
	if x.State == "junk" { // the sender is not told how the letter was judged
		t.State, t.StateLabel = "received", "已收到"
	}
	if t.Notices, err = s.PublicEvents(ctx, s.DB, c, "case", x.ID, true, CaseActionLabel, CaseStates); err != nil {
		return t, err
	}
	if t.Clocks, err = s.Clocks(ctx, s.DB, c, "case", x.ID); err != nil {
		return t, err
	}
	for _, a := range []string{"rate", "request_review", "request_recheck"} {
		if s.senderMay(ctx, c, x, a) == nil {
			t.May = append(t.May, a)
		}
	}
	return t, nil
}

// senderMay tells why the sender may not take action now (nil: they may).
func (s *Service) senderMay(ctx context.Context, c Committee, x Case, action string) error {
	if _, ok := CaseSteps.Next("case", action, x.State); !ok {
		return refusedCase(x, action)
	}
	if action == "rate" {
		if x.Satisfaction != "" && x.State == "final" {
			return apperr.Conflict("已经评价过了")
		}
		return nil
	}
	if x.Box != "petition" {
		return apperr.Rule("只有信访件可以请求复查、复核")
	}
	window := map[string]string{"request_review": "review_window", "request_recheck": "recheck_window"}[action]
	ks, err := s.Clocks(ctx, s.DB, c, "case", x.ID)
	if err != nil {
		return err
	}
	for _, k := range ks {
		if k.Period == window && k.Clock.StoppedOn.IsZero() {
			if k.State.Overdue {
				return apperr.Rule("请求的期限已于%s届满", k.State.Due.Chinese())
			}
			return nil
		}
	}
	return apperr.Rule("现在不能请求")
}

// Answer is the sender's step with the receipt code: rate, request_review
// (with the reasons) or request_recheck.
func (s *Service) Answer(ctx context.Context, code string, in CaseAction) (Tracked, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, c, err := s.byReceipt(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := s.senderMay(ctx, c, x, in.Action); err != nil {
			return err
		}
		today := s.today()
		switch in.Action {
		case "rate":
			r, ok := Ratings.Parse(in.Rating)
			if !ok {
				return apperr.InvalidField("rating", "评价应为 %s 之一", Ratings.Labels())
			}
			if r == "unsatisfied" || x.State == "final" {
				// recorded; the case stays where it is (the sender may still ask for 复查 / 复核)
				if err := store.Swap(ctx, tx, "来信", "UPDATE cases SET satisfaction = $1, updated_at = $2 WHERE id = $3 AND state = $4"+store.InProvince("province_id", x.province), r, s.now(), x.ID, x.State); err != nil {
					return err
				}
				if err := s.caseEvent(ctx, tx, c, x, "rate", x.State, x.State, Ratings.Label(r), false); err != nil {
					return err
				}
			} else {
				for _, w := range []string{"review_window", "recheck_window"} {
					if _, err := s.StopClock(ctx, tx, c, "case", x.ID, w); err != nil {
						return err
					}
				}
				if err := store.Swap(ctx, tx, "来信", "UPDATE cases SET state = 'closed', satisfaction = $1, updated_at = $2 WHERE id = $3 AND state = $4"+store.InProvince("province_id", x.province), r, s.now(), x.ID, x.State); err != nil {
					return err
				}
				if err := s.caseEvent(ctx, tx, c, x, "rate", x.State, "closed", Ratings.Label(r), false); err != nil {
					return err
				}
			}
		case "request_review", "request_recheck":
			reason, err := Text("text", "请求的理由", in.Text, 3000)
			if err != nil {
				return err
			}
			window, period, stage := "review_window", "review", 1
			if in.Action == "request_recheck" {
				window, period, stage = "recheck_window", "recheck", 2
			}
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, window); err != nil {
				return err
			}
			if err := s.StartClock(ctx, tx, c, "case", x.ID, period, today); err != nil {
				return err
			}
			if err := s.stepCase(ctx, tx, c, x, in.Action, reason, false, "stage = $3", stage); err != nil {
				return err
			}
		default:
			return apperr.InvalidField("action", "不认识的操作“%s”", in.Action)
		}
		return s.recase(ctx, tx, c, x, x.ID)
	})
	if err != nil {
		return Tracked{}, err
	}
	return s.Track(ctx, code)
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
	return err
}

// Spend marks the proof of work of ctx as used, in tx; ErrSpent when it was.
func Spend(ctx context.Context, tx *sql.Tx) error {
	p, ok := ctx.Value(proofKey{}).(proof)
	if !ok {
		return nil
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO pow_spent (salt, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", p.key, p.expires)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrSpent
	}
	return nil
}
