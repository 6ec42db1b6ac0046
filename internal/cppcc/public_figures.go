package cppcc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"dangjian/internal/committee"
	"dangjian/internal/store"
)

// PublicFigures are a committee's figures of the public channel for a
// period: 社情民意 ("o:…"), letters and cases ("c:…"), the forum ("f:…"),
// and the cases' clocks past their date or due within days, counted now.
type PublicFigures struct {
	CommitteeID   int64            `json:"committee_id"`
	CommitteeName string           `json:"committee_name"`
	Period        Period           `json:"period"`
	Counts        map[string]int64 `json:"counts"`
	Overdue       int64            `json:"overdue"`
	DueSoon       int64            `json:"due_soon"`
	// Units are the handling units' lines of the letters routed to them.
	Units []CaseUnitFigure `json:"units"`
}

// CaseUnitFigure is a unit's line of the letters routed to it in the period.
type CaseUnitFigure struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Routed int64  `json:"routed"`
	OnTime int64  `json:"on_time"`
	Late   int64  `json:"late"`
}

// OfficeClocks are the periods the office or a unit must keep (the windows are the sender's).
const OfficeClocks = "('accept', 'handle', 'review', 'recheck')"

// RunningClocks are the cases' clocks of OfficeClocks running today, but
// not those of a letter held for review as spam: until the office releases
// it, it is not work anyone is late with.
const RunningClocks = ` FROM clocks WHERE object = 'case' AND stopped_on IS NULL AND paused_on IS NULL AND period IN ` + OfficeClocks + `
	AND NOT EXISTS (SELECT 1 FROM cases x WHERE x.province_id = clocks.province_id AND x.id = clocks.object_id AND x.held)`

// PublicFigures reads the public channel's figures of a committee in scope.
func (s *Service) PublicFigures(ctx context.Context, sc store.Scope, committeeID int64, pd Period) (PublicFigures, error) {
	n, err := s.NodeIn(ctx, sc, committeeID, "committee")
	if err != nil {
		return PublicFigures{}, err
	}
	c := committee.Committee{ID: committeeID, Path: n.Path, Name: n.Name}
	f := PublicFigures{CommitteeID: c.ID, CommitteeName: c.Name, Period: pd, Counts: map[string]int64{}}
	today := s.Today()
	args := []any{c.Province(), c.ID, today, today.AddDate(0, 0, 5)}
	var ranges []string
	for _, sp := range spans(pd) {
		prefix := "s|"
		if sp.years {
			prefix = "t|"
		}
		args = append(args, prefix+strconv.Itoa(sp.lo), prefix+strconv.Itoa(sp.hi+1))
		ranges = append(ranges, fmt.Sprintf("(k >= $%d AND k < $%d)", len(args)-1, len(args)))
	}
	running := RunningClocks + " AND province_id = $1 AND committee_id = $2"
	rows, err := s.DB.QueryContext(ctx, "SELECT k, n FROM cppcc_stats WHERE province_id = $1 AND committee_id = $2 AND ("+strings.Join(ranges, " OR ")+`)
		UNION ALL SELECT 'overdue', COUNT(*)`+running+` AND due_on < $3
		UNION ALL SELECT 'soon', COUNT(*)`+running+` AND due_on >= $3 AND due_on <= $4`, args...)
	if err != nil {
		return f, fmt.Errorf("read public figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			return f, fmt.Errorf("read public figures: %w", err)
		}
		switch k {
		case "overdue":
			f.Overdue = v
		case "soon":
			f.DueSoon = v
		default:
			f.Counts[k[strings.LastIndexByte(k, '|')+1:]] += v
		}
	}
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("read public figures: %w", err)
	}
	units, err := s.UnitsOf(ctx, s.DB, c.ID)
	for _, u := range units {
		p := "c:unit:" + strconv.FormatInt(u.ID, 10) + ":"
		if line := (CaseUnitFigure{UnitID: u.ID, Name: u.Name, Routed: f.Counts[p+"routed"], OnTime: f.Counts[p+"ontime"], Late: f.Counts[p+"late"]}); line.Routed > 0 {
			f.Units = append(f.Units, line)
		}
	}
	return f, err
}
