package opinion

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/flow"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// The states of an item (States says them in words).
const (
	Submitted = "submitted"
	Returned  = "returned"
	Edited    = "edited"
	Unused    = "unused"
	Compiled  = "compiled"
)

// States are the states of a 社情民意信息 item.
var States = vocab.Enum{
	{Code: Submitted, Label: "待核稿"},
	{Code: Returned, Label: "退回修改"},
	{Code: Edited, Label: "已核稿"},
	{Code: Unused, Label: "不予编发"},
	{Code: Compiled, Label: "已编入专刊"},
}

// IssueModes are how an issue of the 专刊 is made: one item (单篇) or several (综合).
var IssueModes = vocab.Enum{
	{Code: "single", Label: "单篇"},
	{Code: "combined", Label: "综合"},
}

// AdoptionKinds are what a level did with an item.
var AdoptionKinds = vocab.Enum{
	{Code: "adopted", Label: "采用"},
	{Code: "instruction", Label: "领导批示"},
}

// MaxLength is the length limit of an item (one matter, short).
const MaxLength = 1500

// Steps are the steps of an item.
var Steps = flow.NewTable([]flow.Step{
	{Object: "opinion", Action: "submit", Label: "提交", From: []string{Returned}, To: Submitted, By: "member", Rule: "一事一报,不超过1500字"},
	{Object: "opinion", Action: "edit", Label: "核稿", From: []string{Submitted, Edited}, To: Edited, By: "office", Rule: "核稿:标题为“关于…的建议”,修改正文;原稿保留(签发人在编为一期专刊时填写)"},
	{Object: "opinion", Action: "return", Label: "退回修改", From: []string{Submitted, Edited}, To: Returned, By: "office", Rule: "退回报送人修改,说明理由"},
	{Object: "opinion", Action: "unuse", Label: "不予编发", From: []string{Submitted, Edited}, To: Unused, By: "office", Rule: "不予编发,说明理由"},
	{Object: "opinion", Action: "compile", Label: "编入专刊", From: []string{Edited}, To: Compiled, By: "office", Rule: "编入一期专刊(单篇或综合),按年度编号"},
}, map[string]string{"adopt": "采用", "forward": "报送"})

// Service keeps the 社情民意 on the consultative work's core.
type Service struct {
	*cppcc.Service
}

// now is the service's time.
func (s *Service) now() time.Time { return store.Now(s.Now) }

// label is a step of an item in words.
func label(action string) string { return Steps.Label("opinion", action) }

// Opinion is a 社情民意信息 item.
type Opinion struct {
	ID          int64  `json:"id"`
	CommitteeID int64  `json:"committee_id"`
	MemberID    *int64 `json:"member_id"`
	Author      string `json:"author"`
	Via         string `json:"via"`
	Title       string `json:"title"`
	Content     string `json:"content"`
	Original    string `json:"original"`
	State       string `json:"state"`
	StateLabel  string `json:"state_label"`
	Signer      string `json:"signer"`
	Note        string `json:"note"`
	IssueID     *int64 `json:"issue_id"`
	IssueLabel  string `json:"issue_label"`
	// ProposalID is the proposal not filed the item was made from.
	ProposalID *int64        `json:"proposal_id"`
	Month      int           `json:"-"`
	Adoptions  []Adoption    `json:"adoptions,omitempty"`
	Events     []cppcc.Event `json:"events,omitempty"`
	province   int64
}

// Adoption is an item adopted or instructed on at a level.
type Adoption struct {
	ID         int64     `json:"id"`
	OpinionID  int64     `json:"opinion_id"`
	Level      string    `json:"level"`
	LevelLabel string    `json:"level_label"`
	Kind       string    `json:"kind"`
	KindLabel  string    `json:"kind_label"`
	By         string    `json:"by"`
	Text       string    `json:"text"`
	On         date.Date `json:"on"`
	Month      int       `json:"-"`
}

const opinionCols = `o.id, o.committee_id, o.member_id, o.author, o.via, o.title, o.content, o.original, o.state, o.signer, o.note, o.issue_id,
	COALESCE(i.year, 0), COALESCE(i.number, 0), o.month, o.province_id, o.proposal_id`

const opinionFrom = " FROM opinions o LEFT JOIN opinion_issues i ON i.province_id = o.province_id AND i.id = o.issue_id"

func scanOpinion(r store.Scanner) (Opinion, error) {
	var o Opinion
	var member, issue, proposal sql.NullInt64
	var year, number int
	err := r.Scan(&o.ID, &o.CommitteeID, &member, &o.Author, &o.Via, &o.Title, &o.Content, &o.Original, &o.State, &o.Signer, &o.Note, &issue, &year, &number, &o.Month, &o.province, &proposal)
	if proposal.Valid {
		o.ProposalID = &proposal.Int64
	}
	if member.Valid {
		o.MemberID = &member.Int64
	}
	if issue.Valid {
		o.IssueID = &issue.Int64
		o.IssueLabel = cppcc.IssueLabel(year, number)
	}
	o.StateLabel = States.Label(o.State)
	return o, err
}

// Input is an item as a member (or the office, for someone else) writes it.
type Input struct {
	CommitteeID int64  `json:"committee_id"`
	Title       string `json:"title"`
	Content     string `json:"content"`
	// MemberID: the member it is credited to, when the office enters it
	// (for a member, or through one); Author: who wrote it, when not a member.
	MemberID int64  `json:"member_id"`
	Author   string `json:"author"`
}

func (in *Input) check() error {
	var v apperr.Invalid
	in.Title, in.Content, in.Author = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content), strings.TrimSpace(in.Author)
	if n := utf8.RuneCountInString(in.Title); n < 4 || n > 60 {
		v.Add("title", "标题应为 4 到 60 个字,现在是 %d 个字", n)
	}
	if n := utf8.RuneCountInString(in.Content); n < 20 || n > MaxLength {
		v.Add("content", "正文应为 20 到 %d 个字(一事一报),现在是 %d 个字", MaxLength, n)
	}
	return v.Err()
}

// SubmitOpinion is an item from a member (view member: the caller) or
// entered by the office (credited to MemberID, or written by Author).
func (s *Service) SubmitOpinion(ctx context.Context, sc store.Scope, view cppcc.View, in Input) (Opinion, error) {
	if err := in.check(); err != nil {
		return Opinion{}, err
	}
	var id int64
	var c committee.Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var member any
		author, via := in.Author, "office"
		if view == cppcc.ViewMember {
			m, err := s.MeIn(ctx, tx, sc, audit.ActorOf(ctx).UserID)
			if err != nil {
				return err
			}
			in.CommitteeID, member, author, via = m.CommitteeID, m.ID, m.Name, "member"
			c, err = s.Lookup(ctx, tx, store.All, m.CommitteeID, "committee")
			if err != nil {
				return err
			}
		} else {
			var err error
			if c, err = s.InputCommittee(ctx, tx, sc, in.CommitteeID); err != nil {
				return err
			}
			if in.MemberID != 0 {
				m, err := s.MemberIn(ctx, tx, store.ScopeOf(c.Path), in.MemberID)
				if err != nil || m.CommitteeID != c.ID {
					return apperr.InvalidField("member_id", "请从本政协的委员中选择报送人")
				}
				member, via = m.ID, "via_member"
				if author == "" {
					author = m.Name
				}
			}
			if utf8.RuneCountInString(author) < 2 {
				return apperr.InvalidField("author", "请填写报送人")
			}
		}
		var err error
		id, err = s.insertOpinion(ctx, tx, c, member, nil, author, via, in.Title, in.Content, "")
		return err
	})
	if err != nil {
		return Opinion{}, err
	}
	return s.opinion(ctx, s.DB, c, id)
}

// FromProposal keeps a proposal not filed as a 社情民意 item credited
// to its first proposer in tx, naming the proposal (the route "opinion" of
// cppcc.RejectRoutes).
func (s *Service) FromProposal(ctx context.Context, tx *sql.Tx, c committee.Committee, r cppcc.Routed) (int64, error) {
	p := r.Proposal
	var member any
	if r.MemberID != nil {
		member = *r.MemberID
	}
	return s.insertOpinion(ctx, tx, c, member, p.ID, p.ProposerName, "proposal", p.Title, p.Content, r.Note)
}

// insertOpinion stores a submitted item of c credited to member (nil: none)
// by author, coming via member (the member's own), office, via_member
// (entered for a member) or proposal, from a proposal not filed (nil: none), with
// its history (note) and its figures.
func (s *Service) insertOpinion(ctx context.Context, tx *sql.Tx, c committee.Committee, member, proposal any, author, via, title, content, note string) (int64, error) {
	var id int64
	today := s.Today()
	if err := tx.QueryRowContext(ctx, `INSERT INTO opinions (province_id, committee_id, member_id, author, via, title, content, original, state, month, created_by, created_at, updated_at, proposal_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 'submitted', $8, $9, $10, $10, $11) RETURNING id`,
		c.Province(), c.ID, member, author, via, title, content, today.Year()*100+int(today.Time().Month()), cppcc.NullUser(ctx), s.now(), proposal).Scan(&id); err != nil {
		if err != nil {
			return 0, fmt.Errorf("insert opinion item: %w", err)
		}
		return 0, nil
	}
	if err := s.opinionEvent(ctx, tx, c, Opinion{ID: id, province: c.Province()}, "submit", "", Submitted, note); err != nil {
		return 0, err
	}
	return id, s.reopinion(ctx, tx, c, Opinion{}, id)
}

func (s *Service) opinion(ctx context.Context, q store.Querier, c committee.Committee, id int64) (Opinion, error) {
	o, err := scanOpinion(q.QueryRowContext(ctx, "SELECT "+opinionCols+opinionFrom+" WHERE o.id = $1"+store.InProvince("o.province_id", c.Province()), id))
	if apperr.IsNotFound(err) {
		return o, apperr.NotFound("社情民意信息")
	}
	if err != nil {
		return o, fmt.Errorf("read opinion item: %w", err)
	}
	if o.Adoptions, err = s.adoptions(ctx, q, c, "opinion_id = $1", id); err != nil {
		return o, err
	}
	o.Events, err = s.PublicEvents(ctx, q, c, "opinion", id, false, label, States)
	for i := range o.Events {
		o.Events[i].ToLabel = States.Label(o.Events[i].To)
	}
	return o, err
}

func (s *Service) adoptions(ctx context.Context, q store.Querier, c committee.Committee, where string, args ...any) ([]Adoption, error) {
	return store.Query(ctx, q, func(r store.Scanner) (Adoption, error) {
		var a Adoption
		err := r.Scan(&a.ID, &a.OpinionID, &a.Level, &a.Kind, &a.By, &a.Text, &a.On, &a.Month)
		a.LevelLabel, a.KindLabel = cppcc.Levels.Label(a.Level), AdoptionKinds.Label(a.Kind)
		return a, err
	}, "SELECT id, opinion_id, level, kind, by_whom, text, on_date, month FROM opinion_adoptions WHERE "+where+store.InProvince("province_id", c.Province())+" ORDER BY on_date, id", args...)
}

// getOpinion reads an item the view reaches: the office's of its
// committees, a member's own.
func (s *Service) getOpinion(ctx context.Context, q store.Querier, sc store.Scope, view cppcc.View, id int64) (Opinion, committee.Committee, error) {
	w := store.NewWhere(id)
	lo, hi := sc.Range()
	w.And("o.committee_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
	w.And("1 = 1" + cppcc.InRoute(sc, view, "o.province_id"))
	if view == cppcc.ViewMember {
		m, err := s.MeIn(ctx, q, sc, audit.ActorOf(ctx).UserID)
		if err != nil {
			return Opinion{}, committee.Committee{}, err
		}
		w.And("o.member_id = ?", m.ID)
	}
	o, err := scanOpinion(q.QueryRowContext(ctx, "SELECT "+opinionCols+opinionFrom+" WHERE o.id = $1"+w.String(), w.Args...))
	if apperr.IsNotFound(err) {
		return o, committee.Committee{}, apperr.NotFound("社情民意信息")
	}
	if err != nil {
		return o, committee.Committee{}, fmt.Errorf("read opinion item: %w", err)
	}
	c, err := s.Lookup(ctx, q, store.All, o.CommitteeID, "committee")
	return o, c, err
}

// GetOpinion reads an item with its adoptions and history.
func (s *Service) GetOpinion(ctx context.Context, sc store.Scope, view cppcc.View, id int64) (Opinion, error) {
	o, c, err := s.getOpinion(ctx, s.DB, sc, view, id)
	if err != nil {
		return o, err
	}
	return s.opinion(ctx, s.DB, c, o.ID)
}

// Filter narrows a list of items.
type Filter struct {
	CommitteeID int64
	State       string
	IssueID     int64
	Months      cppcc.Period
}

// Opinions lists the items the view reaches, newest first.
func (s *Service) Opinions(ctx context.Context, sc store.Scope, view cppcc.View, f Filter, pg store.Page) (store.List[Opinion], error) {
	out, pg := store.NewList[Opinion](pg)
	w := store.NewWhere()
	lo, hi := sc.Range()
	w.And("o.committee_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
	w.And("1 = 1" + cppcc.InRoute(sc, view, "o.province_id"))
	if view == cppcc.ViewMember {
		m, err := s.MeIn(ctx, s.DB, sc, audit.ActorOf(ctx).UserID)
		if err != nil {
			return out, err
		}
		w.And("o.member_id = ?", m.ID)
	}
	if f.CommitteeID != 0 {
		n, err := s.NodeIn(ctx, store.All, f.CommitteeID, "committee")
		if err != nil && !apperr.IsNotFound(err) {
			return out, err
		}
		w.And("o.committee_id = ?"+store.ProvinceIs("o.province_id", n.Path), f.CommitteeID)
	}
	f.Months.Where(w, "o.month")
	if f.State != "" {
		w.And("o.state = ?", f.State)
	}
	if f.IssueID != 0 {
		w.And("o.issue_id = ?", f.IssueID)
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opinions o WHERE 1 = 1"+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list opinion items: %w", err)
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, scanOpinion, "SELECT "+opinionCols+opinionFrom+" WHERE 1 = 1"+w.String()+" ORDER BY o.id DESC"+limit, args...)
	out.Items = append(out.Items, items...)
	if err != nil {
		return out, fmt.Errorf("list opinion items: %w", err)
	}
	return out, nil
}

func (s *Service) opinionEvent(ctx context.Context, tx *sql.Tx, c committee.Committee, o Opinion, action, from, to, note string) error {
	a := audit.ActorOf(ctx)
	if _, err := tx.ExecContext(ctx, `INSERT INTO public_events (province_id, committee_id, object, object_id, action, from_state, to_state, note, notice, by_user, by_name, at)
		VALUES ($1, $2, 'opinion', $3, $4, $5, $6, $7, FALSE, $8, $9, $10)`, c.Province(), c.ID, o.ID, action, from, to, note, cppcc.NullUser(ctx), a.Username, s.now()); err != nil {
		if err != nil {
			return fmt.Errorf("record opinion event: %w", err)
		}
		return nil
	}
	return s.Audit(ctx, tx, c, "opinion_"+action, "opinion", o.ID, map[string]any{"from": from, "to": to, "note": note})
}

func (s *Service) reopinion(ctx context.Context, tx *sql.Tx, c committee.Committee, before Opinion, id int64) error {
	after, err := scanOpinion(tx.QueryRowContext(ctx, "SELECT "+opinionCols+opinionFrom+" WHERE o.id = $1"+store.InProvince("o.province_id", c.Province()), id))
	if err != nil {
		return fmt.Errorf("refigure opinion item: %w", err)
	}
	return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, Keys(after), Keys(before))
}

// Keys are the figures an item counts in the month it was submitted.
func Keys(o Opinion) []string {
	if o.ID == 0 {
		return nil
	}
	m := "s|" + strconv.Itoa(o.Month) + "|o:"
	keys := []string{m + "submitted", m + "st:" + o.State}
	return cppcc.WithYears(o.Month, keys)
}

// adoptionKeys are the figures of an adoption in its month: by level and kind.
func adoptionKeys(a Adoption) []string {
	m := "s|" + strconv.Itoa(a.Month) + "|o:"
	return cppcc.WithYears(a.Month, []string{m + a.Kind, m + a.Kind + ":" + a.Level})
}

// changeOpinion runs fn on an item the view reaches, in a transaction
// that also moves the committee's figures by the difference fn made.
func (s *Service) changeOpinion(ctx context.Context, sc store.Scope, view cppcc.View, id int64, fn func(tx *sql.Tx, o Opinion, c committee.Committee) error) (Opinion, error) {
	var c committee.Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, cc, err := s.getOpinion(ctx, tx, sc, view, id)
		if err != nil {
			return err
		}
		c = cc
		if err := fn(tx, o, c); err != nil {
			return err
		}
		return s.reopinion(ctx, tx, c, o, o.ID)
	})
	if err != nil {
		return Opinion{}, err
	}
	return s.opinion(ctx, s.DB, c, id)
}

// EditInput is the office's work on an item.
type EditInput struct {
	Action  string `json:"action"` // edit, return, unuse
	Title   string `json:"title"`
	Content string `json:"content"`
	Note    string `json:"note"`
}

// ReviewOpinion is the office's step on an item: 核稿 (edit), return, unuse.
func (s *Service) ReviewOpinion(ctx context.Context, sc store.Scope, id int64, in EditInput) (Opinion, error) {
	return s.changeOpinion(ctx, sc, cppcc.ViewOffice, id, func(tx *sql.Tx, o Opinion, c committee.Committee) error {
		to, ok := Steps.Next("opinion", in.Action, o.State)
		if !ok {
			return apperr.Conflict("当前状态为“%s”,不能%s", o.StateLabel, label(in.Action))
		}
		set, args, note := "", []any{}, strings.TrimSpace(in.Note)
		switch in.Action {
		case "edit":
			title, content := strings.TrimSpace(in.Title), strings.TrimSpace(in.Content)
			var v apperr.Invalid
			if !strings.HasPrefix(title, "关于") || !strings.HasSuffix(title, "的建议") || utf8.RuneCountInString(title) < 7 || utf8.RuneCountInString(title) > 60 {
				v.Add("title", "核稿后的标题应为“关于…的建议”,不超过60个字")
			}
			if n := utf8.RuneCountInString(content); n < 20 || n > MaxLength {
				v.Add("content", "正文应为 20 到 %d 个字,现在是 %d 个字", MaxLength, n)
			}
			if err := v.Err(); err != nil {
				return err
			}
			// The 签发人 signs the issue the item is compiled into (Compile), not the item.
			set, args = ", title = $3, content = $4", []any{title, content}
		case "return", "unuse":
			if note == "" {
				return apperr.InvalidField("note", "请说明理由")
			}
			set, args = ", note = $3", []any{note}
		}
		n := len(args)
		q := fmt.Sprintf("UPDATE opinions SET state = $1, updated_at = $2%s WHERE id = $%d AND state = $%d", set, n+3, n+4) + store.InProvince("province_id", o.province)
		if err := store.Swap(ctx, tx, "社情民意信息", q, append(append([]any{to, s.now()}, args...), o.ID, o.State)...); err != nil {
			return fmt.Errorf("review opinion: %w", err)
		}
		return s.opinionEvent(ctx, tx, c, o, in.Action, o.State, to, note)
	})
}

// ResubmitOpinion is a member's revised item, after it was returned.
func (s *Service) ResubmitOpinion(ctx context.Context, sc store.Scope, id int64, in Input) (Opinion, error) {
	if err := in.check(); err != nil {
		return Opinion{}, err
	}
	return s.changeOpinion(ctx, sc, cppcc.ViewMember, id, func(tx *sql.Tx, o Opinion, c committee.Committee) error {
		if _, ok := Steps.Next("opinion", "submit", o.State); !ok {
			return apperr.Conflict("当前状态为“%s”,不能再次报送", o.StateLabel)
		}
		if err := store.Swap(ctx, tx, "社情民意信息", "UPDATE opinions SET state = 'submitted', title = $1, content = $2, original = $2, updated_at = $3 WHERE id = $4 AND state = $5"+
			store.InProvince("province_id", o.province), in.Title, in.Content, s.now(), o.ID, o.State); err != nil {
			if err != nil {
				return fmt.Errorf("resubmit opinion: %w", err)
			}
			return nil
		}
		return s.opinionEvent(ctx, tx, c, o, "submit", o.State, Submitted, "")
	})
}

// AdoptionInput records an adoption or an instruction.
type AdoptionInput struct {
	Level string    `json:"level"`
	Kind  string    `json:"kind"`
	By    string    `json:"by"`
	Text  string    `json:"text"`
	On    date.Date `json:"on"`
}

// Adopt records an item's adoption or an instruction on it at a level,
// credited to its member's performance record.
func (s *Service) Adopt(ctx context.Context, sc store.Scope, id int64, in AdoptionInput) (Opinion, error) {
	var v apperr.Invalid
	level, ok := cppcc.Levels.Parse(in.Level)
	if !ok {
		v.Add("level", "层级应为 %s 之一", cppcc.Levels.Labels())
	}
	kind, ok := AdoptionKinds.Parse(in.Kind)
	if !ok {
		v.Add("kind", "应为 %s 之一", AdoptionKinds.Labels())
	}
	in.By, in.Text = strings.TrimSpace(in.By), strings.TrimSpace(in.Text)
	if kind == "instruction" && (utf8.RuneCountInString(in.By) < 2 || in.Text == "") {
		v.Add("by", "领导批示须写明批示人和批示内容")
	}
	if utf8.RuneCountInString(in.Text) > 1000 || utf8.RuneCountInString(in.By) > 40 {
		v.Add("text", "批示内容不超过1000字,批示人不超过40字")
	}
	if in.On.IsZero() {
		in.On = s.Today()
	}
	if in.On.After(s.Today()) {
		v.Add("on", "日期不能晚于今天")
	}
	if err := v.Err(); err != nil {
		return Opinion{}, err
	}
	return s.changeOpinion(ctx, sc, cppcc.ViewOffice, id, func(tx *sql.Tx, o Opinion, c committee.Committee) error {
		if o.State != Compiled {
			return apperr.Conflict("“%s”%s,编入专刊报送后才有采用和批示", o.Title, o.StateLabel)
		}
		a := Adoption{Level: level, Kind: kind, Month: in.On.Year()*100 + int(in.On.Time().Month())}
		if _, err := tx.ExecContext(ctx, `INSERT INTO opinion_adoptions (province_id, committee_id, opinion_id, level, kind, by_whom, text, on_date, month, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, c.Province(), c.ID, o.ID, level, kind, in.By, in.Text, in.On, a.Month, cppcc.NullUser(ctx), s.now()); err != nil {
			if err != nil {
				return fmt.Errorf("record adoption: %w", err)
			}
			return nil
		}
		if err := s.opinionEvent(ctx, tx, c, o, "adopt", o.State, o.State, cppcc.Levels.Label(level)+AdoptionKinds.Label(kind)+":"+cppcc.Joined(in.By, in.Text)); err != nil {
			return err
		}
		return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, adoptionKeys(a), nil)
	})
}
