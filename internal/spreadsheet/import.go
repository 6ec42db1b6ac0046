package spreadsheet

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"sort"
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
	// People are those added or changed (or, in a trial, who would be),
	// the first MaxListed of them.
	People []Person `json:"people"`
}

// Person is one person an import adds or changes; ID is 0 in a trial run
// for a person not on the roster yet.
type Person struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Row    int    `json:"row"`
	Action string `json:"action"` // "added" or "updated"
}

// MaxListed bounds the people a report names.
const MaxListed = 1000

// Options choose how an import writes.
type Options struct {
	OrgID  int64  // the organisation the roster belongs to; rows name organisations below it
	Mode   string // "all" (default): everything or nothing; "valid": only the valid rows
	DryRun bool   // check and count, write nothing
	// Progress, if set, is told as the rows are read how many are done of
	// how many (0 while that is not known); done equals total at the end.
	Progress func(done, total int)
	// Queued, if set, is told that the import waits for another to end.
	Queued func()
}

// running lets one import run at a time in a server: the others queue, so
// that a few large uploads at once neither stall everybody's writes nor
// hold their files unpacked side by side.
var running = make(chan struct{}, 1)

// take waits for the import slot, telling queued when it has to; release
// frees it and gives the memory of the import back to the system.
func take(ctx context.Context, queued func()) (release func(), err error) {
	select {
	case running <- struct{}{}:
	default:
		if queued != nil {
			queued()
		}
		select {
		case running <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return func() {
		<-running
		debug.FreeOSMemory()
	}, nil
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

// importBatch is how many rows are checked against the roster and written together.
const importBatch = 500

// Import checks every row and writes them in one transaction: all or
// nothing (default), or only the valid rows. A person is matched by ID number,
// so that importing the same file again changes nothing. The sheet is read
// on a goroutine of its own while the rows read are checked and written.
func (im *Importer) Import(ctx context.Context, sc store.Scope, sh *Sheet, opt Options) (Report, error) {
	release, err := take(ctx, opt.Queued)
	if err != nil {
		return Report{}, err
	}
	defer release()
	return im.importSheet(ctx, sc, sh, opt)
}

// ImportFile is Import of a file's content, opened only when its turn
// comes, so that files waiting in the queue are not held unpacked.
func (im *Importer) ImportFile(ctx context.Context, sc store.Scope, name string, content []byte, opt Options) (Report, error) {
	release, err := take(ctx, opt.Queued)
	if err != nil {
		return Report{}, err
	}
	defer release()
	sh, err := Open(name, bytes.NewReader(content))
	if err != nil {
		return Report{}, apperr.New("bad_file", http.StatusBadRequest, "%s", err.Error())
	}
	defer sh.Close()
	return im.importSheet(ctx, sc, sh, opt)
}

func (im *Importer) importSheet(ctx context.Context, sc store.Scope, sh *Sheet, opt Options) (Report, error) {
	rep := Report{Errors: []CellError{}, People: []Person{}}
	h, err := sh.Header()
	if err != nil {
		return rep, apperr.New("bad_file", http.StatusBadRequest, "%s", err.Error())
	}
	root, err := im.Orgs.Get(ctx, sc, opt.OrgID)
	if err != nil {
		return rep, err
	}
	run := &importRun{im: im, sc: sc, h: h, rep: &rep, seen: map[string]int{}, figures: stats.NewPending(), audit: &audit.Pending{}}
	ctx = member.CacheOrgs(ctx)
	orgs := newOrgIndex(ctx, im.Orgs, store.ScopeOf(root.Path), root)
	parse := func(cells []string, excelRow int) parsedRow {
		row, errs := parseRow(h, cells, excelRow, orgs)
		p := parsedRow{errs: errs, id: row.Input.IDNumber, cells: cells, excelRow: excelRow}
		p.checked = im.Members.Check(ctx, im.DB, sc, row)
		if len(errs) > 0 && !unreadable(errs) {
			// Every reason of the row at once: the cells that could not be
			// read, and what registering the rest would refuse (unless
			// the person is on the roster, whom other rules bring up to date).
			p.errs = append(p.errs, im.alsoRefused(ctx, h, p, errs)...)
		}
		return p
	}
	stop := make(chan struct{})
	chunks, finished := readAhead(sh, h, parse, stop)
	defer func() {
		close(stop)
		<-finished // the sheet is not read any more once Import returns
	}()
	total := max(0, sh.Rows-h.Row-1)
	err = im.DB.BulkTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		done := 0
		for c := range chunks {
			if c.err != nil {
				return apperr.New("bad_file", http.StatusBadRequest, "%s", c.err.Error())
			}
			for _, p := range c.rows {
				if err := run.add(ctx, tx, p); err != nil {
					return err
				}
			}
			done = max(0, c.last-h.Row-1)
			if opt.Progress != nil {
				if done > total {
					total = 0 // more rows than the file said: their number is not known
				}
				opt.Progress(done, total)
			}
		}
		if opt.Progress != nil {
			opt.Progress(done, done)
		}
		if err := run.flush(ctx, tx); err != nil {
			return err
		}
		sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Row < rep.Errors[j].Row })
		switch {
		case len(rep.Errors) > 0 && opt.Mode != "valid":
			rep.Refused = true
			return errDry
		case opt.DryRun:
			return errDry
		}
		if err := run.figures.Flush(ctx, tx); err != nil {
			return err
		}
		return run.audit.Flush(ctx, im.DB, tx)
	})
	if err != nil && !errors.Is(err, errDry) {
		return rep, err
	}
	rep.Written = err == nil
	if !rep.Written {
		// Nothing was stored: those to be added have no page yet.
		for i, p := range rep.People {
			if p.Action == "added" {
				rep.People[i].ID = 0
			}
		}
	}
	return rep, nil
}

// chunk is a run of rows read from a sheet and parsed, up to the row numbered last.
type chunk struct {
	rows []parsedRow
	last int
	err  error
}

// parsedRow is a row of the file read and checked for adding, or the
// reasons it could not be read.
type parsedRow struct {
	checked  member.Checked
	id       *string // the ID number
	errs     []CellError
	cells    []string
	excelRow int
}

// readAhead reads and parses the rows below the header on a goroutine, a
// chunk at a time, until the end of the sheet, an error, or stop; finished
// is closed when it has stopped reading.
func readAhead(sh *Sheet, h Header, parse func(cells []string, excelRow int) parsedRow, stop <-chan struct{}) (chunks <-chan chunk, finished <-chan struct{}) {
	out, fin := make(chan chunk, 4), make(chan struct{})
	go func() {
		defer close(fin)
		defer close(out)
		var c chunk
		for {
			cells, err := sh.Next()
			if err != nil && !errors.Is(err, io.EOF) {
				c.err = err
			}
			if err == nil {
				c.last++
				if c.last > h.Row+1 && !blank(cells) {
					c.rows = append(c.rows, parse(cells, c.last))
				}
			}
			if err != nil || len(c.rows) == importBatch {
				select {
				case out <- c:
				case <-stop:
					return
				}
				if err != nil {
					return
				}
				c = chunk{last: c.last}
			}
		}
	}()
	return out, fin
}

// auditBatch is how many audit entries an import keeps before writing them (a variable for the tests).
var auditBatch = 5000

// importRun is the state of one import: the rows checked and waiting to be
// written, and what is written once, at the end: the figures of every
// organisation touched and the audit entries (in thousands).
type importRun struct {
	im      *Importer
	sc      store.Scope
	h       Header
	rep     *Report
	seen    map[string]int // the row of each ID number
	batch   []parsedRow
	figures *stats.Pending
	audit   *audit.Pending
}

// add takes a parsed row: its errors go to the report, or it is queued for writing.
func (r *importRun) add(ctx context.Context, tx *sql.Tx, p parsedRow) error {
	if len(p.errs) == 0 {
		id := *p.id
		if first, dup := r.seen[id]; dup {
			p.errs = append(p.errs, CellError{p.excelRow, r.h.Name(FID), id, fmt.Sprintf("与第%d行的公民身份号码重复", first)})
		} else {
			r.seen[id] = p.excelRow
		}
	}
	if len(p.errs) > 0 {
		r.rep.Errors = append(r.rep.Errors, p.errs...)
		return nil
	}
	r.batch = append(r.batch, p)
	if len(r.batch) < importBatch {
		return nil
	}
	return r.flush(ctx, tx)
}

// flush writes the queued rows: the new people together, those on the
// roster one by one.
func (r *importRun) flush(ctx context.Context, tx *sql.Tx) error {
	if len(r.batch) == 0 {
		return nil
	}
	rows := make([]member.Checked, len(r.batch))
	for i, p := range r.batch {
		rows[i] = p.checked
	}
	bctx, figures := stats.Defer(ctx)
	bctx, trail := audit.Defer(bctx)
	outcome, err := r.im.Members.AddNew(bctx, tx, rows)
	if err != nil {
		return fmt.Errorf("add the people of rows %d to %d: %w", r.batch[0].excelRow, r.batch[len(r.batch)-1].excelRow, err)
	}
	r.figures.Merge(figures)
	r.audit.Merge(trail)
	for i, p := range r.batch {
		switch err := outcome[i]; {
		case err == nil:
			r.rep.Added++
			id, name := p.checked.Person()
			r.list(Person{ID: id, Name: name, Row: p.excelRow, Action: "added"})
		case errors.Is(err, member.ErrOnRoster):
			if err := r.update(ctx, tx, p); err != nil {
				return err
			}
		default:
			r.rep.Errors = append(r.rep.Errors, r.refused(p, err)...)
		}
	}
	r.batch = r.batch[:0]
	// The entries belong to the transaction: they are written in thousands,
	// so that a sheet of a million rows does not hold them all.
	if r.audit.Len() >= auditBatch {
		return r.audit.Flush(ctx, r.im.DB, tx)
	}
	return nil
}

// update brings a person on the roster up to date under a savepoint, so
// that a refused row leaves no trace: its figures and audit entries are
// kept only once it is released.
func (r *importRun) update(ctx context.Context, tx *sql.Tx, p parsedRow) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT roster_row"); err != nil {
		return fmt.Errorf("set a savepoint for row %d: %w", p.excelRow, err)
	}
	rowCtx, figures := stats.Defer(ctx)
	rowCtx, trail := audit.Defer(rowCtx)
	out, err := r.im.Members.UpdateRow(rowCtx, tx, r.sc, p.checked.Row())
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT roster_row"); rerr != nil {
			return fmt.Errorf("undo row %d: %w", p.excelRow, rerr)
		}
		r.rep.Errors = append(r.rep.Errors, r.refused(p, err)...)
		return nil
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT roster_row"); err != nil {
		return fmt.Errorf("release the savepoint of row %d: %w", p.excelRow, err)
	}
	r.figures.Merge(figures)
	r.audit.Merge(trail)
	if out.Action == member.Updated {
		r.rep.Updated++
		r.list(Person{ID: out.ID, Name: out.Name, Row: p.excelRow, Action: "updated"})
	} else {
		r.rep.Unchanged++
	}
	return nil
}

// alsoRefused are the reasons registering a row would give beyond the
// cells already refused, none for a person on the roster.
func (im *Importer) alsoRefused(ctx context.Context, h Header, p parsedRow, errs []CellError) []CellError {
	ae, ok := apperr.As(p.checked.Err())
	if !ok {
		return nil
	}
	if p.id != nil {
		if on, err := im.Members.OnRoster(ctx, im.DB, *p.id); err != nil || on {
			return nil
		}
	}
	named := map[string]bool{}
	for _, e := range errs {
		named[e.Column] = true
	}
	var out []CellError
	for _, e := range cellErrors(h, p.cells, p.excelRow, ae) {
		if !named[e.Column] {
			named[e.Column] = true
			out = append(out, e)
		}
	}
	return out
}

// list names a person in the report, up to MaxListed.
func (r *importRun) list(p Person) {
	if len(r.rep.People) < MaxListed {
		r.rep.People = append(r.rep.People, p)
	}
}

// refused places a service's refusal of a row on the cells it concerns.
func (r *importRun) refused(p parsedRow, err error) []CellError {
	ae, ok := apperr.As(store.Explain(err))
	if !ok {
		return []CellError{{Row: p.excelRow, Reason: "写入这一行时发生内部错误,这一行未写入;请稍后再试,如果问题持续,请联系系统管理员"}}
	}
	return cellErrors(r.h, p.cells, p.excelRow, ae)
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
		v, has := h.Cell(cells, f)
		reason := fe.Message
		if !has {
			// Not a bad value: the file has no such column.
			reason = fmt.Sprintf("名册中没有“%s”这一列:新登记的人员须填写%s;请在表中加上这一列", f, f)
		}
		out = append(out, CellError{Row: excelRow, Column: h.Name(f), Value: v, Reason: reason})
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

// brokenText is the reason of a cell whose bytes cannot be read: the row
// is then not read further.
const brokenText = "含有无法识别的字符(文件中有损坏的字节、其他编码的文字或空字符),请在 Excel 中检查这一格并重新保存"

// unreadable tells whether a row was given up at a broken cell.
func unreadable(errs []CellError) bool {
	return len(errs) == 1 && errs[0].Reason == brokenText
}

// parseRow reads one row into what the member service takes, collecting
// the reason for every cell that cannot be read.
func parseRow(h Header, cells []string, excelRow int, orgs *orgIndex) (member.Row, []CellError) {
	var errs []CellError
	bad := func(f Field, v, reason string) { errs = append(errs, CellError{excelRow, h.Name(f), v, reason}) }
	for f := range h.Cols {
		if v, _ := h.Cell(cells, f); strings.ContainsAny(v, "\ufffd\x00") {
			// Bytes of another encoding, or broken ones, never stored as replacement characters.
			bad(f, strings.NewReplacer("\ufffd", "?", "\x00", "?").Replace(v), brokenText)
			return member.Row{}, errs
		}
	}
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
