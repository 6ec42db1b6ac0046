package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dangjian/internal/committee"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// FigureKeys are the figures a proposal counts, in the month it was first
// submitted ("p|yyyymm|key") and in its year ("y|yyyy|key"), and those of
// each unit's part in it ("u|yyyymm|unit|key", "v|yyyy|unit|key"): a period
// of whole years reads a year's row, its other months their own. A draft
// counts nothing; a withdrawn proposal, or a joint one still collecting
// signatures, only its state.
func FigureKeys(p Proposal) []string { return WithYears(p.Month, monthKeys(p)) }

// WithYears adds to keys of month m ("p|…", "u|…") the same keys of its year ("y|…", "v|…").
func WithYears(m int, keys []string) []string {
	year := strconv.Itoa(m / 100)
	for i, n := 0, len(keys); i < n; i++ {
		k := keys[i]
		rest := k[strings.IndexByte(k[2:], '|')+3:]
		keys = append(keys, map[byte]string{'p': "y|", 'u': "v|", 's': "t|"}[k[0]]+year+"|"+rest)
	}
	return keys
}

func monthKeys(p Proposal) []string {
	if p.Month == 0 || p.State == Draft {
		return nil
	}
	m := "p|" + strconv.Itoa(p.Month) + "|"
	if p.State == Withdrawn || p.State == Signing {
		return []string{m + "st:" + p.State}
	}
	keys := []string{m + "submitted", m + "way:" + p.Way, m + "st:" + p.State}
	if p.InSession {
		keys = append(keys, m+"time:session")
	} else {
		keys = append(keys, m+"time:between")
	}
	if slices.Contains(FiledStates, p.State) {
		keys = append(keys, m+"filed", m+"cat:"+p.Category)
	}
	if p.ResultClass != "" {
		keys = append(keys, m+"class:"+p.ResultClass)
	}
	if p.Satisfaction != "" && p.State == Closed {
		keys = append(keys, m+"sat:"+p.Satisfaction)
	}
	if p.Rehandles > 0 {
		keys = append(keys, m+"rehandled")
	}
	if p.Key {
		keys = append(keys, m+"key")
	}
	for _, x := range p.Parts {
		if x.State == PartWithdrawn {
			continue
		}
		u := "u|" + strconv.Itoa(p.Month) + "|" + strconv.FormatInt(x.UnitID, 10) + "|"
		keys = append(keys, u+"assigned", u+"role:"+x.Role)
		if x.State == PartReplied || x.State == PartOpinion {
			if x.Late {
				keys = append(keys, u+"late")
			} else {
				keys = append(keys, u+"ontime")
			}
		}
	}
	return keys
}

// ApplyFigures adds the keys of after and takes away those of before, in
// the transaction of the change, in key order (concurrent writers lock
// rows in the same order).
func ApplyFigures(ctx context.Context, tx *sql.Tx, prov, committee int64, after, before []string) error {
	return ApplyDelta(ctx, tx, prov, committee, stats.Change(before, after))
}

// ApplyDelta adds d to a committee's figures, in key order.
func ApplyDelta(ctx context.Context, tx *sql.Tx, prov, committee int64, d stats.Delta) error {
	stats.Touch()
	keys := make([]string, 0, len(d))
	for k, n := range d {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cppcc_stats (province_id, committee_id, k, n) VALUES ($1, $2, $3, $4)
			ON CONFLICT (province_id, committee_id, k) DO UPDATE SET n = cppcc_stats.n + excluded.n`, prov, committee, k, d[k]); err != nil {
			if err != nil {
				return fmt.Errorf("apply figures: %w", err)
			}
			return nil
		}
	}
	return nil
}

// Period is a range of months, yyyymm inclusive.
type Period struct{ From, To int }

// Where keeps a list's rows of the period's months (col: their month);
// a zero period keeps every row.
func (pd Period) Where(w *store.Where, col string) {
	if pd.From != 0 {
		w.And(col+" >= ?", pd.From)
	}
	if pd.To != 0 {
		w.And(col+" <= ?", pd.To)
	}
}

// Figures are a committee's figures for the proposals submitted in a period.
type Figures struct {
	CommitteeID   int64            `json:"committee_id"`
	CommitteeName string           `json:"committee_name"`
	Period        Period           `json:"period"`
	Counts        map[string]int64 `json:"counts"`
	// Overdue is the parts past their date now (not of the period: of today).
	Overdue int64        `json:"overdue"`
	Units   []UnitFigure `json:"units"`
}

// UnitFigure is a handling unit's line of the figures.
type UnitFigure struct {
	UnitID   int64  `json:"unit_id"`
	Name     string `json:"name"`
	Assigned int64  `json:"assigned"`
	Lead     int64  `json:"lead"`
	OnTime   int64  `json:"on_time"`
	Late     int64  `json:"late"`
	Overdue  int64  `json:"overdue"`
}

// span is a range of months (yyyymm), or of whole years (yyyy).
type span struct {
	years  bool
	lo, hi int
}

// spans cuts a period into the months of its partial years and its whole years.
func spans(pd Period) []span {
	y1, m1, y2, m2 := pd.From/100, pd.From%100, pd.To/100, pd.To%100
	if y1 == y2 && (m1 != 1 || m2 != 12) {
		return []span{{lo: pd.From, hi: pd.To}}
	}
	var out []span
	first, last := y1, y2
	if m1 != 1 {
		out = append(out, span{lo: pd.From, hi: y1*100 + 12})
		first++
	}
	if m2 != 12 {
		out = append(out, span{lo: y2*100 + 1, hi: pd.To})
		last--
	}
	if first <= last {
		out = append(out, span{years: true, lo: first, hi: last})
	}
	return out
}

// Figures reads a committee's figures for a period: its rows of the
// period's months, by the primary key, and the count of overdue parts.
func (s *Service) Figures(ctx context.Context, sc store.Scope, committeeID int64, pd Period, units bool) (Figures, error) {
	n, err := s.NodeIn(ctx, sc, committeeID, "committee")
	if err != nil {
		return Figures{}, err
	}
	c := committee.Committee{ID: committeeID, Path: n.Path, Name: n.Name}
	f := Figures{CommitteeID: c.ID, CommitteeName: c.Name, Period: pd, Counts: map[string]int64{}}
	// One statement reads the period's rows and, after them, the overdue
	// count (by unit when asked): one round trip, to one worker on a cluster.
	read := func(prefixes, overdue string, fn func(k string, n int64)) error {
		args := []any{c.Province(), c.ID, s.Today()}
		var ranges []string
		for _, sp := range spans(pd) {
			prefix := prefixes[:2]
			if sp.years {
				prefix = prefixes[2:]
			}
			args = append(args, prefix+strconv.Itoa(sp.lo), prefix+strconv.Itoa(sp.hi+1))
			ranges = append(ranges, fmt.Sprintf("(k >= $%d AND k < $%d)", len(args)-1, len(args)))
		}
		rows, err := s.DB.QueryContext(ctx, "SELECT k, n FROM cppcc_stats WHERE province_id = $1 AND committee_id = $2 AND ("+strings.Join(ranges, " OR ")+`)
			UNION ALL `+overdue, args...)
		if err != nil {
			return fmt.Errorf("read figures: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				return fmt.Errorf("read figures: %w", err)
			}
			fn(k, n)
		}
		return rows.Err()
	}
	late := " FROM proposal_units WHERE province_id = $1 AND committee_id = $2 AND state IN " + SQLList(openStates) + " AND due_on < $3"
	err = read("p|y|", "SELECT 'overdue', COUNT(*)"+late, func(k string, n int64) {
		if k == "overdue" {
			f.Overdue = n
			return
		}
		f.Counts[k[strings.LastIndexByte(k, '|')+1:]] += n
	})
	if err != nil {
		return f, err
	}
	if !units {
		return f, nil
	}
	list, err := s.UnitsOf(ctx, s.DB, c.ID)
	if err != nil {
		return f, err
	}
	by := map[int64]*UnitFigure{}
	for _, u := range list {
		f.Units = append(f.Units, UnitFigure{UnitID: u.ID, Name: u.Name})
	}
	for i := range f.Units {
		by[f.Units[i].UnitID] = &f.Units[i]
	}
	err = read("u|v|", "SELECT 'o|0|' || CAST(unit_id AS TEXT) || '|overdue', COUNT(*)"+late+" GROUP BY unit_id", func(k string, n int64) {
		parts := strings.Split(k, "|")
		id, _ := strconv.ParseInt(parts[2], 10, 64)
		u := by[id]
		if u == nil {
			return
		}
		switch parts[3] {
		case "assigned":
			u.Assigned += n
		case "role:lead":
			u.Lead += n
		case "ontime":
			u.OnTime += n
		case "late":
			u.Late += n
		case "overdue":
			u.Overdue = n
		}
	})
	return f, err
}

// proposalRecount counts every committee's figures from the proposals and
// their parts; proposals are read by ranges of ids, each with its parts,
// so that memory stays bounded at any size.
func proposalRecount(ctx context.Context, q store.Querier) (stats.Figures, error) {
	const batch = 20000
	today := (&committee.Service{}).Today()
	out := stats.Figures{}
	var after int64
	for {
		props, err := store.Query(ctx, q, scanProposal, "SELECT "+proposalCols+proposalFrom+" WHERE p.id > $1 ORDER BY p.id LIMIT $2", after, batch)
		if err != nil || len(props) == 0 {
			if err != nil {
				return out, fmt.Errorf("recount proposals: %w", err)
			}
			return out, nil
		}
		last := props[len(props)-1].ID
		parts, err := store.Query(ctx, q, func(r store.Scanner) (Part, error) { return scanPart(r, today) },
			"SELECT "+partCols+" FROM proposal_units u JOIN committees uc ON uc.id = u.unit_id WHERE u.proposal_id > $1 AND u.proposal_id <= $2", after, last)
		if err != nil {
			return nil, fmt.Errorf("recount proposals: %w", err)
		}
		byProposal := map[int64][]Part{}
		for _, x := range parts {
			byProposal[x.ProposalID] = append(byProposal[x.ProposalID], x)
		}
		for _, p := range props {
			p.Parts = byProposal[p.ID]
			m := out[p.CommitteeID]
			if m == nil {
				m = map[string]int64{}
				out[p.CommitteeID] = m
			}
			for _, k := range FigureKeys(p) {
				m[k]++
			}
		}
		after = last
	}
}

// Recounter counts a domain's figures of every committee from its rows into out.
type Recounter func(ctx context.Context, q store.Querier, out stats.Figures) error

// Recount counts every committee's figures from its proposals and their
// parts, and those of the domains built on cppcc by their recounters,
// ignoring the maintained table.
func Recount(ctx context.Context, q store.Querier, more ...Recounter) (stats.Figures, error) {
	out, err := proposalRecount(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, r := range more {
		if err := r(ctx, q, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Stored reads every committee's maintained figures.
func Stored(ctx context.Context, q store.Querier) (stats.Figures, error) {
	out := stats.Figures{}
	rows, err := q.QueryContext(ctx, "SELECT committee_id, k, n FROM cppcc_stats")
	if err != nil {
		return nil, fmt.Errorf("read stored figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, n int64
		var k string
		if err := rows.Scan(&c, &k, &n); err != nil {
			return nil, fmt.Errorf("read stored figures: %w", err)
		}
		if out[c] == nil {
			out[c] = map[string]int64{}
		}
		out[c][k] = n
	}
	return out, rows.Err()
}

// Check compares every committee's maintained figures with a recount (by
// the recounters of the domains built on cppcc too), in one snapshot.
func Check(ctx context.Context, db *store.DB, more ...Recounter) ([]stats.Mismatch, error) {
	var out []stats.Mismatch
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		stored, err := Stored(ctx, tx)
		if err != nil {
			return err
		}
		counted, err := Recount(ctx, tx, more...)
		if err != nil {
			return err
		}
		out = stats.Compare(stored, counted)
		return nil
	})
	return out, err
}
