package letters

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/clock"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/spam"
	"dangjian/internal/store"
)

// CaseAction is a step on a case with what it carries.
type CaseAction struct {
	Action string `json:"action"`
	// Text: the reason (不予受理), the competent body (转送), the reply
	// (处理意见), the 复查 or 复核 opinion, the extension's reason.
	Text   string `json:"text"`
	UnitID int64  `json:"unit_id"`
	Route  string `json:"route"`
	// Days and Approver: an extension's days (≤ 30) and the unit head who approved it.
	Days     int    `json:"days"`
	Approver string `json:"approver"`
	// Rating: 满意 / 基本满意 / 不满意 (the sender).
	Rating string `json:"rating"`
	// Hearing: start (true) or end (false) of a 复核 hearing.
	Hearing bool `json:"hearing"`
}

// changeCase runs a step on a case the view reaches, in one transaction
// that moves the figures too.
func (s *Service) changeCase(ctx context.Context, sc store.Scope, view cppcc.View, id int64, fn func(tx *sql.Tx, x Case, c committee.Committee) error) (Case, error) {
	var c committee.Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, cc, err := s.GetCase(ctx, tx, sc, view, id)
		if err != nil {
			return err
		}
		c = cc
		if err := fn(tx, x, c); err != nil {
			return err
		}
		return s.recase(ctx, tx, c, x, x.ID)
	})
	if err != nil {
		return Case{}, err
	}
	return s.caseByID(ctx, s.DB, c, id)
}

// stepCase moves a case by action: compare-and-set on its state; set adds
// assignments numbered from $3.
func (s *Service) stepCase(ctx context.Context, tx *sql.Tx, c committee.Committee, x Case, action, note string, notice bool, set string, args ...any) error {
	to, ok := Steps.Next("case", action, x.State)
	if !ok {
		return refusedCase(x, action)
	}
	if to == "" {
		to = x.State
	}
	if set != "" {
		set = ", " + set
	}
	n := len(args)
	query := fmt.Sprintf("UPDATE cases SET state = $1, updated_at = $2%s WHERE id = $%d AND state = $%d", set, n+3, n+4) + store.InProvince("province_id", x.province)
	if err := store.Swap(ctx, tx, "来信", query, append(append([]any{to, s.now()}, args...), x.ID, x.State)...); err != nil {
		return fmt.Errorf("step case: %w", err)
	}
	return s.caseEvent(ctx, tx, c, x, action, x.State, to, note, notice)
}

// Notify tells the sender of a case what happened to it (in their notices).
func (s *Service) Notify(ctx context.Context, tx *sql.Tx, c committee.Committee, caseID int64, action, note string) error {
	return s.caseEvent(ctx, tx, c, Case{ID: caseID, province: c.Province()}, action, "", "", note, true)
}

// Decide is the office's step on a case: accept, not_accept, transfer,
// junk, route, decide_review, hearing, decide_recheck, close, release, supervise.
func (s *Service) Decide(ctx context.Context, sc store.Scope, id int64, in CaseAction, filter *spam.Model) (Case, error) {
	return s.changeCase(ctx, sc, cppcc.ViewOffice, id, func(tx *sql.Tx, x Case, c committee.Committee) error {
		today := s.Today()
		switch in.Action {
		case "accept":
			if x.DuplicateOf != nil {
				var st string
				if err := tx.QueryRowContext(ctx, "SELECT state FROM cases WHERE id = $1"+store.InProvince("province_id", x.province), *x.DuplicateOf).Scan(&st); err != nil {
					return fmt.Errorf("decide case: %w", err)
				}
				if st == Final {
					return apperr.Rule("这封来信与第 %d 号信访件是同一事项,该件已复核终结,依照《信访工作条例》不再受理;请选择“不予受理”并告知信访人", *x.DuplicateOf)
				}
			}
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, "accept"); err != nil {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "accept", strings.TrimSpace(in.Text), true, "")
		case "not_accept", "transfer":
			what := map[string]string{"not_accept": "不予受理的理由", "transfer": "有权处理的机关"}[in.Action]
			t, err := cppcc.Text("text", what, in.Text, 500)
			if err != nil {
				return err
			}
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, "accept"); err != nil {
				return err
			}
			note := map[string]string{"not_accept": "不予受理:", "transfer": "已转送"}[in.Action] + t
			return s.stepCase(ctx, tx, c, x, in.Action, note, true, "decision = $3", t)
		case "junk":
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, "accept"); err != nil {
				return err
			}
			if err := s.Learn(ctx, tx, x.Title+"\n"+x.Content, true, filter); err != nil {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "junk", "", false, "held = $3", false)
		case "release":
			if !x.Held {
				return apperr.Conflict("这封来信没有被拦截")
			}
			if err := s.Learn(ctx, tx, x.Title+"\n"+x.Content, false, filter); err != nil {
				return err
			}
			if err := store.Swap(ctx, tx, "来信", "UPDATE cases SET held = $1, updated_at = $2 WHERE id = $3 AND held"+store.InProvince("province_id", x.province), false, s.now(), x.ID); err != nil {
				return fmt.Errorf("decide case: %w", err)
			}
			return s.caseEvent(ctx, tx, c, x, "release", x.State, x.State, "审核后放行", false)
		case "route":
			r, ok := Routes.Parse(in.Route)
			if !ok {
				return apperr.InvalidField("route", "办理方式应为 %s 之一", Routes.Labels())
			}
			u, err := s.unitOf(ctx, tx, c, in.UnitID)
			if err != nil {
				return err
			}
			if err := s.StartClock(ctx, tx, c, "case", x.ID, "handle", today); err != nil {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "route", Routes.Label(r)+"至"+u.Name, false, "unit_id = $3, route = $4", u.ID, r)
		case "decide_review", "decide_recheck":
			t, err := cppcc.Text("text", map[string]string{"decide_review": "复查意见", "decide_recheck": "复核意见"}[in.Action], in.Text, 3000)
			if err != nil {
				return err
			}
			period := map[string]string{"decide_review": "review", "decide_recheck": "recheck"}[in.Action]
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, period); err != nil {
				return err
			}
			col := map[string]string{"decide_review": "review", "decide_recheck": "recheck"}[in.Action]
			if in.Action == "decide_review" {
				if err := s.StartClock(ctx, tx, c, "case", x.ID, "recheck_window", today); err != nil {
					return err
				}
			}
			return s.stepCase(ctx, tx, c, x, in.Action, t, true, col+" = $3", t)
		case "hearing":
			if _, ok := Steps.Next("case", "hearing", x.State); !ok {
				return refusedCase(x, "hearing")
			}
			_, ok, err := s.ChangeClock(ctx, tx, c, "case", x.ID, "recheck", map[bool]string{true: "pause", false: "resume"}[in.Hearing], func(k *clock.Clock) {
				if in.Hearing && k.PausedOn.IsZero() {
					k.PausedOn = today
				} else if !in.Hearing && !k.PausedOn.IsZero() {
					k.Paused += clock.Between(k.PausedOn, today)
					k.PausedOn = date.Date{}
				}
			})
			if err != nil || !ok {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "hearing", map[bool]string{true: "举行听证,暂停计算复核期限", false: "听证结束,恢复计算复核期限"}[in.Hearing], true, "")
		case "close":
			if x.Box == BoxPetition {
				// The sender's right to ask for 复查 (复核) runs to the end of its window.
				ks, err := s.Clocks(ctx, tx, c, "case", x.ID)
				if err != nil {
					return err
				}
				for _, k := range ks {
					if strings.HasSuffix(k.Period, "_window") && !k.State.Stopped && !k.State.Overdue {
						return apperr.Rule("信访人请求%s的期限到%s届满,届满后才能办结", k.Label[len("请求"):], k.State.Due.Chinese())
					}
				}
			}
			for _, w := range []string{"review_window", "recheck_window"} {
				if _, err := s.StopClock(ctx, tx, c, "case", x.ID, w); err != nil {
					return err
				}
			}
			return s.stepCase(ctx, tx, c, x, "close", in.Text, false, "")
		case "supervise":
			if !x.Running() {
				return apperr.Rule("这封来信已办结或待审核,不需要督办")
			}
			t, err := cppcc.Text("text", "督办意见", in.Text, 500)
			if err != nil {
				return err
			}
			return s.caseEvent(ctx, tx, c, x, "supervise", x.State, x.State, t, false)
		}
		return apperr.InvalidField("action", "不认识的操作“%s”", in.Action)
	})
}

// overdue tells whether a running clock of the office's or a unit's
// periods (not the sender's windows) is past its date.
func overdue(ks []cppcc.Clock) bool {
	return slices.ContainsFunc(ks, func(k cppcc.Clock) bool { return k.State.Overdue && !strings.HasSuffix(k.Period, "_window") })
}

// unitOf is a handling unit of the committee.
func (s *Service) unitOf(ctx context.Context, q store.Querier, c committee.Committee, id int64) (committee.Committee, error) {
	u, err := s.Lookup(ctx, q, store.ScopeOf(c.Path), id, "unit")
	if apperr.IsNotFound(err) || (err == nil && (u.ParentID == nil || *u.ParentID != c.ID)) {
		return committee.Committee{}, apperr.InvalidField("unit_id", "请从本政协的承办单位中选择")
	}
	return u, err
}

// Handle is a unit's step on a case routed to it: extend or reply.
func (s *Service) Handle(ctx context.Context, sc store.Scope, id int64, in CaseAction) (Case, error) {
	return s.changeCase(ctx, sc, cppcc.ViewUnit, id, func(tx *sql.Tx, x Case, c committee.Committee) error {
		switch in.Action {
		case "extend":
			if x.Extended {
				return apperr.Rule("办理期限只能延长一次")
			}
			limit := c.Periods()["extend"].N
			if in.Days < 1 || in.Days > limit {
				return apperr.InvalidField("days", "延长的天数应在 1 到 %d 之间", limit)
			}
			reason, err := cppcc.Text("text", "延期理由", in.Text, 500)
			if err != nil {
				return err
			}
			approver, err := cppcc.Text("approver", "批准延期的单位负责人", in.Approver, 40)
			if err != nil {
				return err
			}
			if _, ok, err := s.ChangeClock(ctx, tx, c, "case", x.ID, "handle", "extend", func(k *clock.Clock) { k.Extended += in.Days }); err != nil || !ok {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "extend", fmt.Sprintf("经%s批准,办理期限延长 %d 日。理由:%s", approver, in.Days, reason), true, "extended = $3", true)
		case "reply":
			t, err := cppcc.Text("text", "处理意见", in.Text, 3000)
			if err != nil {
				return err
			}
			met, err := s.StopClock(ctx, tx, c, "case", x.ID, "handle")
			if err != nil {
				return err
			}
			today := s.Today()
			if x.Box == BoxPetition {
				if err := s.StartClock(ctx, tx, c, "case", x.ID, "review_window", today); err != nil {
					return err
				}
			}
			return s.stepCase(ctx, tx, c, x, "reply", t, true, "reply = $3, replied_on = $4, late = $5", t, today, !met)
		}
		return apperr.InvalidField("action", "不认识的操作“%s”", in.Action)
	})
}
