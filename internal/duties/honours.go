package duties

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/cppcc"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// HonourKinds are the year's selections a committee records.
var HonourKinds = vocab.Enum{
	{Code: "excellent_proposal", Label: "优秀提案"},
	{Code: "active_member", Label: "履职积极分子"},
}

// Honour is one selection of a year.
type Honour struct {
	ID         int64  `json:"id"`
	Year       int    `json:"year"`
	Kind       string `json:"kind"`
	KindLabel  string `json:"kind_label"`
	ProposalID *int64 `json:"proposal_id"`
	MemberID   *int64 `json:"member_id"`
	Name       string `json:"name"` // the proposal's title or the member's name
	Note       string `json:"note"`
}

// HonourInput records a selection: a proposal for 优秀提案, a member for 履职积极分子.
type HonourInput struct {
	CommitteeID int64  `json:"committee_id"`
	Year        int    `json:"year"`
	Kind        string `json:"kind"`
	ProposalID  int64  `json:"proposal_id"`
	MemberID    int64  `json:"member_id"`
	Note        string `json:"note"`
}

// AddHonour records a selection of a committee in scope (the office): a
// filed proposal of the year for 优秀提案, a member of the committee for 履职积极分子, once each.
func (s *Service) AddHonour(ctx context.Context, sc store.Scope, in HonourInput) (Honour, error) {
	kind, ok := HonourKinds.Parse(in.Kind)
	switch {
	case !ok:
		return Honour{}, apperr.InvalidField("kind", "评选类别应为 %s 之一", HonourKinds.Labels())
	case in.Year < 1990 || in.Year > s.Today().Year():
		return Honour{}, apperr.InvalidField("year", "评选年度应在 1990 年到今年之间")
	case utf8.RuneCountInString(strings.TrimSpace(in.Note)) > 200:
		return Honour{}, apperr.InvalidField("note", "说明不超过 200 字")
	}
	var h Honour
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.InputCommittee(ctx, tx, sc, in.CommitteeID)
		if err != nil {
			return err
		}
		prov := store.InProvince("province_id", c.Province())
		var proposal, member any
		var name string
		if kind == "excellent_proposal" {
			var state string
			var month int
			err := tx.QueryRowContext(ctx, "SELECT title, state, month FROM proposals WHERE id = $1 AND committee_id = $2"+prov, in.ProposalID, c.ID).Scan(&name, &state, &month)
			if apperr.IsNotFound(err) || (err == nil && (!slices.Contains(cppcc.FiledStates, state) || month/100 != in.Year)) {
				return apperr.InvalidField("proposal_id", "优秀提案应是本政协当年提出并已立案的提案")
			}
			if err != nil {
				return err
			}
			proposal = in.ProposalID
		} else {
			err := tx.QueryRowContext(ctx, "SELECT name FROM cppcc_members WHERE id = $1 AND committee_id = $2"+prov, in.MemberID, c.ID).Scan(&name)
			if apperr.IsNotFound(err) {
				return apperr.InvalidField("member_id", "请选择本政协的委员")
			}
			if err != nil {
				return fmt.Errorf("add honour: %w", err)
			}
			member = in.MemberID
		}
		var dup int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cppcc_honours WHERE committee_id = $1 AND year = $2 AND kind = $3 AND (proposal_id = $4 OR member_id = $5)"+prov,
			c.ID, in.Year, kind, in.ProposalID, in.MemberID).Scan(&dup); err != nil {
			if err != nil {
				return fmt.Errorf("add honour: %w", err)
			}
			return nil
		}
		if dup > 0 {
			return apperr.Conflict("“%s”已评为%d年%s", name, in.Year, HonourKinds.Label(kind))
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO cppcc_honours (province_id, committee_id, year, kind, proposal_id, member_id, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, c.Province(), c.ID, in.Year, kind, proposal, member, strings.TrimSpace(in.Note), cppcc.NullUser(ctx), s.now()).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("add honour: %w", err)
			}
			return nil
		}
		h = Honour{ID: id, Year: in.Year, Kind: kind, KindLabel: HonourKinds.Label(kind), Name: name, Note: strings.TrimSpace(in.Note)}
		if in.ProposalID != 0 && kind == "excellent_proposal" {
			h.ProposalID = &in.ProposalID
		} else {
			h.MemberID = &in.MemberID
		}
		return s.Audit(ctx, tx, c, "create", "cppcc_honour", id, map[string]any{"kind": kind, "year": in.Year, "name": name})
	})
	return h, err
}

// Honours lists a committee's selections of a year.
func (s *Service) Honours(ctx context.Context, sc store.Scope, committeeID int64, year int) ([]Honour, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return nil, err
	}
	return store.Query(ctx, s.DB, func(r store.Scanner) (Honour, error) {
		var h Honour
		var proposal, member sql.NullInt64
		err := r.Scan(&h.ID, &h.Year, &h.Kind, &proposal, &member, &h.Name, &h.Note)
		if proposal.Valid {
			h.ProposalID = &proposal.Int64
		}
		if member.Valid {
			h.MemberID = &member.Int64
		}
		h.KindLabel = HonourKinds.Label(h.Kind)
		return h, err
	}, `SELECT h.id, h.year, h.kind, h.proposal_id, h.member_id, COALESCE(p.title, m.name, ''), h.note FROM cppcc_honours h
		LEFT JOIN proposals p ON p.province_id = h.province_id AND p.id = h.proposal_id
		LEFT JOIN cppcc_members m ON m.province_id = h.province_id AND m.id = h.member_id
		WHERE h.committee_id = $1 AND h.year = $2`+store.InProvince("h.province_id", c.Province())+" ORDER BY h.kind, h.id", c.ID, year)
}
