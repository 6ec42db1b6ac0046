package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/committee"
	"dangjian/internal/store"
)

// Input is a proposal's text, as drafted.
type Input struct {
	CommitteeID int64  `json:"committee_id"`
	Title       string `json:"title"`
	Category    string `json:"category"`
	Content     string `json:"content"`
	// Way is member or joint for a member's own (joint: CoSigners named);
	// party, group, special or sector for one the office enters for an
	// organisation named ProposerName.
	Way           string  `json:"way"`
	ProposerName  string  `json:"proposer_name"`
	Public        bool    `json:"public"`
	PrivateReason string  `json:"private_reason"`
	Contact       string  `json:"contact"`
	CoSigners     []int64 `json:"co_signers"`
	// EvaluatorID is the member who evaluates the reply for a party or a
	// group (required for those two ways, a choice for the others the office enters).
	EvaluatorID int64 `json:"evaluator_id"`
}

func (in *Input) check() error {
	var v apperr.Invalid
	in.Title = strings.TrimSpace(in.Title)
	in.Content = strings.TrimSpace(in.Content)
	switch n := utf8.RuneCountInString(in.Title); {
	case n < 4:
		v.Add("title", "案由至少 4 个字,请写明“关于……的建议”")
	case n > 80:
		v.Add("title", "案由不超过 80 个字(现有 %d 个字)", n)
	}
	if n := utf8.RuneCountInString(in.Content); n < 20 || n > 10000 {
		v.Add("content", "提案内容应在 20 到 10000 字之间(现有 %d 个字),须有情况、有分析、有具体建议", n)
	}
	if _, ok := Ways.Parse(in.Way); !ok {
		v.Add("way", "提出方式应为 %s 之一", Ways.Labels())
	}
	in.Way, _ = Ways.Parse(in.Way)
	if in.Contact == "" {
		in.Contact = "none"
	}
	if c, ok := Contacts.Parse(in.Contact); ok {
		in.Contact = c
	} else {
		v.Add("contact", "办理前的联系方式应为 %s 之一", Contacts.Labels())
	}
	if !in.Public && strings.TrimSpace(in.PrivateReason) == "" {
		v.Add("private_reason", "不公开的提案须说明不公开的理由")
	}
	switch {
	case in.Way == "joint" && len(in.CoSigners) == 0:
		v.Add("co_signers", "联名提案须选择至少一名附议委员")
	case in.Way != "joint" && len(in.CoSigners) > 0:
		v.Add("co_signers", "只有联名提案才有附议委员")
	case len(in.CoSigners) > 50:
		v.Add("co_signers", "附议委员不超过 50 名")
	}
	return v.Err()
}

// Draft saves a new proposal as a draft (暂存): a member's own (the first
// proposer is the caller); from the office, an organisation's, submitted at once.
func (s *Service) Draft(ctx context.Context, sc store.Scope, view View, in Input) (Proposal, error) {
	if err := in.check(); err != nil {
		return Proposal{}, err
	}
	organisational := in.Way != "member" && in.Way != "joint"
	switch {
	case view == ViewMember && organisational:
		return Proposal{}, apperr.InvalidField("way", "委员本人只能以个人或联名方式提出提案;党派、团体、专门委员会、界别的提案由政协办公室录入")
	case view == ViewOffice && !organisational:
		return Proposal{}, apperr.InvalidField("way", "委员个人或联名的提案由委员本人提出")
	case organisational && strings.TrimSpace(in.ProposerName) == "":
		return Proposal{}, apperr.InvalidField("proposer_name", "请填写提出提案的党派、团体、专门委员会或界别的名称")
	case (in.Way == "party" || in.Way == "group") && in.EvaluatorID == 0:
		return Proposal{}, apperr.InvalidField("evaluator_id", "请选择%s的联系人(本政协的委员),由其代表%s评价办理结果", in.ProposerName, Ways.Label(in.Way))
	case !organisational && in.EvaluatorID != 0:
		return Proposal{}, apperr.InvalidField("evaluator_id", "委员个人或联名的提案由第一提案者本人评价")
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.InputCommittee(ctx, tx, sc, in.CommitteeID)
		if err != nil {
			return err
		}
		if err := s.InCategories(ctx, tx, c.ID, in.Category); err != nil {
			return err
		}
		session, _, err := s.SessionAt(ctx, tx, c.ID, s.Today())
		if err != nil {
			return err
		}
		var proposer, evaluator any
		name := strings.TrimSpace(in.ProposerName)
		if in.EvaluatorID != 0 {
			m, err := s.MemberIn(ctx, tx, store.ScopeOf(c.Path), in.EvaluatorID)
			if err != nil || m.CommitteeID != c.ID || m.Status != "active" {
				return apperr.InvalidField("evaluator_id", "联系人须是本政协在任的委员,请从委员中选择")
			}
			evaluator = m.ID
		}
		if view == ViewMember {
			me, err := s.MeIn(ctx, tx, sc, audit.ActorOf(ctx).UserID)
			if err != nil {
				return err
			}
			proposer, name = me.ID, me.Name
		}
		now := s.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO proposals (province_id, committee_id, term_id, session_id, title, category, content, way, proposer_id, proposer_name,
			in_session, public, private_reason, contact, state, created_by, created_at, updated_at, evaluator_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, $11, $12, $13, 'draft', $14, $15, $15, $16) RETURNING id`,
			c.Province(), c.ID, session.TermID, session.ID, in.Title, in.Category, in.Content, in.Way, proposer, name,
			in.Public, strings.TrimSpace(in.PrivateReason), in.Contact, NullUser(ctx), now, evaluator).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("draft proposal: %w", err)
			}
			return nil
		}
		if err := s.setSigners(ctx, tx, c, id, proposer, in.CoSigners); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, c, "create", "proposal", id, map[string]any{"title": in.Title, "way": in.Way}); err != nil {
			return err
		}
		if view != ViewOffice {
			return nil
		}
		// An organisation's proposal, entered by the office, is submitted as it is entered.
		p, err := scanProposal(tx.QueryRowContext(ctx, "SELECT "+proposalCols+proposalFrom+" WHERE p.id = $1"+store.InProvince("p.province_id", c.Province()), id))
		if err != nil {
			return fmt.Errorf("draft proposal: %w", err)
		}
		if err := s.submit(ctx, tx, c, p); err != nil {
			return err
		}
		return s.refigure(ctx, tx, p)
	})
	if err != nil {
		return Proposal{}, err
	}
	return s.Get(ctx, sc, view, id)
}

// NullUser is the account of ctx for a row that records who wrote it (nil: none, the command line).
func NullUser(ctx context.Context) any {
	if id := audit.ActorOf(ctx).UserID; id != 0 {
		return id
	}
	return nil
}

// setSigners names a draft's co-signers: active members of its committee,
// other than the first proposer.
func (s *Service) setSigners(ctx context.Context, tx *sql.Tx, c committee.Committee, id int64, proposer any, ids []int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM proposal_signers WHERE proposal_id = $1"+store.InProvince("province_id", c.Province()), id); err != nil {
		return fmt.Errorf("set signers: %w", err)
	}
	seen := map[int64]bool{}
	for i, m := range ids {
		if seen[m] || m == proposer {
			return apperr.InvalidField("co_signers", "第 %d 名附议委员重复,或就是第一提案者本人", i+1)
		}
		seen[m] = true
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cppcc_members WHERE id = $1 AND committee_id = $2 AND status = 'active'"+
			store.InProvince("province_id", c.Province()), m, c.ID).Scan(&n); err != nil {
			if err != nil {
				return fmt.Errorf("set signers: %w", err)
			}
			return nil
		}
		if n == 0 {
			return apperr.InvalidField("co_signers", "第 %d 名附议委员不是本政协在任的委员", i+1)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO proposal_signers (province_id, proposal_id, member_id, state, due_on) VALUES ($1, $2, $3, 'invited', $4)",
			c.Province(), id, m, s.Today()); err != nil {
			if err != nil {
				return fmt.Errorf("set signers: %w", err)
			}
			return nil
		}
	}
	return nil
}

// Edit changes a draft, or a proposal returned for revision, of the caller's own.
func (s *Service) Edit(ctx context.Context, sc store.Scope, id int64, in Input) (Proposal, error) {
	if err := in.check(); err != nil {
		return Proposal{}, err
	}
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c committee.Committee, me int64) error {
		if err := own(p, me); err != nil {
			return err
		}
		if p.State != Draft && p.State != Returned {
			return apperr.Conflict("该提案目前“%s”,只有暂存或退回修改的提案可以修改", p.StateLabel)
		}
		if in.Way != "member" && in.Way != "joint" {
			return apperr.InvalidField("way", "委员本人只能以个人或联名方式提出提案")
		}
		if err := s.InCategories(ctx, tx, c.ID, in.Category); err != nil {
			return err
		}
		if err := store.Swap(ctx, tx, "提案", `UPDATE proposals SET title = $1, category = $2, content = $3, way = $4, public = $5, private_reason = $6,
			contact = $7, updated_at = $8 WHERE id = $9 AND state = $10`+store.InProvince("province_id", p.province),
			in.Title, in.Category, in.Content, in.Way, in.Public, strings.TrimSpace(in.PrivateReason), in.Contact, s.now(), p.ID, p.State); err != nil {
			if err != nil {
				return fmt.Errorf("edit proposal: %w", err)
			}
			return nil
		}
		if err := s.setSigners(ctx, tx, c, p.ID, me, in.CoSigners); err != nil {
			return err
		}
		return s.Audit(ctx, tx, c, "update", "proposal", p.ID, map[string]any{"title": in.Title})
	})
}

func own(p Proposal, me int64) error {
	if p.ProposerID == nil || *p.ProposerID != me {
		return apperr.Rule("只有第一提案者本人可以这样做")
	}
	return nil
}
