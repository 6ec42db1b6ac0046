package tables

import (
	"context"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

// StatsTable is the figures of an organisation laid out as the tables
// superiors ask for: a 合计 line (its whole subtree), a line for each of its
// live direct children (each with its subtree), and the organisation's own
// line (本级: the people and records on its own roster, and itself as an
// organisation), so that the lines add up to the total as a superior
// checks them.
type StatsTable struct {
	Org   org.Org
	Lines []StatsLine // 合计 first, 本级 last
}

// StatsLine is one line of the table: the raw figures it counts.
type StatsLine struct {
	Name    string
	Figures map[string]int64
}

// ReadStats reads the table of the organisation orgID in scope from the
// maintained figures: one read for the organisation and its children,
// whatever the size of the subtree.
func ReadStats(ctx context.Context, db *store.DB, orgs *org.Service, sc store.Scope, orgID int64) (StatsTable, error) {
	return readLines(ctx, orgs, sc, orgID, func(paths []string) (map[int64]map[string]int64, error) {
		return stats.ReadEach(ctx, db, paths)
	})
}

// readLines reads the table of the organisation orgID in scope with the
// figures read gives of each subtree (the organisation's first, then its
// children's), its own line the difference.
func readLines(ctx context.Context, orgs *org.Service, sc store.Scope, orgID int64,
	read func(paths []string) (map[int64]map[string]int64, error)) (StatsTable, error) {
	o, err := orgs.Get(ctx, sc, orgID)
	if err != nil {
		return StatsTable{}, err
	}
	children, err := orgs.Children(ctx, sc, orgID)
	if err != nil {
		return StatsTable{}, err
	}
	paths := []string{o.Path}
	for _, c := range children {
		paths = append(paths, c.Path)
	}
	figures, err := read(paths)
	if err != nil {
		return StatsTable{}, err
	}
	t := StatsTable{Org: o, Lines: []StatsLine{{"合计", figures[o.ID]}}}
	own := map[string]int64{}
	for k, n := range figures[o.ID] {
		own[k] = n
	}
	for _, c := range children {
		for k, n := range figures[c.ID] {
			own[k] -= n
		}
		t.Lines = append(t.Lines, StatsLine{c.Name, figures[c.ID]})
	}
	t.Lines = append(t.Lines, StatsLine{"本级(" + o.Name + "直属)", own})
	return t, nil
}

// StatsLayout is what a statistics table shows of the figures.
type StatsLayout struct {
	Title   string // after the organisation's name
	Note    string // the line under the title: the date or period, the units
	Columns []StatsColumn
	// Values gives the columns' values of a line's figures.
	Values func(m map[string]int64) []int64
}

// StatsColumn is a column under its group heading; a column whose group
// is its label spans both heading rows. A Fen column is shown in yuan.
type StatsColumn struct {
	Group, Label string
	Fen          bool
}

// Heading is a heading of the first row over the columns First..Last; an
// Alone column (no group) spans both rows.
type Heading struct {
	Label       string
	First, Last int
	Alone       bool
}

// Headings groups the columns under their first-row headings, in order.
func (l StatsLayout) Headings() []Heading {
	var out []Heading
	cols := l.Columns
	for i := 0; i < len(cols); {
		j := i
		for j+1 < len(cols) && cols[j+1].Group == cols[i].Group {
			j++
		}
		alone := i == j && cols[i].Group == cols[i].Label
		out = append(out, Heading{Label: cols[i].Group, First: i, Last: j, Alone: alone})
		i = j + 1
	}
	return out
}

// Span is how many columns a heading covers.
func (h Heading) Span() int { return h.Last - h.First + 1 }

// Cells are the figures of a line as the table shows them: money in yuan
// with separators, counts with separators.
func (l StatsLayout) Cells(m map[string]int64) []string {
	var out []string
	for c, v := range l.Values(m) {
		if l.Columns[c].Fen {
			out = append(out, work.Yuan(v))
		} else {
			out = append(out, work.Grouped(v))
		}
	}
	return out
}

// asOfNote is the line under a table's title that dates it.
func asOfNote(asOf date.Date, rest string) string {
	return fmt.Sprintf("统计截至 %s;%s", asOf.Chinese(), rest)
}

// MembersLayout is the 党员队伍基本情况统计表: members, of whom full,
// probationary, women, minorities, college or above and flowing out; by
// education; by the age bands of the annual report (ages reached at the
// end of year, by default the year of asOf); the pipeline; organisations
// by type.
func MembersLayout(year int, asOf date.Date) StatsLayout {
	if year == 0 {
		year = asOf.Year()
	}
	cols := []StatsColumn{{"党员总数", "党员总数", false}}
	for _, l := range []string{"正式党员", "预备党员", "女党员", "少数民族", "大专及以上", "外出流动党员"} {
		cols = append(cols, StatsColumn{"其中", l, false})
	}
	for _, e := range vocab.Education {
		cols = append(cols, StatsColumn{"学历", e.Label, false})
	}
	for _, b := range stats.AgeBands {
		cols = append(cols, StatsColumn{"年龄", b.Label, false})
	}
	for _, s := range vocab.Stages[:3] {
		cols = append(cols, StatsColumn{"发展党员工作", s.Label, false})
	}
	cols = append(cols, StatsColumn{"党组织", "党组织总数", false})
	for _, t := range vocab.OrgTypes {
		cols = append(cols, StatsColumn{"党组织", t.Label, false})
	}
	return StatsLayout{
		Title:   "党员队伍基本情况统计表",
		Note:    asOfNote(asOf, fmt.Sprintf("年龄按 %d 年末计算;单位:人、个", year)),
		Columns: cols,
		Values: func(m map[string]int64) []int64 {
			v := stats.NewView(0, m, year)
			out := []int64{v.Members, v.Full, v.Probationary, v.Female, v.Minority, v.CollegeAbove, v.MobileOut}
			for _, list := range [][]stats.Count{v.ByEducation, v.ByAge, v.Pipeline[:3]} {
				for _, c := range list {
					out = append(out, c.N)
				}
			}
			out = append(out, v.Orgs)
			for _, c := range v.OrgsByType {
				out = append(out, c.N)
			}
			return out
		},
	}
}

// WorkLayout is the 基层党建工作统计表 of the months from..to ("2006-01";
// by default the year of today to date): every figure of the work summary,
// in its unit, money in yuan.
func WorkLayout(from, to string, today date.Date) StatsLayout {
	from, to = work.Period(from, to, today)
	var cols []StatsColumn
	for _, l := range work.Summarize(nil, from, to) {
		label := l.Label + "(" + l.Unit + ")"
		if !l.Period {
			label = l.Label + "(现有," + l.Unit + ")"
		}
		cols = append(cols, StatsColumn{l.Group, label, l.Unit == "元"})
	}
	return StatsLayout{
		Title:   "基层党建工作统计表",
		Note:    fmt.Sprintf("统计期间 %s 至 %s;标“现有”的为导出时的数量", from, to),
		Columns: cols,
		Values: func(m map[string]int64) []int64 {
			lines := work.Summarize(m, from, to)
			out := make([]int64, len(lines))
			for i, l := range lines {
				out[i] = l.Value
			}
			return out
		},
	}
}

// CoverageLayout is the 党组织覆盖情况统计表: units by type, the
// non-public ones, and how each is covered — by an organisation, by
// members without one (有党员无组织), or not at all (有企业无党员); the last
// three add up to the units.
func CoverageLayout(asOf date.Date) StatsLayout {
	cols := []StatsColumn{{"单位总数", "单位总数", false}}
	for _, t := range vocab.UnitTypes {
		cols = append(cols, StatsColumn{"按类别", t.Label, false})
	}
	cols = append(cols, StatsColumn{"其中", "非公有制单位", false})
	for _, l := range []string{"已建立或被覆盖党组织", "有党员无组织", "有企业无党员"} {
		cols = append(cols, StatsColumn{"覆盖情况", l, false})
	}
	return StatsLayout{
		Title:   "党组织覆盖情况统计表",
		Note:    asOfNote(asOf, "单位:个"),
		Columns: cols,
		Values: func(m map[string]int64) []int64 {
			v := stats.NewView(0, m, asOf.Year())
			out := []int64{v.Units}
			for _, c := range v.UnitsByType {
				out = append(out, c.N)
			}
			return append(out, v.UnitsNonPub, v.UnitsCovered, v.GapNoOrg, v.GapNoMember)
		},
	}
}

// StatsFileName is the name a table is downloaded as.
func StatsFileName(t StatsTable, l StatsLayout, asOf date.Date) string {
	return fmt.Sprintf("%s%s-%s.xlsx", t.Org.Name, l.Title, asOf)
}

// WriteStats writes the table as an .xlsx: a title, the date and units, two
// rows of headings (the groups merged above their columns), the total,
// then a line per child organisation and the organisation's own line, as
// numbers that add up in Excel.
func WriteStats(w io.Writer, t StatsTable, l StatsLayout) error {
	return WriteWorkbook(w, []StatsSheet{{"统计表", t, l}})
}

// StatsSheet is one table of a workbook under its sheet name.
type StatsSheet struct {
	Name   string
	Table  StatsTable
	Layout StatsLayout
}

// WriteWorkbook writes the tables as the sheets of one .xlsx, each laid out
// as WriteStats lays out one.
func WriteWorkbook(w io.Writer, sheets []StatsSheet) error {
	x := excelize.NewFile()
	defer x.Close()
	for i, s := range sheets {
		var err error
		if i == 0 {
			err = x.SetSheetName("Sheet1", s.Name)
		} else {
			_, err = x.NewSheet(s.Name)
		}
		if err == nil {
			err = writeSheet(x, s.Name, s.Table, s.Layout)
		}
		if err != nil {
			return fmt.Errorf("lay out the sheet %s: %w", s.Name, err)
		}
	}
	x.SetActiveSheet(0)
	if err := x.Write(w); err != nil {
		return fmt.Errorf("write the statistics workbook: %w", err)
	}
	return nil
}

// writeSheet lays out one table on the sheet.
func writeSheet(x *excelize.File, sheet string, t StatsTable, l StatsLayout) error {
	cols := l.Columns
	last, err := excelize.ColumnNumberToName(len(cols) + 1)
	if err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	money := "#,##0.00"
	bold := &excelize.Font{Bold: true}
	var titleStyle, headStyle int
	// cellStyle[total][fen] is the style of a figure: bold on the total line, in yuan for money.
	var cellStyle [2][2]int
	for _, st := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&titleStyle, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&headStyle, &excelize.Style{Font: bold, Alignment: center, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}}},
		{&cellStyle[0][0], &excelize.Style{Border: border}},
		{&cellStyle[1][0], &excelize.Style{Font: bold, Border: border}},
		{&cellStyle[0][1], &excelize.Style{Border: border, CustomNumFmt: &money}},
		{&cellStyle[1][1], &excelize.Style{Font: bold, Border: border, CustomNumFmt: &money}},
	} {
		if *st.id, err = x.NewStyle(st.style); err != nil {
			return err
		}
	}
	set := func(cell string, v any) {
		if err == nil {
			err = x.SetCellValue(sheet, cell, v)
		}
	}
	style := func(from, to string, id int) {
		if err == nil {
			err = x.SetCellStyle(sheet, from, to, id)
		}
	}
	merge := func(from, to string) {
		if err == nil && from != to {
			err = x.MergeCell(sheet, from, to)
		}
	}
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }

	set("A1", t.Org.Name+l.Title)
	merge("A1", last+"1")
	style("A1", "A1", titleStyle)
	set("A2", l.Note)
	merge("A2", last+"2")
	// Headings: rows 3 and 4; a column without a group spans both.
	set("A3", "党组织")
	merge("A3", "A4")
	for _, h := range l.Headings() {
		set(cell(h.First+2, 3), h.Label)
		if h.Alone {
			merge(cell(h.First+2, 3), cell(h.First+2, 4))
			continue
		}
		merge(cell(h.First+2, 3), cell(h.Last+2, 3))
		for k := h.First; k <= h.Last; k++ {
			set(cell(k+2, 4), cols[k].Label)
		}
	}
	style("A3", last+"4", headStyle)
	// Each line under its style: the total in bold, money in yuan.
	for r, line := range t.Lines {
		row := []any{line.Name}
		for c, v := range l.Values(line.Figures) {
			if cols[c].Fen {
				row = append(row, float64(v)/100)
			} else {
				row = append(row, v)
			}
		}
		if err == nil {
			err = x.SetSheetRow(sheet, cell(1, r+5), &row)
		}
		total := 0
		if r == 0 {
			total = 1
		}
		style(cell(1, r+5), cell(len(cols)+1, r+5), cellStyle[total][0])
		for c, col := range cols {
			if col.Fen {
				style(cell(c+2, r+5), cell(c+2, r+5), cellStyle[total][1])
			}
		}
	}
	if err == nil {
		err = x.SetColWidth(sheet, "A", "A", 30)
	}
	// The headings wrap in columns 10 characters wide (five Chinese ones).
	longest := 0
	for _, c := range cols {
		longest = max(longest, utf8.RuneCountInString(c.Label))
	}
	if err == nil {
		err = x.SetColWidth(sheet, "B", last, 10)
	}
	if err == nil {
		err = x.SetRowHeight(sheet, 4, float64(15*((longest+4)/5)))
	}
	if err == nil {
		err = x.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 4, TopLeftCell: "B5", ActivePane: "bottomRight"})
	}
	return err
}
