package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
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
	p.SessionLabel = chineseNumber(term) + "届" + chineseNumber(session) + "次会议"
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

// filedStates are those of a filed proposal.
var filedStates = []string{"filed", "handling", "replied", "rehandling", "closed"}

// openStates are those of a unit's part still waiting for its answer.
var openStates = []string{"handling", "objected", "extension"}

// sqlIn is states as an SQL list: ('a', 'b').
func sqlIn(states []string) string { return "('" + strings.Join(states, "', '") + "')" }

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
			AND g.proposal_id = p.id AND g.member_id = ?`+InRoute(sc, view, "g.province_id")+`)) OR (p.public AND p.state IN `+sqlIn(filedStates)+`))`, me, me, me)
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
	m, err := s.me(ctx, q, sc, audit.ActorOf(ctx).UserID)
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
		return p, err
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
		return err
	}
	if p.EvaluatorID != nil {
		if err := q.QueryRowContext(ctx, "SELECT name FROM cppcc_members WHERE id = $1"+prov, *p.EvaluatorID).Scan(&p.EvaluatorName); err != nil {
			return err
		}
	}
	today := s.today()
	p.Parts, err = store.Query(ctx, q, func(r store.Scanner) (Part, error) { return scanPart(r, today) },
		"SELECT "+partCols+" FROM proposal_units u JOIN committees uc ON uc.id = u.unit_id WHERE u.proposal_id = $1"+prov+" ORDER BY u.id", p.ID)
	if err != nil {
		return err
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
	return err
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
		return p, err
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
	f.Months.where(w, "p.month")
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
		w.And("(p.title LIKE ? OR p.proposer_name LIKE ?)", "%"+f.Q+"%", f.Q+"%")
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
			AND u.state IN `+sqlIn(openStates)+` AND u.due_on < ?`+ru+")", s.today())
	}
	if err := s.DB.QueryRowContext(ctx, store.CappedCount("SELECT 1"+" FROM proposals p WHERE 1 = 1"+w.String(), 10000), w.Args...).Scan(&out.Total); err != nil {
		return out, err
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, scanProposal, "SELECT "+proposalCols+proposalFrom+" WHERE 1 = 1"+w.String()+" ORDER BY p.id DESC"+limit, args...)
	out.Items = append(out.Items, items...)
	return out, err
}

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
		if err := s.inCategories(ctx, tx, c.ID, in.Category); err != nil {
			return err
		}
		session, _, err := s.sessionAt(ctx, tx, c.ID, s.today())
		if err != nil {
			return err
		}
		var proposer, evaluator any
		name := strings.TrimSpace(in.ProposerName)
		if in.EvaluatorID != 0 {
			m, err := s.member(ctx, tx, store.ScopeOf(c.Path), in.EvaluatorID)
			if err != nil || m.CommitteeID != c.ID || m.Status != "active" {
				return apperr.InvalidField("evaluator_id", "联系人须是本政协在任的委员,请从委员中选择")
			}
			evaluator = m.ID
		}
		if view == ViewMember {
			me, err := s.me(ctx, tx, sc, audit.ActorOf(ctx).UserID)
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
			return err
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
			return err
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
func (s *Service) setSigners(ctx context.Context, tx *sql.Tx, c Committee, id int64, proposer any, ids []int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM proposal_signers WHERE proposal_id = $1"+store.InProvince("province_id", c.Province()), id); err != nil {
		return err
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
			return err
		}
		if n == 0 {
			return apperr.InvalidField("co_signers", "第 %d 名附议委员不是本政协在任的委员", i+1)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO proposal_signers (province_id, proposal_id, member_id, state, due_on) VALUES ($1, $2, $3, 'invited', $4)",
			c.Province(), id, m, s.today()); err != nil {
			return err
		}
	}
	return nil
}

// Edit changes a draft, or a proposal returned for revision, of the caller's own.
func (s *Service) Edit(ctx context.Context, sc store.Scope, id int64, in Input) (Proposal, error) {
	if err := in.check(); err != nil {
		return Proposal{}, err
	}
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c Committee, me int64) error {
		if err := own(p, me); err != nil {
			return err
		}
		if p.State != "draft" && p.State != "returned" {
			return apperr.Conflict("该提案目前“%s”,只有暂存或退回修改的提案可以修改", p.StateLabel)
		}
		if in.Way != "member" && in.Way != "joint" {
			return apperr.InvalidField("way", "委员本人只能以个人或联名方式提出提案")
		}
		if err := s.inCategories(ctx, tx, c.ID, in.Category); err != nil {
			return err
		}
		if err := store.Swap(ctx, tx, "提案", `UPDATE proposals SET title = $1, category = $2, content = $3, way = $4, public = $5, private_reason = $6,
			contact = $7, updated_at = $8 WHERE id = $9 AND state = $10`+store.InProvince("province_id", p.province),
			in.Title, in.Category, in.Content, in.Way, in.Public, strings.TrimSpace(in.PrivateReason), in.Contact, s.now(), p.ID, p.State); err != nil {
			return err
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

// change runs fn on a proposal the caller reaches, in a transaction that
// also moves the committee's figures by the difference fn made.
func (s *Service) change(ctx context.Context, sc store.Scope, view View, id int64, fn func(tx *sql.Tx, p Proposal, c Committee, me int64) error) (Proposal, error) {
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
		return err
	}
	if err := s.details(ctx, tx, &after); err != nil {
		return err
	}
	return ApplyFigures(ctx, tx, before.province, before.CommitteeID, FigureKeys(after), FigureKeys(before))
}

// Submit sends a draft, or a proposal returned for revision, of the
// caller's own: a joint one to its co-signers first.
func (s *Service) Submit(ctx context.Context, sc store.Scope, id int64) (Proposal, error) {
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c Committee, me int64) error {
		if err := own(p, me); err != nil {
			return err
		}
		return s.submit(ctx, tx, c, p)
	})
}

// submit sends a proposal on: to review, or a joint one to its co-signers.
func (s *Service) submit(ctx context.Context, tx *sql.Tx, c Committee, p Proposal) error {
	today := s.today()
	session, inSession, err := s.sessionAt(ctx, tx, c.ID, today)
	if err != nil {
		return err
	}
	month := today.Year()*100 + int(today.Time().Month())
	set := "submitted_at = $3, month = $4, session_id = $5, term_id = $6, in_session = $7"
	args := []any{s.now(), month, session.ID, session.TermID, inSession}
	if p.State == "returned" { // resubmitted: counted where it was first
		set, args = "submitted_at = $3", []any{s.now()}
	}
	if p.Way != "joint" {
		return s.step(ctx, tx, c, p, "submit", "", set, args...)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE proposal_signers SET state = 'invited', answered_at = NULL, due_on = $1 WHERE proposal_id = $2"+
		store.InProvince("province_id", p.province), today.AddDate(0, 0, c.Rules.SignDays), p.ID); err != nil {
		return err
	}
	return s.step(ctx, tx, c, p, "submit_joint", "", set, args...)
}

// Withdraw takes back a proposal of the caller's own before it is filed.
func (s *Service) Withdraw(ctx context.Context, sc store.Scope, id int64) (Proposal, error) {
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c Committee, me int64) error {
		if err := own(p, me); err != nil {
			return err
		}
		return s.step(ctx, tx, c, p, "withdraw", "", "")
	})
}

// Sign answers an invitation to co-sign: confirm or decline. When nobody
// is left to answer the proposal goes on to review.
func (s *Service) Sign(ctx context.Context, sc store.Scope, id int64, confirm bool) (Proposal, error) {
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c Committee, me int64) error {
		i := slices.IndexFunc(p.Signers, func(g Signer) bool { return g.MemberID == me })
		if i < 0 {
			return apperr.Rule("您不是这件提案的附议委员")
		}
		g := p.Signers[i]
		action := map[bool]string{true: "confirm", false: "decline"}[confirm]
		if p.State != "signing" {
			return apperr.Conflict("该提案目前“%s”,会签已经结束", p.StateLabel)
		}
		if g.DueOn.Before(s.today()) {
			return apperr.Conflict("会签期限(%s)已过,不能再%s", g.DueOn.Chinese(), Steps.Label("signer", action))
		}
		if err := s.stepSigner(ctx, tx, c, p, g, action); err != nil {
			return err
		}
		return s.endSigning(ctx, tx, c, p, false)
	})
}

func (s *Service) stepSigner(ctx context.Context, tx *sql.Tx, c Committee, p Proposal, g Signer, action string) error {
	to, ok := Steps.Next("signer", action, g.State)
	if !ok {
		return refused(g.StateLabel, "signer", action)
	}
	if err := store.Swap(ctx, tx, "联名邀请", "UPDATE proposal_signers SET state = $1, answered_at = $2 WHERE proposal_id = $3 AND member_id = $4 AND state = $5"+
		store.InProvince("province_id", p.province), to, s.now(), p.ID, g.MemberID, g.State); err != nil {
		return err
	}
	return s.event(ctx, tx, c, p, "signer", action, g.State, to, g.Name)
}

// endSigning moves a joint proposal on to review once every co-signer has
// answered (or, lapse, the office closes the signing after its date): with
// nobody confirming, it goes on as the first proposer's own.
func (s *Service) endSigning(ctx context.Context, tx *sql.Tx, c Committee, p Proposal, lapse bool) error {
	var waiting, confirmed int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN state = 'invited' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN state = 'confirmed' THEN 1 ELSE 0 END), 0)
		FROM proposal_signers WHERE proposal_id = $1`+store.InProvince("province_id", p.province), p.ID).Scan(&waiting, &confirmed); err != nil {
		return err
	}
	if waiting > 0 && !lapse {
		return nil
	}
	if lapse {
		for _, g := range p.Signers {
			if g.State == "invited" {
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
	return s.change(ctx, sc, ViewOffice, id, func(tx *sql.Tx, p Proposal, c Committee, _ int64) error {
		if p.State != "signing" {
			return refused(p.StateLabel, "proposal", "signed")
		}
		for _, g := range p.Signers {
			if g.State == "invited" && !g.DueOn.Before(s.today()) {
				return apperr.Conflict("会签期限到%s才结束,%s尚未答复", g.DueOn.Chinese(), g.Name)
			}
		}
		return s.endSigning(ctx, tx, c, p, true)
	})
}
