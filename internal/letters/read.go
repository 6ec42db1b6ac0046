package letters

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/clock"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

func (s *Service) caseByID(ctx context.Context, q store.Querier, c committee.Committee, id int64) (Case, error) {
	x, err := s.scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE x.id = $1"+store.InProvince("x.province_id", c.Province()), id))
	if apperr.IsNotFound(err) {
		return x, apperr.NotFound("来信")
	}
	if err != nil {
		return x, fmt.Errorf("read case: %w", err)
	}
	if x.Clocks, err = s.Clocks(ctx, q, c, "case", x.ID); err != nil {
		return x, err
	}
	x.Overdue = overdue(x.Clocks)
	x.Events, err = s.PublicEvents(ctx, q, c, "case", x.ID, false, ActionLabel, States)
	if err != nil {
		return x, err
	}
	x.Files, err = store.Query(ctx, q, func(r store.Scanner) (cppcc.File, error) {
		var f cppcc.File
		return f, r.Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.SHA256)
	}, "SELECT id, name, content_type, size, sha256 FROM case_files WHERE case_id = $1"+store.InProvince("province_id", c.Province())+" ORDER BY id", x.ID)
	if err != nil {
		return x, fmt.Errorf("read case: %w", err)
	}
	return x, nil
}

// CaseFile is an attachment of a case the view reaches.
func (s *Service) CaseFile(ctx context.Context, sc store.Scope, view cppcc.View, caseID, fileID int64) (cppcc.File, []byte, error) {
	x, _, err := s.GetCase(ctx, s.DB, sc, view, caseID)
	if err != nil {
		return cppcc.File{}, nil, err
	}
	var f cppcc.File
	var data []byte
	err = s.DB.QueryRowContext(ctx, "SELECT id, name, content_type, size, sha256, data FROM case_files WHERE id = $1 AND case_id = $2"+store.InProvince("province_id", x.province),
		fileID, x.ID).Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.SHA256, &data)
	if apperr.IsNotFound(err) {
		return f, nil, apperr.NotFound("附件")
	}
	if err != nil {
		return f, data, fmt.Errorf("read case file: %w", err)
	}
	return f, data, nil
}

// caseVisible is the condition on the cases a view reaches in scope.
func caseVisible(w *store.Where, sc store.Scope, view cppcc.View) {
	lo, hi := sc.Range()
	if view == cppcc.ViewUnit {
		w.And("x.unit_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
	} else {
		w.And("x.committee_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
	}
	w.And("1 = 1" + cppcc.InRoute(sc, view, "x.province_id"))
}

// CaseFilter narrows a list of cases.
type CaseFilter struct {
	CommitteeID int64
	Box, State  string
	// Held keeps the letters held for review alone; Clean leaves them out.
	Held, Clean bool
	Overdue     bool
	Q           string
	Months      cppcc.Period
}

// Cases lists the cases a view reaches, newest first.
func (s *Service) Cases(ctx context.Context, sc store.Scope, view cppcc.View, f CaseFilter, pg store.Page) (store.List[Case], error) {
	out, pg := store.NewList[Case](pg)
	w := store.NewWhere()
	caseVisible(w, sc, view)
	if f.CommitteeID != 0 {
		n, err := s.NodeIn(ctx, store.All, f.CommitteeID, "committee")
		if err != nil && !apperr.IsNotFound(err) {
			return out, err
		}
		w.And("x.committee_id = ?"+store.ProvinceIs("x.province_id", n.Path), f.CommitteeID)
	}
	f.Months.Where(w, "x.month")
	if f.Box != "" {
		w.And("x.box = ?", f.Box)
	}
	if f.State != "" {
		w.And("x.state = ?", f.State)
	}
	if f.Held {
		w.And("x.held")
	}
	if f.Clean {
		w.And("NOT x.held")
	}
	if f.Q != "" {
		w.Like(f.Q, "x.title")
	}
	if f.Overdue {
		w.And(`NOT x.held AND EXISTS (SELECT 1 FROM clocks k WHERE k.province_id = x.province_id AND k.object = 'case' AND k.object_id = x.id AND k.stopped_on IS NULL
			AND k.paused_on IS NULL AND k.period IN `+cppcc.OfficeClocks+` AND k.due_on < ?)`, s.Today())
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases x WHERE 1 = 1"+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list cases: %w", err)
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, s.scanCase, "SELECT "+caseCols+caseFrom+" WHERE 1 = 1"+w.String()+" ORDER BY x.id DESC"+limit, args...)
	if err != nil {
		return out, fmt.Errorf("list cases: %w", err)
	}
	out.Items = append(out.Items, items...)
	return out, s.dues(ctx, out.Items)
}

// dues sets the listed cases' dates of their running clocks the office or a
// unit must keep; a letter held for review has none running for them.
func (s *Service) dues(ctx context.Context, cs []Case) error {
	if len(cs) == 0 {
		return nil
	}
	at := map[int64]*Case{}
	var ids, provs []string
	for i := range cs {
		if !cs[i].Held {
			at[cs[i].ID] = &cs[i]
			ids = append(ids, strconv.FormatInt(cs[i].ID, 10))
			if p := strconv.FormatInt(cs[i].province, 10); !slices.Contains(provs, p) {
				provs = append(provs, p)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := store.Query(ctx, s.DB, func(r store.Scanner) (struct {
		id  int64
		due date.Date
	}, error) {
		var x struct {
			id  int64
			due date.Date
		}
		return x, r.Scan(&x.id, &x.due)
	}, "SELECT object_id, MIN(due_on)"+cppcc.RunningClocks+" AND province_id IN ("+strings.Join(provs, ", ")+") AND object_id IN ("+strings.Join(ids, ", ")+") GROUP BY object_id")
	today := s.Today()
	for _, r := range rows {
		x := at[r.id]
		x.DueOn = &r.due
		if r.due.Before(today) {
			x.Overdue, x.DaysOverdue = true, clock.Between(r.due, today)
		}
	}
	if err != nil {
		return fmt.Errorf("read case dues: %w", err)
	}
	return nil
}

// Case reads a case the view reaches, with its clocks and history.
func (s *Service) Case(ctx context.Context, sc store.Scope, view cppcc.View, id int64) (Case, error) {
	x, c, err := s.GetCase(ctx, s.DB, sc, view, id)
	if err != nil {
		return x, err
	}
	return s.caseByID(ctx, s.DB, c, x.ID)
}

// GetCase reads a case the view reaches in scope, with its committee.
func (s *Service) GetCase(ctx context.Context, q store.Querier, sc store.Scope, view cppcc.View, id int64) (Case, committee.Committee, error) {
	w := store.NewWhere(id)
	caseVisible(w, sc, view)
	x, err := s.scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE x.id = $1"+w.String(), w.Args...))
	if apperr.IsNotFound(err) {
		return x, committee.Committee{}, apperr.NotFound("来信")
	}
	if err != nil {
		return x, committee.Committee{}, fmt.Errorf("read case: %w", err)
	}
	c, err := s.Lookup(ctx, q, store.All, x.CommitteeID, "committee")
	return x, c, err
}

// Person is a case's sender in clear, for the office that handles it
// (every reading audited).
type Person struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	IDNumber string `json:"id_number"`
}

// Person reads a case's sender in clear (the office), audited.
func (s *Service) Person(ctx context.Context, sc store.Scope, id int64) (Person, error) {
	x, c, err := s.GetCase(ctx, s.DB, sc, cppcc.ViewOffice, id)
	if err != nil {
		return Person{}, err
	}
	var name, phone, idno string
	if err := s.DB.QueryRowContext(ctx, "SELECT name_enc, phone_enc, idno_enc FROM cases WHERE id = $1"+store.InProvince("province_id", x.province), x.ID).Scan(&name, &phone, &idno); err != nil {
		return Person{}, fmt.Errorf("read case's sender: %w", err)
	}
	var p Person
	for _, f := range []struct {
		enc string
		dst *string
	}{{name, &p.Name}, {phone, &p.Phone}, {idno, &p.IDNumber}} {
		if f.enc != "" {
			if *f.dst, err = s.Box.Open(f.enc); err != nil {
				return Person{}, err
			}
		}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		return s.Audit(ctx, tx, c, "read_person", "case", x.ID, map[string]any{"fields": "name, phone, id_number"})
	})
	return p, err
}
