package duties

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Entry is one line of a performance record, from the record it comes from.
type Entry struct {
	Item      string    `json:"item"`
	ItemLabel string    `json:"item_label"`
	Title     string    `json:"title"`
	On        date.Date `json:"on"`
	Points    int       `json:"points"`
	// Counted is false past the item's yearly cap.
	Counted bool `json:"counted"`
}

// Performance is a member's record of a year.
type Performance struct {
	Member  committee.Member `json:"member"`
	Year    int              `json:"year"`
	Entries []Entry          `json:"entries"`
	Counts  map[string]int   `json:"counts"`
	Points  int              `json:"points"`
}

// RankLine is a member's line of the year's list.
type RankLine struct {
	Rank   int              `json:"rank"`
	Member committee.Member `json:"member"`
	Counts map[string]int   `json:"counts"`
	Points int              `json:"points"`
}

// score is the points of a year's counts under the rules.
func score(rules map[string]committee.PointRule, counts map[string]int) int {
	total := 0
	for item, n := range counts {
		r := rules[item]
		if r.Cap > 0 {
			n = min(n, r.Cap)
		}
		total += n * r.Points
	}
	return total
}

// attendanceItem is the item of an activity of kind attended with status.
func attendanceItem(kind, status string) string {
	switch {
	case status != "present":
		return status
	case Supervision(kind):
		return "supervision"
	}
	return kind
}

// notProposed are the states of a proposal that is not counted as proposed:
// not yet submitted, or withdrawn.
var notProposed = cppcc.SQLList([]string{cppcc.Draft, cppcc.Signing, cppcc.Withdrawn})

func yearMonths(year int) (int, int) { return year*100 + 1, year*100 + 12 }

// Record is a member's performance record of a year: the office's view of
// a member of a committee in scope, or a member's own (memberID 0).
func (s *Service) Record(ctx context.Context, sc store.Scope, view cppcc.View, memberID int64, year int) (Performance, error) {
	var m committee.Member
	var err error
	if view == cppcc.ViewMember {
		m, err = s.MeIn(ctx, s.DB, sc, audit.ActorOf(ctx).UserID)
	} else {
		m, err = s.MemberIn(ctx, s.DB, sc, memberID)
	}
	if err != nil {
		return Performance{}, err
	}
	c, err := s.Lookup(ctx, s.DB, store.All, m.CommitteeID, "committee")
	if err != nil {
		return Performance{}, err
	}
	from, to := yearMonths(year)
	prov := c.Province()
	out := Performance{Member: m, Year: year, Counts: map[string]int{}}
	add := func(item, title string, on date.Date) {
		out.Entries = append(out.Entries, Entry{Item: item, ItemLabel: committee.Items.Label(item), Title: title, On: on})
	}
	type row struct {
		title, state string
		on           sql.NullTime
		key          bool
	}
	props, err := store.Query(ctx, s.DB, func(r store.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.title, &x.state, &x.on, &x.key)
	}, "SELECT title, state, submitted_at, is_key FROM proposals WHERE proposer_id = $1 AND committee_id = $2 AND month >= $3 AND month <= $4"+
		" AND state NOT IN "+notProposed+store.InProvince("province_id", prov)+" ORDER BY submitted_at, id", m.ID, c.ID, from, to)
	if err != nil {
		return out, fmt.Errorf("read performance record: %w", err)
	}
	for _, p := range props {
		on := date.Of(p.on.Time)
		add("proposal", p.title, on)
		if slices.Contains(cppcc.FiledStates, p.state) {
			add("filed", p.title, on)
		}
		if p.key {
			add("key", p.title, on)
		}
	}
	cosigned, err := store.Query(ctx, s.DB, func(r store.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.title, &x.on)
	}, `SELECT p.title, p.submitted_at FROM proposal_signers g JOIN proposals p ON p.province_id = g.province_id AND p.id = g.proposal_id
		WHERE g.member_id = $1 AND g.state = 'confirmed' AND p.month >= $2 AND p.month <= $3`+store.InProvince("g.province_id", prov)+" ORDER BY p.submitted_at, p.id", m.ID, from, to)
	if err != nil {
		return out, fmt.Errorf("read performance record: %w", err)
	}
	for _, p := range cosigned {
		add("cosign", p.title, date.Of(p.on.Time))
	}
	type att struct {
		kind, title, status string
		on                  date.Date
	}
	atts, err := store.Query(ctx, s.DB, func(r store.Scanner) (att, error) {
		var x att
		return x, r.Scan(&x.kind, &x.title, &x.on, &x.status)
	}, `SELECT a.kind, a.title, a.held_on, t.status FROM cppcc_attendance t JOIN cppcc_activities a ON a.province_id = t.province_id AND a.id = t.activity_id
		WHERE t.member_id = $1 AND a.month >= $2 AND a.month <= $3`+store.InProvince("t.province_id", prov)+" ORDER BY a.held_on, a.id", m.ID, from, to)
	if err != nil {
		return out, fmt.Errorf("read performance record: %w", err)
	}
	for _, a := range atts {
		add(attendanceItem(a.kind, a.status), a.title, a.on)
	}
	honours, err := store.Query(ctx, s.DB, func(r store.Scanner) (att, error) {
		var x att
		return x, r.Scan(&x.kind, &x.title)
	}, `SELECT h.kind, COALESCE(p.title, '') FROM cppcc_honours h LEFT JOIN proposals p ON p.province_id = h.province_id AND p.id = h.proposal_id
		WHERE h.committee_id = $1 AND h.year = $2 AND (p.proposer_id = $3 OR h.member_id = $3)`+store.InProvince("h.province_id", prov)+" ORDER BY h.id", c.ID, year, m.ID)
	if err != nil {
		return out, fmt.Errorf("read performance record: %w", err)
	}
	for _, h := range honours {
		item, title := "active", strconv.Itoa(year)+"年度履职积极分子"
		if h.kind == "excellent_proposal" {
			item, title = "excellent", h.title
		}
		add(item, title, date.New(year, 12, 31))
	}
	type item struct {
		title, kind, level string
		on                 date.Date
		month              int
	}
	ops, err := store.Query(ctx, s.DB, func(r store.Scanner) (item, error) {
		var x item
		return x, r.Scan(&x.title, &x.month)
	}, "SELECT title, month FROM opinions WHERE member_id = $1 AND committee_id = $2 AND month >= $3 AND month <= $4"+store.InProvince("province_id", prov)+" ORDER BY id", m.ID, c.ID, from, to)
	if err != nil {
		return out, fmt.Errorf("read performance record: %w", err)
	}
	for _, o := range ops {
		add("opinion", o.title, date.New(o.month/100, time.Month(o.month%100), 1))
	}
	adopted, err := store.Query(ctx, s.DB, func(r store.Scanner) (item, error) {
		var x item
		return x, r.Scan(&x.title, &x.kind, &x.level, &x.on)
	}, `SELECT o.title, a.kind, a.level, a.on_date FROM opinion_adoptions a JOIN opinions o ON o.province_id = a.province_id AND o.id = a.opinion_id
		WHERE o.member_id = $1 AND a.committee_id = $2 AND a.month >= $3 AND a.month <= $4`+store.InProvince("a.province_id", prov)+" ORDER BY a.on_date, a.id", m.ID, c.ID, from, to)
	if err != nil {
		return out, fmt.Errorf("read performance record: %w", err)
	}
	for _, a := range adopted {
		it := "opinion_adopted"
		if a.kind == "instruction" {
			it = "opinion_instruction"
		}
		add(it, cppcc.Levels.Label(a.level)+":"+a.title, a.on)
	}
	sort.SliceStable(out.Entries, func(i, j int) bool { return out.Entries[i].On.Before(out.Entries[j].On) })
	rules := c.Points()
	for i, e := range out.Entries {
		out.Counts[e.Item]++
		r := rules[e.Item]
		if r.Cap == 0 || out.Counts[e.Item] <= r.Cap {
			out.Entries[i].Points, out.Entries[i].Counted = r.Points, true
		}
	}
	out.Points = score(rules, out.Counts)
	return out, nil
}

// Ranking is the year's list of a committee's members by points, the same
// points as each member's record.
func (s *Service) Ranking(ctx context.Context, sc store.Scope, committeeID int64, year int) ([]RankLine, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return nil, err
	}
	members, err := s.CommitteeMembers(ctx, c)
	if err != nil {
		return nil, err
	}
	counts := map[int64]map[string]int{}
	bump := func(member int64, item string, n int) {
		if counts[member] == nil {
			counts[member] = map[string]int{}
		}
		counts[member][item] += n
	}
	from, to := yearMonths(year)
	prov := c.Province()
	type grouped struct {
		member int64
		item   string
		n      int
	}
	queries := []string{
		`SELECT proposer_id, 'proposal', COUNT(*) FROM proposals WHERE committee_id = $1 AND month >= $2 AND month <= $3 AND proposer_id IS NOT NULL
			AND state NOT IN ` + notProposed + store.InProvince("province_id", prov) + " GROUP BY proposer_id",
		`SELECT proposer_id, 'filed', COUNT(*) FROM proposals WHERE committee_id = $1 AND month >= $2 AND month <= $3 AND proposer_id IS NOT NULL
			AND state IN ` + cppcc.SQLList(cppcc.FiledStates) + store.InProvince("province_id", prov) + " GROUP BY proposer_id",
		`SELECT proposer_id, 'key', COUNT(*) FROM proposals WHERE committee_id = $1 AND month >= $2 AND month <= $3 AND proposer_id IS NOT NULL
			AND is_key AND state NOT IN ` + notProposed + store.InProvince("province_id", prov) + " GROUP BY proposer_id",
		`SELECT g.member_id, 'cosign', COUNT(*) FROM proposal_signers g JOIN proposals p ON p.province_id = g.province_id AND p.id = g.proposal_id
			WHERE p.committee_id = $1 AND p.month >= $2 AND p.month <= $3 AND g.state = 'confirmed'` + store.InProvince("g.province_id", prov) + " GROUP BY g.member_id",
		`SELECT t.member_id, a.kind || '|' || t.status, COUNT(*) FROM cppcc_attendance t JOIN cppcc_activities a ON a.province_id = t.province_id AND a.id = t.activity_id
			WHERE a.committee_id = $1 AND a.month >= $2 AND a.month <= $3` + store.InProvince("t.province_id", prov) + " GROUP BY t.member_id, a.kind, t.status",
		`SELECT p.proposer_id, 'excellent', COUNT(*) FROM cppcc_honours h JOIN proposals p ON p.province_id = h.province_id AND p.id = h.proposal_id
			WHERE h.committee_id = $1 AND h.year * 100 + 1 = $2 AND h.year * 100 + 12 = $3 AND p.proposer_id IS NOT NULL` + store.InProvince("h.province_id", prov) + " GROUP BY p.proposer_id",
		`SELECT member_id, 'active', COUNT(*) FROM cppcc_honours WHERE committee_id = $1 AND year * 100 + 1 = $2 AND year * 100 + 12 = $3 AND member_id IS NOT NULL` +
			store.InProvince("province_id", prov) + " GROUP BY member_id",
		`SELECT member_id, 'opinion', COUNT(*) FROM opinions WHERE committee_id = $1 AND month >= $2 AND month <= $3 AND member_id IS NOT NULL` +
			store.InProvince("province_id", prov) + " GROUP BY member_id",
		`SELECT o.member_id, 'opinion_' || CASE WHEN a.kind = 'adopted' THEN 'adopted' ELSE 'instruction' END, COUNT(*) FROM opinion_adoptions a
			JOIN opinions o ON o.province_id = a.province_id AND o.id = a.opinion_id
			WHERE a.committee_id = $1 AND a.month >= $2 AND a.month <= $3 AND o.member_id IS NOT NULL` + store.InProvince("a.province_id", prov) + " GROUP BY o.member_id, a.kind",
	}
	for _, q := range queries {
		rows, err := store.Query(ctx, s.DB, func(r store.Scanner) (grouped, error) {
			var g grouped
			return g, r.Scan(&g.member, &g.item, &g.n)
		}, q, c.ID, from, to)
		if err != nil {
			return nil, fmt.Errorf("rank members: %w", err)
		}
		for _, g := range rows {
			item := g.item
			if kind, status, ok := strings.Cut(item, "|"); ok {
				item = attendanceItem(kind, status)
			}
			bump(g.member, item, g.n)
		}
	}
	rules := c.Points()
	out := make([]RankLine, len(members))
	for i, m := range members {
		cs := counts[m.ID]
		if cs == nil {
			cs = map[string]int{}
		}
		out[i] = RankLine{Member: m, Counts: cs, Points: score(rules, cs)}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Points > out[j].Points })
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Points == out[i-1].Points {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out, nil
}

// RankHead are the columns of the 委员履职情况表.
var RankHead = func() []string {
	head := []string{"名次", "姓名", "界别", "党派"}
	for _, it := range committee.Items {
		head = append(head, it.Label)
	}
	return append(head, "积分")
}()

// RankTable is the year's list as rows of RankHead.
func RankTable(lines []RankLine) [][]any {
	var out [][]any
	for _, l := range lines {
		row := []any{strconv.Itoa(l.Rank), l.Member.Name, l.Member.Sector, l.Member.PartyLabel}
		for _, it := range committee.Items {
			row = append(row, l.Counts[it.Code])
		}
		out = append(out, append(row, l.Points))
	}
	return out
}

// Recount counts the figures of every committee's activities, the
// instructions received and the 简报 from their rows.
func Recount(ctx context.Context, q store.Querier, out stats.Figures) error {
	if err := activityRecount(ctx, q, out); err != nil {
		return err
	}
	return briefRecount(ctx, q, out)
}
