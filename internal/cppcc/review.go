package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/store"
)

// ReviewInput is the office's decision on a submitted proposal (审查).
type ReviewInput struct {
	// Action is file (立案), reject (不予立案), return (退回修改) or merge (并案).
	Action string `json:"action"`
	// Reason is a RejectReasons code (reject); Route where it goes instead.
	Reason string `json:"reject_reason"`
	Route  string `json:"route"`
	// Into is the filed proposal a merged one joins.
	Into int64  `json:"into"`
	Note string `json:"note"`
}

// Review decides a submitted proposal.
func (s *Service) Review(ctx context.Context, sc store.Scope, id int64, in ReviewInput) (Proposal, error) {
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > 500 {
		return Proposal{}, apperr.InvalidField("note", "审查意见不超过 500 字")
	}
	return s.change(ctx, sc, ViewOffice, id, func(tx *sql.Tx, p Proposal, c committee.Committee, _ int64) error {
		switch in.Action {
		case "file":
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM proposals WHERE term_id = $1 AND session_id = $2"+
				store.InProvince("province_id", p.province), p.TermID, p.SessionID).Scan(&n); err != nil {
				if err != nil {
					return fmt.Errorf("review proposal: %w", err)
				}
				return nil
			}
			err := s.step(ctx, tx, c, p, "file", note, "number = $3, filed_at = $4, review_note = $5", n, s.now(), note)
			if err != nil && strings.Contains(strings.ToLower(err.Error()), "unique") {
				return apperr.Conflict("提案编号第%d号刚被同时立案的另一件提案占用,请再点一次立案", n)
			}
			return err
		case "reject":
			if _, ok := RejectReasons.Parse(in.Reason); !ok {
				return apperr.InvalidField("reject_reason", "请选择不予立案的情形:%s", RejectReasons.Labels())
			}
			route, ok := RejectRoutes.Parse(in.Route)
			if !ok {
				return apperr.InvalidField("route", "请选择不予立案的提案如何处理:%s", RejectRoutes.Labels())
			}
			reason, _ := RejectReasons.Parse(in.Reason)
			routed, err := s.routeRejected(ctx, tx, c, p, route)
			if err != nil {
				return err
			}
			text := Joined(RejectRoutes.Label(route), note)
			return s.step(ctx, tx, c, p, "reject", text, "reject_reason = $3, review_note = $4, reject_route = $5, routed_id = $6", reason, text, route, routed)
		case "return":
			if note == "" {
				return apperr.InvalidField("note", "退回修改须写明修改意见")
			}
			return s.step(ctx, tx, c, p, "return", note, "review_note = $3", note)
		case "merge":
			var state string
			err := tx.QueryRowContext(ctx, "SELECT state FROM proposals WHERE id = $1 AND committee_id = $2"+store.InProvince("province_id", p.province), in.Into, p.CommitteeID).Scan(&state)
			if apperr.IsNotFound(err) || (err == nil && (!slices.Contains(FiledStates, state) || state == Closed)) {
				return apperr.InvalidField("into", "请选择本政协一件已立案、尚未办结的提案并入")
			}
			if err != nil {
				return err
			}
			return s.step(ctx, tx, c, p, "merge", note, "merged_into = $3, review_note = $4", in.Into, note)
		}
		return apperr.InvalidField("action", "审查结果应为立案(file)、不予立案(reject)、退回修改(return)或并案(merge)")
	})
}

// Routed is a proposal not filed as another channel takes it: from its
// first proposer, with the note that names it.
type Routed struct {
	Proposal Proposal
	// MemberID is the member it is credited to: the first proposer, or the
	// contact person of a party's or a group's (nil: none).
	MemberID *int64
	// Name and Phone are the first proposer's (a letter's sender).
	Name, Phone string
	Note        string
}

// Intake keeps a proposal not filed in another channel, in the transaction
// that rejects it, and returns the id of the item or the letter it became.
type Intake func(ctx context.Context, tx *sql.Tx, c committee.Committee, r Routed) (int64, error)

// routeRejected keeps what a proposal not filed says where route sends it
// (RejectRoutes) by the route's intake: a 社情民意 item credited to its first
// proposer, or a letter from them in the members' box (委员信箱), each naming
// the proposal; it returns the new item's or letter's id (nil for none).
func (s *Service) routeRejected(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal, route string) (any, error) {
	if route == "none" {
		return nil, nil
	}
	take, ok := s.Intake[route]
	if !ok {
		return nil, fmt.Errorf("cppcc: no intake for the route %q", route)
	}
	r := Routed{Proposal: p, Name: p.ProposerName, Note: fmt.Sprintf("由不予立案的提案《%s》转来", p.Title)}
	if p.ProposerID != nil {
		m, err := s.MemberIn(ctx, tx, store.All, *p.ProposerID)
		if err != nil {
			return nil, err
		}
		r.MemberID, r.Name, r.Phone = &m.ID, m.Name, m.Phone
	}
	if p.EvaluatorID != nil { // a party's or group's: the contact person is who writes
		r.MemberID = p.EvaluatorID
	}
	return take(ctx, tx, c, r)
}
