package roster

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

// exportColumns is the 党员花名册 layout; an exported file imports back as it is.
var exportColumns = []Field{FName, FSex, FEthnicity, FID, FBirth, FEducation, FCategory, FJoined, FFull, FOrg, FPhone, FPost, FMobile}

// ExportMembers streams the roster matching f to w as an .xlsx 党员花名册,
// under a title row. ID numbers and phones are masked unless reveal.
func ExportMembers(ctx context.Context, w io.Writer, svc *member.Service, sc store.Scope, f member.Filter, title string, reveal bool) (int, error) {
	head := []string{"序号"}
	for _, c := range exportColumns {
		head = append(head, string(c))
	}
	x, sw, err := titledSheet("党员花名册", title, head, []float64{6, 10, 6, 8, 22, 12, 10, 10, 12, 12, 24, 14, 16, 12})
	if err != nil {
		return 0, err
	}
	defer x.Close()
	n := 0
	err = svc.Each(ctx, sc, f, func(m member.Member) error {
		n++
		id, phone := m.IDMasked, m.PhoneMasked
		if reveal {
			id, phone = m.IDNumber, m.Phone
		}
		mobile := "否"
		if m.MobileOut {
			mobile = "是"
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		return sw.SetRow(cell, []any{n, m.Name, m.SexLabel, m.Ethnicity, id, m.BirthDate.String(), m.EducationLabel, m.StageLabel,
			m.JoinedOn.String(), m.FullOn.String(), m.OrgName, phone, m.Post, mobile})
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, x.Write(w)
}

// WriteReport writes the imported table back with every cell the report
// names filled red and a column 错误说明 giving the reasons, row by row.
func WriteReport(w io.Writer, t Table, rep Report) error {
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
	h, herr := FindHeader(t)
	byRow := map[int][]CellError{}
	for _, e := range rep.Errors {
		byRow[e.Row] = append(byRow[e.Row], e)
	}
	width := 0
	for _, r := range t {
		width = max(width, len(r))
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, r := range t {
		excelRow := i + 1
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
func WriteTemplate(w io.Writer) error {
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
	x, sw, err := titledSheet(k.Label, title, head, append(widths, 12, 18))
	if err != nil {
		return 0, err
	}
	defer x.Close()
	money := "0.00"
	moneyStyle, err := x.NewStyle(&excelize.Style{CustomNumFmt: &money})
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
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, x.Write(w)
}

// titledSheet starts a streamed workbook whose one sheet has a bold title
// across the columns in row 1 and the shaded column headings in row 2.
func titledSheet(sheet, title string, head []string, widths []float64) (*excelize.File, *excelize.StreamWriter, error) {
	x := excelize.NewFile()
	sw, err := func() (*excelize.StreamWriter, error) {
		if err := x.SetSheetName("Sheet1", sheet); err != nil {
			return nil, err
		}
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return nil, err
		}
		titleStyle, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}})
		if err != nil {
			return nil, err
		}
		headStyle, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
			Border: []excelize.Border{{Type: "bottom", Color: "999999", Style: 1}}})
		if err != nil {
			return nil, err
		}
		for i, wd := range widths {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return nil, err
			}
		}
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}); err != nil {
			return nil, err
		}
		last, _ := excelize.CoordinatesToCellName(len(head), 1)
		if err := sw.MergeCell("A1", last); err != nil {
			return nil, err
		}
		cells := make([]any, len(head))
		for i, h := range head {
			cells[i] = excelize.Cell{StyleID: headStyle, Value: h}
		}
		return sw, sw.SetRow("A2", cells)
	}()
	if err != nil {
		x.Close()
		return nil, nil, err
	}
	return x, sw, nil
}
