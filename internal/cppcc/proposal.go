package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/committee"
	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// View is the side a caller looks from; it decides which proposals they reach.
type View string

// The views of the consultative work.
const (
	// ViewOffice: the office and the leaders see every submitted proposal
	// of the committees in scope (never a draft).
	ViewOffice View = "office"
	// ViewMember: a member sees their own, those they are asked to co-sign,
	// and the public ones once filed.
	ViewMember View = "member"
	// ViewUnit: a handling unit sees those assigned to it.
	ViewUnit View = "unit"
)

// Proposal is a 提案 with, when read alone, its co-signers, the units'
// parts and its history.
type Proposal struct {
	ID           int64  `json:"id"`
	CommitteeID  int64  `json:"committee_id"`
	TermID       int64  `json:"term_id"`
	SessionID    int64  `json:"session_id"`
	SessionLabel string `json:"session_label"`
	Number       *int   `json:"number"`
	NumberText   string `json:"number_text"`
	Title        string `json:"title"`
	Category     string `json:"category"`
	Content      string `json:"content"`
	Way          string `json:"way"`
	WayLabel     string `json:"way_label"`
	ProposerID   *int64 `json:"proposer_id"`
	ProposerName string `json:"proposer_name"`
	// EvaluatorID is the member who evaluates a party's or group's
	// proposal for it (its contact person); EvaluatorName their name.
	EvaluatorID   *int64 `json:"evaluator_id"`
	EvaluatorName string `json:"evaluator_name,omitempty"`
	InSession     bool   `json:"in_session"`
	Public        bool   `json:"public"`
	PrivateReason string `json:"private_reason"`
	Contact       string `json:"contact"`
	State         string `json:"state"`
	StateLabel    string `json:"state_label"`
	RejectReason  string `json:"reject_reason"`
	ReviewNote    string `json:"review_note"`
	// RejectRoute is where a proposal not filed went (RejectRoutes);
	// RoutedID the 社情民意 item or the letter it became.
	RejectRoute      string     `json:"reject_route"`
	RejectRouteLabel string     `json:"reject_route_label,omitempty"`
	RoutedID         *int64     `json:"routed_id"`
	MergedInto       *int64     `json:"merged_into"`
	ResultClass      string     `json:"result_class"`
	Attitude         string     `json:"attitude"`
	Satisfaction     string     `json:"satisfaction"`
	Rehandles        int        `json:"rehandles"`
	Key              bool       `json:"key"`
	KeyLead          string     `json:"key_lead"`
	Month            int        `json:"-"`
	SubmittedAt      *time.Time `json:"submitted_at"`
	FiledAt          *time.Time `json:"filed_at"`
	RepliedAt        *time.Time `json:"replied_at"`
	EvaluateBy       date.Date  `json:"evaluate_by"`
	ClosedAt         *time.Time `json:"closed_at"`
	Signers          []Signer   `json:"signers,omitempty"`
	Parts            []Part     `json:"parts,omitempty"`
	Events           []Event    `json:"events,omitempty"`
	province         int64
}

// Signer is a co-signer of a joint proposal.
type Signer struct {
	MemberID   int64      `json:"member_id"`
	Name       string     `json:"name"`
	State      string     `json:"state"`
	StateLabel string     `json:"state_label"`
	DueOn      date.Date  `json:"due_on"`
	AnsweredAt *time.Time `json:"answered_at"`
}

// Part is a handling unit's part in a proposal.
type Part struct {
	ID              int64      `json:"id"`
	ProposalID      int64      `json:"proposal_id"`
	UnitID          int64      `json:"unit_id"`
	UnitName        string     `json:"unit_name"`
	Role            string     `json:"role"`
	RoleLabel       string     `json:"role_label"`
	State           string     `json:"state"`
	StateLabel      string     `json:"state_label"`
	AssignedOn      date.Date  `json:"assigned_on"`
	ObjectBy        date.Date  `json:"object_by"`
	DueOn           date.Date  `json:"due_on"`
	Objection       string     `json:"objection"`
	ExtensionReason string     `json:"extension_reason"`
	ExtensionTo     date.Date  `json:"extension_to"`
	Opinion         string     `json:"opinion"`
	ReplyClass      string     `json:"reply_class"`
	ReplyText       string     `json:"reply_text"`
	Contact         string     `json:"contact"`
	AnsweredAt      *time.Time `json:"answered_at"`
	Late            bool       `json:"late"`
	Overdue         bool       `json:"overdue"`
	// Letters are the reply letters the unit sent.
	Letters  []File `json:"letters,omitempty"`
	province int64
}

const proposalCols = `p.id, p.committee_id, p.term_id, p.session_id, s.number, t.number, p.number, p.title, p.category, p.content, p.way,
	p.proposer_id, p.proposer_name, p.in_session, p.public, p.private_reason, p.contact, p.state, p.reject_reason, p.review_note, p.merged_into,
	p.result_class, p.attitude, p.satisfaction, p.rehandles, p.is_key, p.key_lead, p.month, p.submitted_at, p.filed_at, p.replied_at, p.evaluate_by, p.closed_at, p.province_id,
	p.evaluator_id, p.reject_route, p.routed_id`

const proposalFrom = ` FROM proposals p JOIN cppcc_sessions s ON s.id = p.session_id JOIN cppcc_terms t ON t.id = p.term_id`

func scanProposal(r store.Scanner) (Proposal, error) {
	var p Proposal
	var session, term int
	var number sql.NullInt64
	var proposer, merged, evaluator, routed sql.NullInt64
	var submitted, filed, replied, closed sql.NullTime
	err := r.Scan(&p.ID, &p.CommitteeID, &p.TermID, &p.SessionID, &session, &term, &number, &p.Title, &p.Category, &p.Content, &p.Way,
		&proposer, &p.ProposerName, &p.InSession, &p.Public, &p.PrivateReason, &p.Contact, &p.State, &p.RejectReason, &p.ReviewNote, &merged,
		&p.ResultClass, &p.Attitude, &p.Satisfaction, &p.Rehandles, &p.Key, &p.KeyLead, &p.Month, &submitted, &filed, &replied, &p.EvaluateBy, &closed, &p.province,
		&evaluator, &p.RejectRoute, &routed)
	if err != nil {
		return p, err
	}
	p.SessionLabel = committee.SessionLabel(term, session)
	if number.Valid {
		n := int(number.Int64)
		p.Number = &n
		p.NumberText = fmt.Sprintf("第%d号", n)
	}
	if proposer.Valid {
		p.ProposerID = &proposer.Int64
	}
	if merged.Valid {
		p.MergedInto = &merged.Int64
	}
	if evaluator.Valid {
		p.EvaluatorID = &evaluator.Int64
	}
	if routed.Valid {
		p.RoutedID = &routed.Int64
	}
	if p.RejectRoute != "" {
		p.RejectRouteLabel = RejectRoutes.Label(p.RejectRoute)
	}
	for _, t := range []struct {
		v   sql.NullTime
		dst **time.Time
	}{{submitted, &p.SubmittedAt}, {filed, &p.FiledAt}, {replied, &p.RepliedAt}, {closed, &p.ClosedAt}} {
		if t.v.Valid {
			v := t.v.Time.UTC()
			*t.dst = &v
		}
	}
	p.WayLabel = Ways.Label(p.Way)
	p.StateLabel = States.Label(p.State)
	return p, nil
}

// FiledStates are those of a filed proposal.
var FiledStates = []string{Filed, Handling, Replied, Rehandling, Closed}

// openStates are those of a unit's part still waiting for its answer.
var openStates = []string{PartHandling, PartObjected, PartExtension}

// SQLList is states as an SQL list: ('a', 'b').
func SQLList(states []string) string { return "('" + strings.Join(states, "', '") + "')" }

// visible is the condition that keeps the proposals a caller reaches from
// view in scope; me is the caller's member id (ViewMember).
func visible(w *store.Where, sc store.Scope, view View, me int64) {
	lo, hi := sc.Range()
	switch view {
	case ViewUnit:
		w.And(`EXISTS (SELECT 1 FROM proposal_units u JOIN committees uc ON uc.id = u.unit_id WHERE u.province_id = p.province_id
			AND u.proposal_id = p.id AND u.state <> 'withdrawn' AND uc.path >= ? AND uc.path < ?`+sc.Exact("uc.path")+InRoute(sc, view, "u.province_id")+")", lo, hi)
	case ViewMember:
		w.And("p.committee_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
		w.And(`(p.proposer_id = ? OR p.evaluator_id = ? OR (p.state <> 'draft' AND EXISTS (SELECT 1 FROM proposal_signers g WHERE g.province_id = p.province_id
			AND g.proposal_id = p.id AND g.member_id = ?`+InRoute(sc, view, "g.province_id")+`)) OR (p.public AND p.state IN `+SQLList(FiledStates)+`))`, me, me, me)
	default:
		w.And("p.committee_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
		w.And("p.state <> 'draft'")
	}
	w.And("1 = 1" + InRoute(sc, view, "p.province_id"))
}

// InRoute is the condition that sends a query of the view's rows in scope to
// the one worker of their province, when they lie in one. A committee's
// rows are kept in the province of its path; a handling unit's scope is
// the unit's path, whose parent is its committee.
func InRoute(sc store.Scope, view View, col string) string {
	if view != ViewUnit {
		return sc.ProvinceParam(col)
	}
	var prov int64
	for _, p := range sc.Parts() {
		q := store.ProvinceOf(p[:strings.LastIndex(p[:len(p)-1], "/")+1])
		if q == 0 || (prov != 0 && q != prov) {
			return ""
		}
		prov = q
	}
	if prov == 0 {
		return ""
	}
	return store.InProvince(col, prov)
}

// caller is the member id of a member's view (0 otherwise).
func (s *Service) caller(ctx context.Context, q store.Querier, sc store.Scope, view View) (int64, error) {
	if view != ViewMember {
		return 0, nil
	}
	m, err := s.MeIn(ctx, q, sc, audit.ActorOf(ctx).UserID)
	return m.ID, err
}

// get reads a proposal the caller reaches, with its co-signers and parts.
func (s *Service) get(ctx context.Context, q store.Querier, sc store.Scope, view View, id int64) (Proposal, error) {
	me, err := s.caller(ctx, q, sc, view)
	if err != nil {
		return Proposal{}, err
	}
	w := store.NewWhere(id)
	visible(w, sc, view, me)
	p, err := scanProposal(q.QueryRowContext(ctx, "SELECT "+proposalCols+proposalFrom+" WHERE p.id = $1"+w.String(), w.Args...))
	if apperr.IsNotFound(err) {
		return p, apperr.NotFound("提案")
	}
	if err != nil {
		return p, fmt.Errorf("read proposal: %w", err)
	}
	return p, s.details(ctx, q, &p)
}

// details reads a proposal's co-signers and parts.
func (s *Service) details(ctx context.Context, q store.Querier, p *Proposal) error {
	var err error
	prov := store.InProvince("province_id", p.province)
	p.Signers, err = store.Query(ctx, q, func(r store.Scanner) (Signer, error) {
		var g Signer
		var answered sql.NullTime
		err := r.Scan(&g.MemberID, &g.Name, &g.State, &g.DueOn, &answered)
		if answered.Valid {
			t := answered.Time.UTC()
			g.AnsweredAt = &t
		}
		g.StateLabel = SignerStates.Label(g.State)
		return g, err
	}, `SELECT g.member_id, m.name, g.state, g.due_on, g.answered_at FROM proposal_signers g
		JOIN cppcc_members m ON m.province_id = g.province_id AND m.id = g.member_id WHERE g.proposal_id = $1 AND g.province_id = $2 ORDER BY m.name, g.member_id`, p.ID, p.province)
	if err != nil {
		return fmt.Errorf("read proposal details: %w", err)
	}
	if p.EvaluatorID != nil {
		if err := q.QueryRowContext(ctx, "SELECT name FROM cppcc_members WHERE id = $1"+prov, *p.EvaluatorID).Scan(&p.EvaluatorName); err != nil {
			return fmt.Errorf("read proposal details: %w", err)
		}
	}
	today := s.Today()
	p.Parts, err = store.Query(ctx, q, func(r store.Scanner) (Part, error) { return scanPart(r, today) },
		"SELECT "+partCols+" FROM proposal_units u JOIN committees uc ON uc.id = u.unit_id WHERE u.proposal_id = $1"+prov+" ORDER BY u.id", p.ID)
	if err != nil {
		return fmt.Errorf("read proposal details: %w", err)
	}
	files, err := store.Query(ctx, q, func(r store.Scanner) (File, error) {
		var f File
		return f, r.Scan(&f.ID, &f.PartID, &f.Name, &f.Type, &f.Size, &f.SHA256)
	}, "SELECT id, part_id, name, content_type, size, sha256 FROM cppcc_files WHERE proposal_id = $1"+prov+" ORDER BY id", p.ID)
	for _, f := range files {
		for i := range p.Parts {
			if p.Parts[i].ID == f.PartID {
				p.Parts[i].Letters = append(p.Parts[i].Letters, f)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("read proposal details: %w", err)
	}
	return nil
}

const partCols = `u.id, u.proposal_id, u.unit_id, uc.name, u.role, u.state, u.assigned_on, u.object_by, u.due_on, u.objection, u.extension_reason,
	u.extension_to, u.opinion, u.reply_class, u.reply_text, u.contact, u.answered_at, u.late, u.province_id`

func scanPart(r store.Scanner, today date.Date) (Part, error) {
	var x Part
	var answered sql.NullTime
	err := r.Scan(&x.ID, &x.ProposalID, &x.UnitID, &x.UnitName, &x.Role, &x.State, &x.AssignedOn, &x.ObjectBy, &x.DueOn, &x.Objection, &x.ExtensionReason,
		&x.ExtensionTo, &x.Opinion, &x.ReplyClass, &x.ReplyText, &x.Contact, &answered, &x.Late, &x.province)
	if answered.Valid {
		t := answered.Time.UTC()
		x.AnsweredAt = &t
	}
	x.RoleLabel = UnitRoles.Label(x.Role)
	x.StateLabel = UnitStates.Label(x.State)
	x.Overdue = open(x.State) && x.DueOn.Before(today)
	return x, err
}

// open tells whether a unit's part still waits for its answer.
func open(state string) bool { return slices.Contains(openStates, state) }

// Get returns a proposal the caller reaches, with its history.
func (s *Service) Get(ctx context.Context, sc store.Scope, view View, id int64) (Proposal, error) {
	p, err := s.get(ctx, s.DB, sc, view, id)
	if err != nil {
		return p, err
	}
	p.Events, err = store.Query(ctx, s.DB, func(r store.Scanner) (Event, error) {
		var e Event
		err := r.Scan(&e.Object, &e.Action, &e.From, &e.To, &e.Note, &e.By, &e.by, &e.At)
		e.At = e.At.UTC()
		e.ActionLabel = Steps.Label(e.Object, e.Action)
		e.ToLabel = map[string]vocab.Enum{"proposal": States, "signer": SignerStates, "unit": UnitStates}[e.Object].Label(e.To)
		return e, err
	}, "SELECT object, action, from_state, to_state, note, by_name, by_user, at FROM proposal_events WHERE proposal_id = $1"+store.InProvince("province_id", p.province)+" ORDER BY id", p.ID)
	if err != nil {
		return p, fmt.Errorf("read proposal: %w", err)
	}
	return p, s.byName(ctx, s.DB, p.province, p.Events)
}

// Filter narrows a list of proposals.
type Filter struct {
	CommitteeID int64
	State       string
	Category    string
	Way         string
	Q           string // in the title, or a proposer's name
	Overdue     bool
	// Mine keeps a member's own and co-signed proposals (not the public
	// ones); Own their own alone; ToSign those awaiting their co-signature.
	Mine, Own, ToSign bool
	// Key keeps the key proposals.
	Key bool
	// Months keeps those of the months (submitted then), as the figures count them.
	Months Period
}

// List lists the proposals the caller reaches, newest first.
func (s *Service) List(ctx context.Context, sc store.Scope, view View, f Filter, pg store.Page) (store.List[Proposal], error) {
	out, pg := store.NewList[Proposal](pg)
	me, err := s.caller(ctx, s.DB, sc, view)
	if err != nil {
		return out, err
	}
	w := store.NewWhere()
	visible(w, sc, view, me)
	// A subquery names the province itself too (as its outer query): a
	// cluster routes a correlated subquery under OR only so.
	in := func(col string) string { return InRoute(sc, view, col) }
	if f.CommitteeID != 0 {
		// A committee's rows are in its province: the list goes to that
		// worker alone even when the scope spans provinces (a root committee's office).
		n, err := s.NodeIn(ctx, store.All, f.CommitteeID, "committee")
		if err != nil && !apperr.IsNotFound(err) {
			return out, err
		}
		in = func(col string) string { return store.ProvinceIs(col, n.Path) }
		w.And("p.committee_id = ?"+in("p.province_id"), f.CommitteeID)
	}
	f.Months.Where(w, "p.month")
	if f.State != "" {
		w.And("p.state = ?", f.State)
	}
	if f.Category != "" {
		w.And("p.category = ?", f.Category)
	}
	if f.Way != "" {
		w.And("p.way = ?", f.Way)
	}
	if f.Q != "" {
		w.And("(p.title LIKE ?"+store.LikeEscape+" OR p.proposer_name LIKE ?"+store.LikeEscape+")", store.Contains(f.Q), store.Prefix(f.Q))
	}
	rg, ru := in("g.province_id"), in("u.province_id")
	if f.Mine && view == ViewMember {
		w.And(`(p.proposer_id = ? OR p.evaluator_id = ? OR EXISTS (SELECT 1 FROM proposal_signers g WHERE g.province_id = p.province_id AND g.proposal_id = p.id AND g.member_id = ?`+rg+"))", me, me, me)
	}
	if f.Key {
		w.And("p.is_key")
	}
	if f.Own && view == ViewMember {
		w.And("p.proposer_id = ?", me)
	}
	if f.ToSign && view == ViewMember {
		w.And(`p.state = 'signing' AND EXISTS (SELECT 1 FROM proposal_signers g WHERE g.province_id = p.province_id AND g.proposal_id = p.id
			AND g.member_id = ? AND g.state = 'invited'`+rg+")", me)
	}
	if f.Overdue {
		w.And(`EXISTS (SELECT 1 FROM proposal_units u WHERE u.province_id = p.province_id AND u.proposal_id = p.id
			AND u.state IN `+SQLList(openStates)+` AND u.due_on < ?`+ru+")", s.Today())
	}
	if err := s.DB.QueryRowContext(ctx, store.CappedCount("SELECT 1"+" FROM proposals p WHERE 1 = 1"+w.String(), 10000), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list proposals: %w", err)
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, scanProposal, "SELECT "+proposalCols+proposalFrom+" WHERE 1 = 1"+w.String()+" ORDER BY p.id DESC"+limit, args...)
	out.Items = append(out.Items, items...)
	if err != nil {
		return out, fmt.Errorf("list proposals: %w", err)
	}
	return out, nil
}

// change runs fn on a proposal the caller reaches, in a transaction that
// also moves the committee's figures by the difference fn made.
func (s *Service) change(ctx context.Context, sc store.Scope, view View, id int64, fn func(tx *sql.Tx, p Proposal, c committee.Committee, me int64) error) (Proposal, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.get(ctx, tx, sc, view, id)
		if err != nil {
			return err
		}
		c, err := s.Lookup(ctx, tx, store.All, p.CommitteeID, "committee")
		if err != nil {
			return err
		}
		me, err := s.caller(ctx, tx, sc, view)
		if err != nil {
			return err
		}
		if err := fn(tx, p, c, me); err != nil {
			return err
		}
		return s.refigure(ctx, tx, p)
	})
	if err != nil {
		return Proposal{}, err
	}
	return s.Get(ctx, sc, view, id)
}

// refigure reads a proposal again after a change and moves its committee's
// figures from what it counted (before) to what it counts now.
func (s *Service) refigure(ctx context.Context, tx *sql.Tx, before Proposal) error {
	after, err := scanProposal(tx.QueryRowContext(ctx, "SELECT "+proposalCols+proposalFrom+" WHERE p.id = $1"+store.InProvince("p.province_id", before.province), before.ID))
	if err != nil {
		return fmt.Errorf("refigure proposal: %w", err)
	}
	if err := s.details(ctx, tx, &after); err != nil {
		return err
	}
	return ApplyFigures(ctx, tx, before.province, before.CommitteeID, FigureKeys(after), FigureKeys(before))
}
