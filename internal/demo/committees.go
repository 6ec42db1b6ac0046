package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/secret"
	"dangjian/internal/store"
)

// CommitteeOptions size the committees' generator.
type CommitteeOptions struct {
	Proposals, Members int
	Seed               uint64
	// Progress is told how many proposals are written so far.
	Progress func(proposals int)
}

// CommitteeSummary is what the generator wrote.
type CommitteeSummary struct {
	Committees, Members, Proposals, Parts int
}

// committeeGen writes the committees in large batches, keeping their figures in memory.
type committeeGen struct {
	ctx     context.Context
	db      *store.DB
	box     *secret.Box
	r       *rand.Rand
	opt     CommitteeOptions
	w       *writer
	batches map[string]*batch
	ids     map[string]int64 // the last id given, per table
	figures map[int64]map[string]int64
	prov    map[int64]int64
	sum     CommitteeSummary
}

// Committees generates the consultative work at national scale: the
// national committee, a committee for each of 31 provinces and ten cities
// in each, every one with a term of four sessions, twelve handling units,
// its share of the members, and its share of the proposals in every state
// (with their units' parts), the figures written from the same rows. The
// database must hold no committee yet.
func Committees(ctx context.Context, db *store.DB, box *secret.Box, opt CommitteeOptions) (CommitteeSummary, error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM committees").Scan(&n); err != nil {
		return CommitteeSummary{}, err
	}
	if n > 0 {
		return CommitteeSummary{}, fmt.Errorf("the database already holds committees; generated committees go only where there are none")
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return CommitteeSummary{}, err
	}
	defer conn.Close()
	if db.Dialect == store.SQLite {
		if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
			return CommitteeSummary{}, err
		}
		defer func() { _, _ = conn.ExecContext(context.Background(), "PRAGMA synchronous = NORMAL") }()
	}
	g := &committeeGen{ctx: ctx, db: db, box: box, r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x7a78)), opt: opt, w: startWriter(conn),
		batches: map[string]*batch{}, ids: map[string]int64{}, figures: map[int64]map[string]int64{}, prov: map[int64]int64{}}
	cols := map[string][]string{
		"committees":     {"id", "parent_id", "path", "kind", "level", "name", "rules", "created_at"},
		"cppcc_lists":    {"id", "committee_id", "list", "name", "position"},
		"cppcc_terms":    {"id", "committee_id", "number", "starts_on", "ends_on"},
		"cppcc_sessions": {"id", "term_id", "number", "opens_on", "closes_on"},
		"cppcc_members":  {"id", "province_id", "committee_id", "term_id", "name", "sex", "sector", "party", "special", "team", "post", "phone_enc", "status", "created_at", "updated_at"},
		"proposals": {"id", "province_id", "committee_id", "term_id", "session_id", "number", "title", "category", "content", "way", "proposer_id", "proposer_name",
			"in_session", "public", "private_reason", "contact", "state", "reject_reason", "review_note", "merged_into", "result_class", "attitude", "satisfaction",
			"rehandles", "is_key", "month", "submitted_at", "filed_at", "replied_at", "evaluate_by", "closed_at", "created_at", "updated_at", "evaluator_id"},
		"proposal_units": {"id", "province_id", "proposal_id", "committee_id", "unit_id", "role", "state", "assigned_on", "object_by", "due_on", "opinion",
			"reply_class", "reply_text", "contact", "answered_at", "late", "updated_at"},
		"cppcc_stats": {"province_id", "committee_id", "k", "n"},
	}
	order := []string{"committees", "cppcc_lists", "cppcc_terms", "cppcc_sessions", "cppcc_members", "proposals", "proposal_units", "cppcc_stats"}
	for i, t := range order {
		b := newBatch(db, g.w, t, cols[t]...)
		for _, before := range order[:i] {
			b.after = append(b.after, g.batches[before])
		}
		g.batches[t] = b
	}
	err = g.w.exec(ctx, "BEGIN")
	if err == nil {
		err = g.country()
	}
	if err == nil {
		for _, t := range order {
			if err = g.batches[t].flush(ctx); err != nil {
				break
			}
		}
	}
	if err == nil && db.Dialect == store.Postgres {
		for _, t := range order[:7] {
			if err = g.w.exec(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM "+t+"))"); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = g.w.exec(ctx, "COMMIT")
	}
	if ferr := g.w.finish(); err == nil {
		err = ferr
	}
	for _, b := range g.batches {
		b.close()
	}
	if err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
	}
	return g.sum, err
}

func (g *committeeGen) next(table string) int64 {
	g.ids[table]++
	return g.ids[table]
}

func (g *committeeGen) add(table string, vals ...any) error {
	return g.batches[table].add(g.ctx, vals...)
}

var provinceNames = []string{"北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
	"湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"}

// country writes the tree, and each committee's people and proposals.
func (g *committeeGen) country() error {
	now := time.Now().UTC()
	type node struct {
		id       int64
		path     string
		name     string
		level    string
		province int64
	}
	national := node{id: g.next("committees"), name: "全国政协", level: "national"}
	national.path, national.province = store.ChildPath("/", national.id), national.id
	nodes := []node{national}
	for _, p := range provinceNames {
		prov := node{id: g.next("committees"), name: p + "政协", level: "province"}
		prov.path, prov.province = store.ChildPath(national.path, prov.id), prov.id
		nodes = append(nodes, prov)
		for c := 1; c <= 10; c++ {
			city := node{id: g.next("committees"), name: fmt.Sprintf("%s第%d市政协", p, c), level: "city", province: prov.id}
			city.path = store.ChildPath(prov.path, city.id)
			nodes = append(nodes, city)
		}
	}
	g.sum.Committees = len(nodes)
	for i, c := range nodes {
		var parent any
		if i > 0 {
			parent = parentID(c.path)
		}
		if err := g.add("committees", c.id, parent, c.path, "committee", c.level, c.name, "{}", now); err != nil {
			return err
		}
		members := g.opt.Members / len(nodes)
		proposals := g.opt.Proposals / len(nodes)
		if i < g.opt.Members%len(nodes) {
			members++
		}
		if i < g.opt.Proposals%len(nodes) {
			proposals++
		}
		if err := g.committee(c.id, c.path, c.province, members, proposals, now); err != nil {
			return err
		}
	}
	for committee, keys := range g.figures {
		for k, n := range keys {
			if err := g.add("cppcc_stats", g.prov[committee], committee, k, n); err != nil {
				return err
			}
		}
	}
	return nil
}

func parentID(path string) int64 {
	ids := store.PathIDs(path)
	return ids[len(ids)-2]
}

// proposalStates is the share (per thousand) of each state among generated proposals.
var proposalStates = []struct {
	state string
	per   int
}{{cppcc.Draft, 10}, {cppcc.Signing, 10}, {cppcc.Submitted, 40}, {cppcc.Returned, 10}, {cppcc.Rejected, 50}, {cppcc.Merged, 30}, {cppcc.Withdrawn, 10},
	{cppcc.Filed, 30}, {cppcc.Handling, 120}, {cppcc.Replied, 60}, {cppcc.Rehandling, 20}, {cppcc.Closed, 610}}

func (g *committeeGen) pickState() string {
	n := g.r.IntN(1000)
	for _, s := range proposalStates {
		if n < s.per {
			return s.state
		}
		n -= s.per
	}
	return cppcc.Closed
}

// committee writes one committee's lists, term and sessions, units, members and proposals.
func (g *committeeGen) committee(id int64, path string, prov int64, members, proposals int, now time.Time) error {
	g.prov[id] = prov
	for list, names := range map[string][]string{"sector": committee.DefaultSectors, "category": committee.DefaultCategories} {
		for i, n := range names {
			if err := g.add("cppcc_lists", g.next("cppcc_lists"), id, list, n, i+1); err != nil {
				return err
			}
		}
	}
	term := g.next("cppcc_terms")
	if err := g.add("cppcc_terms", term, id, 14, date.New(2023, 1, 1), date.New(2027, 12, 31)); err != nil {
		return err
	}
	type session struct {
		id   int64
		year int
	}
	var sessions []session
	for y := 2023; y <= 2026; y++ {
		s := session{id: g.next("cppcc_sessions"), year: y}
		sessions = append(sessions, s)
		if err := g.add("cppcc_sessions", s.id, term, y-2022, date.New(y, 1, 10), date.New(y, 1, 14)); err != nil {
			return err
		}
	}
	var units []int64
	for i, n := range demoUnits {
		u := g.next("committees")
		units = append(units, u)
		if err := g.add("committees", u, id, store.ChildPath(path, u), "unit", "", n, "{}", now); err != nil {
			return err
		}
		if i == len(demoUnits)-1 {
			for j := 0; j < 4; j++ { // twelve units in all
				u := g.next("committees")
				units = append(units, u)
				if err := g.add("committees", u, id, store.ChildPath(path, u), "unit", "", fmt.Sprintf("承办单位%d", j+9), "{}", now); err != nil {
					return err
				}
			}
		}
	}
	type person struct {
		id   int64
		name string
	}
	var people []person
	for i := 0; i < max(members, 1); i++ {
		sex := g.r.IntN(2)
		m := person{id: g.next("cppcc_members"), name: randomName(g.r, sex == 0)}
		people = append(people, m)
		party := committee.Parties[g.r.IntN(len(committee.Parties))].Code
		if err := g.add("cppcc_members", m.id, prov, id, term, m.name, []string{"男", "女"}[sex], committee.DefaultSectors[g.r.IntN(len(committee.DefaultSectors))],
			party, "", fmt.Sprintf("第%d活动组", i%8+1), "委员", g.box.Seal(fmt.Sprintf("139%08d", g.r.IntN(100000000))), "active", now, now); err != nil {
			return err
		}
	}
	numbers := map[int64]int{}
	var lastFiled int64
	figures := g.figures[id]
	if figures == nil {
		figures = map[string]int64{}
		g.figures[id] = figures
	}
	for i := 0; i < proposals; i++ {
		s := sessions[g.r.IntN(len(sessions))]
		m := people[g.r.IntN(len(people))]
		topic := demoTopics[g.r.IntN(len(demoTopics))]
		p := cppcc.Proposal{ID: g.next("proposals"), CommitteeID: id, State: g.pickState(), Way: []string{"member", "member", "joint", "party"}[g.r.IntN(4)],
			Category: topic.category, InSession: g.r.IntN(100) < 85}
		month := 1
		if !p.InSession {
			month = 2 + g.r.IntN(11)
		}
		p.Month = s.year*100 + month
		submitted := time.Date(s.year, time.Month(month), 11, 2, 0, 0, 0, time.UTC)
		var number, merged, proposer, evaluator any
		var filedAt, repliedAt, closedAt, submittedAt any
		evaluateBy := date.Date{}
		proposer = m.id
		name := m.name
		if p.Way == "party" {
			proposer, evaluator, name = nil, m.id, committee.Parties[1+g.r.IntN(8)].Label+"委员会"
		}
		if p.State != cppcc.Draft {
			submittedAt = submitted
		} else {
			p.Month = 0
		}
		filed := slices.Contains(cppcc.FiledStates, p.State)
		if filed {
			numbers[s.id]++
			number, filedAt = numbers[s.id], submitted.AddDate(0, 0, 10)
		}
		if p.State == cppcc.Merged && lastFiled > 0 {
			merged = lastFiled
		} else if p.State == cppcc.Merged {
			p.State = cppcc.Submitted
		}
		if filed {
			lastFiled = p.ID
		}
		answered := p.State == cppcc.Replied || p.State == cppcc.Rehandling || p.State == cppcc.Closed
		if answered {
			p.ResultClass = []string{"A", "A", "B", "B", "C"}[g.r.IntN(5)]
			repliedAt = submitted.AddDate(0, 2, 0)
			evaluateBy = date.Of(submitted.AddDate(0, 3, 0))
		}
		attitude := ""
		if p.State == cppcc.Closed {
			p.Satisfaction = []string{"satisfied", "satisfied", "satisfied", "basic", "unsatisfied"}[g.r.IntN(5)]
			attitude, closedAt = p.Satisfaction, submitted.AddDate(0, 2, 15)
		}
		if p.State == cppcc.Rehandling {
			p.Rehandles, p.ResultClass, p.Satisfaction, attitude = 1, "", "unsatisfied", "basic"
		}
		rejectReason := ""
		if p.State == cppcc.Rejected {
			rejectReason = cppcc.RejectReasons[g.r.IntN(len(cppcc.RejectReasons))].Code
		}
		if p.State != cppcc.Draft && p.State != cppcc.Withdrawn && p.State != cppcc.Signing && p.Way == "joint" && g.r.IntN(20) == 0 {
			p.Way = "member"
		}
		if err := g.add("proposals", p.ID, prov, id, term, s.id, number, topic.title, topic.category, "（生成的提案内容）近年来群众对此反映较多,建议有关部门加大投入、完善政策、强化督查。",
			p.Way, proposer, name, p.InSession, g.r.IntN(10) > 0, "", "phone", p.State, rejectReason, "", merged, p.ResultClass, attitude, p.Satisfaction,
			p.Rehandles, false, p.Month, submittedAt, filedAt, repliedAt, evaluateBy, closedAt, submitted, submitted, evaluator); err != nil {
			return err
		}
		if filed && p.State != cppcc.Filed {
			lead := units[g.r.IntN(len(units))]
			co := units[g.r.IntN(len(units))]
			assigned := date.Of(submitted.AddDate(0, 0, 20))
			parts := []cppcc.Part{{ID: g.next("proposal_units"), UnitID: lead, Role: "lead", State: cppcc.PartHandling, AssignedOn: assigned, DueOn: assigned.AddDate(0, 3, 0)}}
			if co != lead && g.r.IntN(3) == 0 {
				parts = append(parts, cppcc.Part{ID: g.next("proposal_units"), UnitID: co, Role: "co", State: cppcc.PartOpinion, AssignedOn: assigned, DueOn: assigned.AddDate(0, 1, 0),
					Opinion: "同意主办单位意见"})
			}
			if answered && p.State != cppcc.Rehandling {
				parts[0].State, parts[0].ReplyClass, parts[0].ReplyText, parts[0].Late = cppcc.PartReplied, p.ResultClass, "已办理,详见答复函。", g.r.IntN(10) == 0
			}
			for _, x := range parts {
				var answeredAt any
				if x.State != cppcc.PartHandling {
					answeredAt = submitted.AddDate(0, 1, 0)
				}
				if err := g.add("proposal_units", x.ID, prov, p.ID, id, x.UnitID, x.Role, x.State, x.AssignedOn, x.AssignedOn.AddDate(0, 0, 7), x.DueOn, x.Opinion,
					x.ReplyClass, x.ReplyText, "phone", answeredAt, x.Late, now); err != nil {
					return err
				}
				g.sum.Parts++
			}
			p.Parts = parts
		}
		for _, k := range cppcc.FigureKeys(p) {
			figures[k]++
		}
		g.sum.Proposals++
		if g.opt.Progress != nil && g.sum.Proposals%10000 == 0 {
			g.opt.Progress(g.sum.Proposals)
		}
	}
	g.sum.Members += len(people)
	return nil
}

// String is a short account of the generated committees, for the command's output.
func (s CommitteeSummary) String() string {
	return strconv.Itoa(s.Committees) + " 个政协、" + strconv.Itoa(s.Members) + " 名委员、" + strconv.Itoa(s.Proposals) + " 件提案(" + strconv.Itoa(s.Parts) + " 项承办)"
}
