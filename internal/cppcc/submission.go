package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/store"
)

// Submit sends a draft, or a proposal returned for revision, of the
// caller's own: a joint one to its co-signers first.
func (s *Service) Submit(ctx context.Context, sc store.Scope, id int64) (Proposal, error) {
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c committee.Committee, me int64) error {
		if err := own(p, me); err != nil {
			return err
		}
		return s.submit(ctx, tx, c, p)
	})
}

// submit sends a proposal on: to review, or a joint one to its co-signers.
func (s *Service) submit(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal) error {
	today := s.Today()
	session, inSession, err := s.SessionAt(ctx, tx, c.ID, today)
	if err != nil {
		return err
	}
	month := today.Year()*100 + int(today.Time().Month())
	set := "submitted_at = $3, month = $4, session_id = $5, term_id = $6, in_session = $7"
	args := []any{s.now(), month, session.ID, session.TermID, inSession}
	if p.State == Returned { // resubmitted: counted where it was first
		set, args = "submitted_at = $3", []any{s.now()}
	}
	if p.Way != "joint" {
		return s.step(ctx, tx, c, p, "submit", "", set, args...)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE proposal_signers SET state = 'invited', answered_at = NULL, due_on = $1 WHERE proposal_id = $2"+
		store.InProvince("province_id", p.province), today.AddDate(0, 0, c.Rules.SignDays), p.ID); err != nil {
		if err != nil {
			return fmt.Errorf("submit proposal: %w", err)
		}
		return nil
	}
	return s.step(ctx, tx, c, p, "submit_joint", "", set, args...)
}

// Withdraw takes back a proposal of the caller's own before it is filed.
func (s *Service) Withdraw(ctx context.Context, sc store.Scope, id int64) (Proposal, error) {
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c committee.Committee, me int64) error {
		if err := own(p, me); err != nil {
			return err
		}
		return s.step(ctx, tx, c, p, "withdraw", "", "")
	})
}

// Sign answers an invitation to co-sign: confirm or decline. When nobody
// is left to answer the proposal goes on to review.
func (s *Service) Sign(ctx context.Context, sc store.Scope, id int64, confirm bool) (Proposal, error) {
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c committee.Committee, me int64) error {
		i := slices.IndexFunc(p.Signers, func(g Signer) bool { return g.MemberID == me })
		if i < 0 {
			return apperr.Rule("您不是这件提案的附议委员")
		}
		g := p.Signers[i]
		action := map[bool]string{true: "confirm", false: "decline"}[confirm]
		if p.State != Signing {
			return apperr.Conflict("该提案目前“%s”,会签已经结束", p.StateLabel)
		}
		if g.DueOn.Before(s.Today()) {
			return apperr.Conflict("会签期限(%s)已过,不能再%s", g.DueOn.Chinese(), Steps.Label("signer", action))
		}
		if err := s.stepSigner(ctx, tx, c, p, g, action); err != nil {
			return err
		}
		return s.endSigning(ctx, tx, c, p, false)
	})
}

func (s *Service) stepSigner(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal, g Signer, action string) error {
	to, ok := Steps.Next("signer", action, g.State)
	if !ok {
		return refused(g.StateLabel, "signer", action)
	}
	if err := store.Swap(ctx, tx, "联名邀请", "UPDATE proposal_signers SET state = $1, answered_at = $2 WHERE proposal_id = $3 AND member_id = $4 AND state = $5"+
		store.InProvince("province_id", p.province), to, s.now(), p.ID, g.MemberID, g.State); err != nil {
		if err != nil {
			return fmt.Errorf("step co-signer: %w", err)
		}
		return nil
	}
	return s.event(ctx, tx, c, p, "signer", action, g.State, to, g.Name)
}

// endSigning moves a joint proposal on to review once every co-signer has
// answered (or, lapse, the office closes the signing after its date): with
// nobody confirming, it goes on as the first proposer's own.
func (s *Service) endSigning(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal, lapse bool) error {
	var waiting, confirmed int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN state = 'invited' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN state = 'confirmed' THEN 1 ELSE 0 END), 0)
		FROM proposal_signers WHERE proposal_id = $1`+store.InProvince("province_id", p.province), p.ID).Scan(&waiting, &confirmed); err != nil {
		if err != nil {
			return fmt.Errorf("end signing: %w", err)
		}
		return nil
	}
	if waiting > 0 && !lapse {
		return nil
	}
	if lapse {
		for _, g := range p.Signers {
			if g.State == Invited {
				if err := s.stepSigner(ctx, tx, c, p, g, "lapse"); err != nil {
					return err
				}
			}
		}
	}
	if confirmed == 0 {
		return s.step(ctx, tx, c, p, "signed", "无附议委员确认,作为第一提案者个人提案", "way = 'member'")
	}
	return s.step(ctx, tx, c, p, "signed", "", "")
}

// CloseSigning ends the signing of a joint proposal whose date has passed
// (the office): those who did not answer lapse.
func (s *Service) CloseSigning(ctx context.Context, sc store.Scope, id int64) (Proposal, error) {
	return s.change(ctx, sc, ViewOffice, id, func(tx *sql.Tx, p Proposal, c committee.Committee, _ int64) error {
		if p.State != Signing {
			return refused(p.StateLabel, "proposal", "signed")
		}
		for _, g := range p.Signers {
			if g.State == Invited && !g.DueOn.Before(s.Today()) {
				return apperr.Conflict("会签期限到%s才结束,%s尚未答复", g.DueOn.Chinese(), g.Name)
			}
		}
		return s.endSigning(ctx, tx, c, p, true)
	})
}
