package spreadsheet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

// exportColumns is the 党员花名册 layout; an exported file imports back as it is.
var exportColumns = []Field{FName, FSex, FEthnicity, FID, FBirth, FEducation, FCategory, FJoined, FFull, FOrg, FPhone, FPost, FMobile}

// ExportMembers streams the roster matching f to w as an .xlsx 党员花名册,
// under a title row. ID numbers, birth dates and phones are masked (as the
// API shows them) unless reveal.
func ExportMembers(ctx context.Context, w io.Writer, svc *member.Service, sc store.Scope, f member.Filter, title string, reveal bool) (int, error) {
	head := []string{"序号"}
	for _, c := range exportColumns {
		head = append(head, string(c))
	}
	out, err := newSheets("党员花名册", title, head, []float64{6, 10, 6, 8, 22, 12, 10, 10, 12, 12, 24, 14, 16, 12})
	if err != nil {
		return 0, err
	}
	defer out.x.Close()
	n := 0
	err = svc.Each(ctx, sc, f, func(m member.Member) error {
		n++
		id, birth, phone := m.IDMasked, m.BirthMonth, m.PhoneMasked
		if reveal {
			id, birth, phone = m.IDNumber, m.BirthDate.String(), m.Phone
		}
		mobile := "否"
		if m.MobileOut {
			mobile = "是"
		}
		return out.add([]any{n, m.Name, m.SexLabel, m.Ethnicity, id, birth, m.EducationLabel, m.StageLabel,
			m.JoinedOn.String(), m.FullOn.String(), m.OrgName, phone, m.Post, mobile})
	})
	if err != nil {
		return n, err
	}
	return n, out.finish(w)
}

// WriteReport writes the imported sheet back with every cell the report
// names filled red and a column 错误说明 giving the reasons, row by row.
func WriteReport(w io.Writer, sh *Sheet, rep Report) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write the import report: %w", err)
		}
	}()
	x := excelize.NewFile()
	defer x.Close()
	sheet := "导入检查结果"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	red, err := x.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}, Font: &excelize.Font{Color: "9C0006"}})
	if err != nil {
		return err
	}
	h, herr := sh.Header()
	byRow := map[int][]CellError{}
	for _, e := range rep.Errors {
		byRow[e.Row] = append(byRow[e.Row], e)
	}
	// The reasons go right of the widest of the first rows (or of a wider row).
	width := 0
	for _, r := range sh.head {
		width = max(width, len(r))
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		r, err := sh.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		excelRow := i + 1
		width := max(width, len(r))
		bad := map[int]bool{}
		var reasons string
		for _, e := range byRow[excelRow] {
			if herr == nil {
				for f, j := range h.Cols {
					if h.Name(f) == e.Column {
						bad[j] = true
					}
				}
			}
			if reasons != "" {
				reasons += ";"
			}
			if e.Column != "" {
				reasons += e.Column + ":"
			}
			reasons += e.Reason
		}
		row := make([]any, width+1)
		for j := 0; j < width; j++ {
			v := ""
			if j < len(r) {
				v = r[j]
			}
			if bad[j] {
				row[j] = excelize.Cell{StyleID: red, Value: v}
			} else {
				row[j] = v
			}
		}
		switch {
		case herr == nil && i == h.Row:
			row[width] = "错误说明"
		case reasons != "":
			row[width] = excelize.Cell{StyleID: red, Value: reasons}
		}
		if err := sw.SetRow("A"+strconv.Itoa(excelRow), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

// WriteTemplate writes an empty roster in the layout the importer reads,
// with drop-down lists for the columns that take fixed values.
func WriteTemplate(w io.Writer) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write the roster template: %w", err)
		}
	}()
	x := excelize.NewFile()
	defer x.Close()
	sheet, lists := "党员名册", "选项"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if _, err := x.NewSheet(lists); err != nil {
		return err
	}
	head := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		head[i] = string(c)
	}
	if err := x.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	if err := x.SetColWidth(sheet, "A", "M", 14); err != nil {
		return err
	}
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49}) // "@": ID numbers and phones stay text
	if err != nil {
		return err
	}
	choices := map[Field][]string{
		FSex:       vocab.Sexes.LabelList(),
		FEthnicity: vocab.Ethnicities.LabelList(),
		FEducation: vocab.Education.LabelList(),
		FCategory:  vocab.Stages.LabelList(),
		FMobile:    {"否", "是"},
	}
	listCol := 0
	for i, c := range exportColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		rangeRef := col + "2:" + col + "5000"
		if c == FID || c == FPhone {
			if err := x.SetCellStyle(sheet, col+"2", col+"5000", text); err != nil {
				return err
			}
		}
		values, ok := choices[c]
		if !ok {
			continue
		}
		listCol++
		lc, _ := excelize.ColumnNumberToName(listCol)
		for j, v := range values {
			if err := x.SetCellValue(lists, lc+strconv.Itoa(j+1), v); err != nil {
				return err
			}
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(rangeRef)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", lists, lc, lc, len(values)))
		dv.SetError(excelize.DataValidationErrorStyleStop, "请从列表中选择", string(c)+"只能从下拉列表中选择")
		if err := x.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	if err := x.SetSheetVisible(lists, false); err != nil {
		return err
	}
	return x.Write(w)
}

// ExportRecords streams the work records each yields to w as an .xlsx
// sheet under a title row: the organisation, every field in its Chinese
// wording (money in yuan, as numbers that add up), who entered it and when.
func ExportRecords(w io.Writer, title string, k *work.Kind, each func(fn func(work.Record) error) error) (int, error) {
	head := []string{"序号", "所属党组织"}
	widths := []float64{6, 20}
	for _, f := range k.Fields {
		label := f.Label
		if f.Type == work.Fen {
			label += "(元)"
		}
		head = append(head, label)
		widths = append(widths, 14)
	}
	head = append(head, "录入人", "录入时间")
	out, err := newSheets(k.Label, title, head, append(widths, 12, 18))
	if err != nil {
		return 0, err
	}
	defer out.x.Close()
	money := "0.00"
	moneyStyle, err := out.x.NewStyle(&excelize.Style{CustomNumFmt: &money})
	if err != nil {
		return 0, err
	}
	n := 0
	err = each(func(r work.Record) error {
		n++
		row := []any{n, r.OrgName}
		for _, f := range k.Fields {
			switch f.Type {
			case work.Fen:
				row = append(row, excelize.Cell{StyleID: moneyStyle, Value: float64(r.Int(f.Col)) / 100})
			case work.Int:
				row = append(row, r.Int(f.Col))
			case work.Date:
				row = append(row, r.Date(f.Col).String())
			case work.Text, work.Note:
				row = append(row, r.Str(f.Col))
			default:
				row = append(row, r.Names[f.Col])
			}
		}
		row = append(row, r.Maker, r.CreatedAt.In(date.Shanghai).Format("2006-01-02 15:04"))
		return out.add(row)
	})
	if err != nil {
		return n, err
	}
	return n, out.finish(w)
}

// FullReason checks the reason a roster with full numbers is exported for.
func FullReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 200 {
		return "", apperr.InvalidField("reason", "请写明导出完整号码的用途(4至200个字),如“向区委组织部报送党员花名册”")
	}
	return reason, nil
}

// MembersExport records in the audit trail the export of the roster of o
// as f finds it (the filter masked), with the reason of one with full
// numbers (reason not empty), and returns the file's name and the function
// that writes the workbook.
func MembersExport(ctx context.Context, db *store.DB, svc *member.Service, sc store.Scope, o org.Org, f member.Filter, reason string) (string, func(io.Writer) error, error) {
	f.OrgID = o.ID
	if err := audit.Append(ctx, db, audit.Event{Action: "export", ObjectType: "member", ObjectID: o.ID, OrgPath: o.Path,
		Detail: map[string]any{"reveal": reason != "", "reason": reason, "filter": f.Audited()}}); err != nil {
		return "", nil, err
	}
	return o.Name + "党员花名册.xlsx", func(w io.Writer) error {
		_, err := ExportMembers(ctx, w, svc, sc, f, o.Name+"党员花名册", reason != "")
		return err
	}, nil
}

// WorkExport records in the audit trail the export of the records of k
// matching f within the organisation o, and returns the file's name and
// the function that writes the workbook.
func WorkExport(ctx context.Context, db *store.DB, svc *work.Service, sc store.Scope, k *work.Kind, f work.Filter, o org.Org) (string, func(io.Writer) error, error) {
	f.OrgID = o.ID
	if err := audit.Append(ctx, db, audit.Event{Action: "export", ObjectType: k.Name, ObjectID: o.ID, OrgPath: o.Path}); err != nil {
		return "", nil, err
	}
	title := o.Name + k.Label
	return title + ".xlsx", func(w io.Writer) error {
		_, err := ExportRecords(w, title, k, func(fn func(work.Record) error) error { return svc.Each(ctx, sc, k, f, fn) })
		return err
	}, nil
}

// maxSheetRows is the most rows an Excel sheet holds (a variable for the tests).
var maxSheetRows = 1048576

// sheets streams rows into a workbook under a bold title across the columns
// (row 1) and shaded headings (row 2), starting another sheet ("名称2", …)
// when one is full, so that a roster of any size opens in Excel.
type sheets struct {
	x                     *excelize.File
	sw                    *excelize.StreamWriter
	name, title           string
	head                  []string
	widths                []float64
	titleStyle, headStyle int
	count, row            int // sheets started; rows in the current one
}

func newSheets(name, title string, head []string, widths []float64) (*sheets, error) {
	s := &sheets{x: excelize.NewFile(), name: name, title: title, head: head, widths: widths}
	var err error
	if s.titleStyle, err = s.x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}}); err != nil {
		s.x.Close()
		return nil, fmt.Errorf("style the title of %s: %w", name, err)
	}
	if s.headStyle, err = s.x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		Border: []excelize.Border{{Type: "bottom", Color: "999999", Style: 1}}}); err != nil {
		s.x.Close()
		return nil, fmt.Errorf("style the headings of %s: %w", name, err)
	}
	if err := s.next(); err != nil {
		s.x.Close()
		return nil, err
	}
	return s, nil
}

// next starts a sheet with the title and the headings.
func (s *sheets) next() (err error) {
	s.count++
	defer func() {
		if err != nil {
			err = fmt.Errorf("start sheet %d of %s: %w", s.count, s.name, err)
		}
	}()
	sheet := s.name
	if s.count == 1 {
		if err := s.x.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
	} else {
		if err := s.sw.Flush(); err != nil {
			return err
		}
		sheet += strconv.Itoa(s.count)
		if _, err := s.x.NewSheet(sheet); err != nil {
			return err
		}
	}
	if s.sw, err = s.x.NewStreamWriter(sheet); err != nil {
		return err
	}
	for i, wd := range s.widths {
		if err := s.sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := s.sw.SetRow("A1", []any{excelize.Cell{StyleID: s.titleStyle, Value: s.title}}); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(s.head), 1)
	if err := s.sw.MergeCell("A1", last); err != nil {
		return err
	}
	cells := make([]any, len(s.head))
	for i, h := range s.head {
		cells[i] = excelize.Cell{StyleID: s.headStyle, Value: h}
	}
	s.row = 2
	return s.sw.SetRow("A2", cells)
}

// add writes one row, on a new sheet if this one is full.
func (s *sheets) add(values []any) error {
	if s.row == maxSheetRows {
		if err := s.next(); err != nil {
			return err
		}
	}
	s.row++
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	if err := s.sw.SetRow(cell, values); err != nil {
		return fmt.Errorf("write row %d of sheet %d of %s: %w", s.row, s.count, s.name, err)
	}
	return nil
}

// finish writes the workbook to w.
func (s *sheets) finish(w io.Writer) error {
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("write the sheets %s: %w", s.name, err)
	}
	if err := s.x.Write(w); err != nil {
		return fmt.Errorf("write the workbook %s: %w", s.name, err)
	}
	return nil
}

// ExportTerms writes the organisations due or overdue for 换届 (as
// org.DueTerms lists them, every page) as an .xlsx list under a title.
func ExportTerms(ctx context.Context, w io.Writer, orgs *org.Service, sc store.Scope, f org.TermFilter, title string, today date.Date) error {
	out, err := newSheets("换届提醒", title, []string{"序号", "党组织", "类别", "书记", "每届任期(年)", "上次换届", "任期届满", "状态"},
		[]float64{6, 32, 10, 10, 12, 14, 14, 12})
	if err != nil {
		return err
	}
	defer out.x.Close()
	n := 0
	for page := 1; ; page++ {
		l, err := orgs.DueTerms(ctx, sc, f, store.Page{Number: page, Size: store.MaxSize})
		if err != nil {
			return err
		}
		for _, o := range l.Items {
			n++
			if err := out.add([]any{n, o.Name, o.TypeLabel, o.Secretary, o.TermYears, o.ElectedOn.Chinese(), o.TermEndsOn.Chinese(), TermState(o, today)}); err != nil {
				return err
			}
		}
		if len(l.Items) < store.MaxSize || page == store.MaxPage {
			break
		}
	}
	return out.finish(w)
}

// TermState says where an organisation stands with its 换届.
func TermState(o org.Org, today date.Date) string {
	switch {
	case o.TermEndsOn.IsZero():
		return "未记录任期"
	case o.TermEndsOn.Before(today):
		return "已超期"
	}
	return "即将届满"
}

// WriteTable writes rows under a title and a row of headings as one sheet
// of an .xlsx (the page's tables as their Excel sheet).
func WriteTable(w io.Writer, name, title string, head []string, rows [][]any) error {
	widths := make([]float64, len(head))
	for i := range widths {
		widths[i] = 14
	}
	widths[0] = 30
	out, err := newSheets(name, title, head, widths)
	if err != nil {
		return err
	}
	defer out.x.Close()
	for _, r := range rows {
		if err := out.add(r); err != nil {
			return err
		}
	}
	return out.finish(w)
}
