package letters

import (
	"context"
	"database/sql"
	"fmt"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// Receipt is what the sender gets once: the code to follow the letter.
type Receipt struct {
	Code string `json:"code"`
	Case Case   `json:"case"`
}

// Tracked is a letter as its sender reads it with the receipt code: no
// score, no internal history, the notices sent to them.
type Tracked struct {
	ID           int64         `json:"id"`
	BoxLabel     string        `json:"box_label"`
	Title        string        `json:"title"`
	State        string        `json:"state"`
	StateLabel   string        `json:"state_label"`
	ReceivedOn   date.Date     `json:"received_on"`
	UnitName     string        `json:"unit_name"`
	Reply        string        `json:"reply"`
	Review       string        `json:"review"`
	Recheck      string        `json:"recheck"`
	Satisfaction string        `json:"satisfaction"`
	Notices      []cppcc.Event `json:"notices"`
	Clocks       []cppcc.Clock `json:"clocks"`
	// May are the sender's steps open now: rate, request_review, request_recheck.
	May []string `json:"may"`
}

// byReceipt finds the letter of a receipt code, or "not found".
func (s *Service) byReceipt(ctx context.Context, q store.Querier, code string) (Case, committee.Committee, error) {
	c, where, args, err := s.FindReceipt(ctx, q, code, "x.", "回执码对应的来信")
	if err != nil {
		return Case{}, c, err
	}
	x, err := s.scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE "+where, args...))
	if apperr.IsNotFound(err) {
		return x, c, apperr.NotFound("回执码对应的来信")
	}
	if err != nil {
		return x, c, fmt.Errorf("read case by receipt: %w", err)
	}
	return x, c, nil
}

// Track is the letter of a receipt code as its sender reads it.
func (s *Service) Track(ctx context.Context, code string) (Tracked, error) {
	x, c, err := s.byReceipt(ctx, s.DB, code)
	if err != nil {
		return Tracked{}, err
	}
	t := Tracked{ID: x.ID, BoxLabel: x.BoxLabel, Title: x.Title, State: x.State, StateLabel: x.StateLabel, ReceivedOn: x.ReceivedOn, UnitName: x.UnitName,
		Reply: x.Reply, Review: x.Review, Recheck: x.Recheck, Satisfaction: cppcc.Ratings.Label(x.Satisfaction)}
	if x.State == Junk { // the sender is not told how the letter was judged
		t.State, t.StateLabel = Received, "已收到"
	}
	if t.Notices, err = s.PublicEvents(ctx, s.DB, c, "case", x.ID, true, ActionLabel, States); err != nil {
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
func (s *Service) senderMay(ctx context.Context, c committee.Committee, x Case, action string) error {
	if _, ok := Steps.Next("case", action, x.State); !ok {
		return refusedCase(x, action)
	}
	if action == "rate" {
		if x.Satisfaction != "" && x.State == Final {
			return apperr.Conflict("已经评价过了")
		}
		return nil
	}
	if x.Box != BoxPetition {
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
		today := s.Today()
		switch in.Action {
		case "rate":
			r, ok := cppcc.Ratings.Parse(in.Rating)
			if !ok {
				return apperr.InvalidField("rating", "评价应为 %s 之一", cppcc.Ratings.Labels())
			}
			if r == "unsatisfied" || x.State == Final {
				// recorded; the case stays where it is (the sender may still ask for 复查 / 复核)
				if err := store.Swap(ctx, tx, "来信", "UPDATE cases SET satisfaction = $1, updated_at = $2 WHERE id = $3 AND state = $4"+store.InProvince("province_id", x.province), r, s.now(), x.ID, x.State); err != nil {
					return fmt.Errorf("answer case: %w", err)
				}
				if err := s.caseEvent(ctx, tx, c, x, "rate", x.State, x.State, cppcc.Ratings.Label(r), false); err != nil {
					return err
				}
			} else {
				for _, w := range []string{"review_window", "recheck_window"} {
					if _, err := s.StopClock(ctx, tx, c, "case", x.ID, w); err != nil {
						return err
					}
				}
				if err := store.Swap(ctx, tx, "来信", "UPDATE cases SET state = 'closed', satisfaction = $1, updated_at = $2 WHERE id = $3 AND state = $4"+store.InProvince("province_id", x.province), r, s.now(), x.ID, x.State); err != nil {
					return fmt.Errorf("answer case: %w", err)
				}
				if err := s.caseEvent(ctx, tx, c, x, "rate", x.State, Closed, cppcc.Ratings.Label(r), false); err != nil {
					return err
				}
			}
		case "request_review", "request_recheck":
			reason, err := cppcc.Text("text", "请求的理由", in.Text, 3000)
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
