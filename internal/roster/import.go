package roster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// CellError is one thing wrong in the file: the row as Excel numbers it,
// the column's header, the value and the reason.
type CellError struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// Report is what an import found and did.
type Report struct {
	Errors    []CellError `json:"errors"`
	Added     int         `json:"added"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	// Refused is set when an all-or-nothing import wrote nothing because of errors.
	Refused bool `json:"refused"`
	// Written tells whether the database was changed (not a dry run, not refused).
	Written bool `json:"written"`
}

// Options choose how an import writes.
type Options struct {
	OrgID  int64  // the organisation the roster belongs to; rows name organisations below it
	Mode   string // "all" (default): everything or nothing; "valid": only the valid rows
	DryRun bool   // check and count, write nothing
	// Progress, if set, is told after each row how many rows are done of how many.
	Progress func(done, total int)
}

// Importer brings rosters into the registry.
type Importer struct {
	DB      *store.DB
	Orgs    *org.Service
	Members *member.Service
}

// fieldColumns maps the fields the services name in their errors to roster columns.
var fieldColumns = map[string]Field{
	"name": FName, "sex": FSex, "ethnicity": FEthnicity, "id_number": FID, "birth_date": FBirth, "education": FEducation,
	"stage": FCategory, "joined_on": FJoined, "full_on": FFull, "org_id": FOrg, "phone": FPhone, "post": FPost,
	"applied_on": FCategory, "activist_on": FCategory, "candidate_on": FCategory, "present_place": FMobileDest,
}

var errDry = errors.New("dry run")

// Import checks every row and writes them in one transaction: all or
// nothing (default), or only the valid rows. A person is matched by ID number,
// so that importing the same file again changes nothing.
func (im *Importer) Import(ctx context.Context, sc store.Scope, t Table, opt Options) (Report, error) {
	rep := Report{Errors: []CellError{}}
	h, err := FindHeader(t)
	if err != nil {
		return rep, apperr.New("bad_file", http.StatusBadRequest, "%s", err.Error())
	}
	root, err := im.Orgs.Get(ctx, sc, opt.OrgID)
	if err != nil {
		return rep, err
	}
	orgs := newOrgIndex(ctx, im.Orgs, store.ScopeOf(root.Path), root)
	total := len(t) - h.Row - 1
	seen := map[string]int{}
	// The figures of every row are collected and written once, before the commit.
	later := pending{figures: stats.NewPending(), audit: &audit.Pending{}}
	ctx = member.CacheOrgs(ctx)
	err = im.DB.Tx(ctx, func(tx *sql.Tx) error {
		for i := h.Row + 1; i < len(t); i++ {
			excelRow := i + 1
			if opt.Progress != nil {
				opt.Progress(i-h.Row, total)
			}
			cells := t[i]
			if blank(cells) {
				continue
			}
			row, errs := parseRow(h, cells, excelRow, orgs)
			if len(errs) == 0 {
				id := *row.Input.IDNumber
				if first, dup := seen[id]; dup {
					errs = append(errs, CellError{excelRow, h.Name(FID), id, fmt.Sprintf("与第%d行的公民身份号码重复", first)})
				} else {
					seen[id] = excelRow
				}
			}
			if len(errs) == 0 {
				errs = im.write(ctx, tx, sc, h, row, cells, excelRow, &rep, later)
			}
			rep.Errors = append(rep.Errors, errs...)
		}
		switch {
		case len(rep.Errors) > 0 && opt.Mode != "valid":
			rep.Refused = true
			return errDry
		case opt.DryRun:
			return errDry
		}
		if err := later.figures.Flush(ctx, tx); err != nil {
			return err
		}
		return later.audit.Flush(ctx, im.DB, tx)
	})
	if err != nil && !errors.Is(err, errDry) {
		return rep, err
	}
	rep.Written = err == nil
	return rep, nil
}

// auditBatch is how many audit entries an import keeps before writing them (a variable for the tests).
var auditBatch = 5000

// pending is what an import writes once, at its end: the figures of every
// organisation it touched and its audit entries.
type pending struct {
	figures *stats.Pending
	audit   *audit.Pending
}

// write imports one row under a savepoint, so that a refused row leaves no
// trace: its figures and audit entries are kept only once it is released.
func (im *Importer) write(ctx context.Context, tx *sql.Tx, sc store.Scope, h Header, row member.Row, cells []string, excelRow int, rep *Report, later pending) []CellError {
	fail := func(err error) []CellError {
		return []CellError{{Row: excelRow, Reason: "写入失败:" + err.Error()}}
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT roster_row"); err != nil {
		return fail(err)
	}
	rowCtx, rowFigures := stats.Defer(ctx)
	rowCtx, rowAudit := audit.Defer(rowCtx)
	action, err := im.Members.ImportRow(rowCtx, tx, sc, row)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT roster_row"); rerr != nil {
			return fail(rerr)
		}
		ae, ok := apperr.As(err)
		if !ok {
			return fail(err)
		}
		return cellErrors(h, cells, excelRow, ae)
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT roster_row"); err != nil {
		return fail(err)
	}
	later.figures.Merge(rowFigures)
	later.audit.Merge(rowAudit)
	// A released row's entries belong to the transaction: write them in
	// thousands, so that a sheet of a million rows does not hold them all.
	if later.audit.Len() >= auditBatch {
		if err := later.audit.Flush(ctx, im.DB, tx); err != nil {
			return fail(err)
		}
	}
	switch action {
	case member.Added:
		rep.Added++
	case member.Updated:
		rep.Updated++
	default:
		rep.Unchanged++
	}
	return nil
}

// cellErrors places a service's refusal on the cells it concerns.
func cellErrors(h Header, cells []string, excelRow int, ae *apperr.Error) []CellError {
	if len(ae.Fields) == 0 {
		return []CellError{{Row: excelRow, Reason: ae.Message}}
	}
	var out []CellError
	for _, fe := range ae.Fields {
		f, ok := fieldColumns[fe.Field]
		if !ok {
			out = append(out, CellError{Row: excelRow, Reason: fe.Message})
			continue
		}
		v, _ := h.Cell(cells, f)
		out = append(out, CellError{Row: excelRow, Column: h.Name(f), Value: v, Reason: fe.Message})
	}
	return out
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRow reads one row into what the member service takes, collecting
// the reason for every cell that cannot be read.
func parseRow(h Header, cells []string, excelRow int, orgs *orgIndex) (member.Row, []CellError) {
	var errs []CellError
	bad := func(f Field, v, reason string) { errs = append(errs, CellError{excelRow, h.Name(f), v, reason}) }
	get := func(f Field) string { v, _ := h.Cell(cells, f); return v }
	opt := func(f Field) *string {
		if v := get(f); v != "" {
			return &v
		}
		return nil
	}
	in := member.Input{Name: opt(FName), Sex: opt(FSex), Ethnicity: opt(FEthnicity), Phone: opt(FPhone), Post: opt(FPost)}
	if in.Name == nil {
		bad(FName, "", "姓名不能为空")
	}
	if v := get(FID); v == "" {
		bad(FID, "", "公民身份号码不能为空")
	} else if id, err := ParseID(v); err != nil {
		bad(FID, v, err.Error())
	} else {
		in.IDNumber = &id
	}
	if v := get(FEducation); v != "" {
		e := Education(v)
		in.Education = &e
	}
	if v := get(FCategory); v != "" {
		c := Category(v)
		in.Stage = &c
	} else {
		c := "正式党员"
		in.Stage = &c
	}
	// A birth month alone (出生年月, as rosters keep it) is checked against the
	// ID number, which then gives the day.
	if v := get(FBirth); reYM.MatchString(v) && in.IDNumber != nil && len(*in.IDNumber) == 18 {
		if d, err := ParseDate(v); err == nil && d.Time().Format("200601") != (*in.IDNumber)[6:12] {
			bad(FBirth, v, fmt.Sprintf("出生年月%s与公民身份号码中的出生日期(%s年%s月)不一致", v, (*in.IDNumber)[6:10], (*in.IDNumber)[10:12]))
		}
	}
	for f, dst := range map[Field]**date.Date{FBirth: &in.BirthDate, FJoined: &in.JoinedOn, FFull: &in.FullOn} {
		v := get(f)
		if f == FBirth && reYM.MatchString(v) {
			continue
		}
		d, err := ParseDate(v)
		if err != nil {
			bad(f, v, err.Error())
		} else if !d.IsZero() {
			*dst = &d
		}
	}
	if v, has := h.Cell(cells, FOrg); has && v != "" {
		id, err := orgs.find(v)
		if err != nil {
			bad(FOrg, v, err.Error())
		} else {
			in.OrgID = &id
		}
	} else {
		in.OrgID = &orgs.root.ID
	}
	row := member.Row{Input: in, MobilePlace: get(FMobileDest)}
	if v, has := h.Cell(cells, FMobile); has {
		yes, err := YesNo(v)
		if err != nil {
			bad(FMobile, v, err.Error())
		}
		row.MobileOut = &yes
	}
	return row, errs
}

// orgIndex finds the organisations a roster names, by exact name, below the import's organisation.
type orgIndex struct {
	ctx   context.Context
	orgs  *org.Service
	sc    store.Scope
	root  org.Org
	cache map[string]int64
}

func newOrgIndex(ctx context.Context, orgs *org.Service, sc store.Scope, root org.Org) *orgIndex {
	return &orgIndex{ctx: ctx, orgs: orgs, sc: sc, root: root, cache: map[string]int64{root.Name: root.ID}}
}

func (x *orgIndex) find(name string) (int64, error) {
	if id, ok := x.cache[name]; ok {
		return id, nil
	}
	found, err := x.orgs.Search(x.ctx, x.sc, name, 50)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for _, o := range found {
		if o.Name == name || o.Code == name {
			ids = append(ids, o.ID)
		}
	}
	switch len(ids) {
	case 0:
		return 0, fmt.Errorf("“%s”下没有名为“%s”的党组织", x.root.Name, name)
	case 1:
		x.cache[name] = ids[0]
		return ids[0], nil
	}
	return 0, fmt.Errorf("“%s”下有%d个名为“%s”的党组织,请在文件中写组织代码或分开导入", x.root.Name, len(ids), name)
}
