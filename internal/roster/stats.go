package roster

import (
	"context"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// StatsTable is the 党员队伍基本情况统计表 of an organisation: the figures of
// its whole subtree (合计), of each of its live direct children, and of the
// organisation itself (本级: the people on its own roster, and itself as an
// organisation), so that the lines add up to the total as a superior
// checks them.
type StatsTable struct {
	Org   org.Org
	Year  int       // the statistical year: ages are reached at its end
	AsOf  date.Date // the day the figures were read
	Total stats.View
	Lines []StatsLine
}

// StatsLine is one line of the table.
type StatsLine struct {
	Name    string
	Figures stats.View
}

// ReadStats reads the table of the organisation orgID in scope from the
// maintained figures: one read for the organisation and one for all its
// children, whatever the size of the subtree.
func ReadStats(ctx context.Context, db *store.DB, orgs *org.Service, sc store.Scope, orgID int64, year int, asOf date.Date) (StatsTable, error) {
	o, err := orgs.Get(ctx, sc, orgID)
	if err != nil {
		return StatsTable{}, err
	}
	children, err := orgs.Children(ctx, sc, orgID)
	if err != nil {
		return StatsTable{}, err
	}
	ids := []int64{o.ID}
	for _, c := range children {
		ids = append(ids, c.ID)
	}
	figures, err := stats.ReadEach(ctx, db, ids)
	if err != nil {
		return StatsTable{}, err
	}
	t := StatsTable{Org: o, Year: year, AsOf: asOf, Total: stats.NewView(o.ID, figures[o.ID], year)}
	own := map[string]int64{}
	for k, n := range figures[o.ID] {
		own[k] = n
	}
	for _, c := range children {
		for k, n := range figures[c.ID] {
			own[k] -= n
		}
		t.Lines = append(t.Lines, StatsLine{c.Name, stats.NewView(c.ID, figures[c.ID], year)})
	}
	t.Lines = append(t.Lines, StatsLine{"本级(" + o.Name + "直属)", stats.NewView(o.ID, own, year)})
	return t, nil
}

// StatsFileName is the name the table is downloaded as.
func StatsFileName(t StatsTable) string {
	return fmt.Sprintf("%s党员队伍基本情况统计表-%s.xlsx", t.Org.Name, t.AsOf)
}

// statsColumn is a column of the table under its group heading.
type statsColumn struct {
	group, label string
	value        func(v stats.View) int64
}

func statsColumns() []statsColumn {
	cols := []statsColumn{
		{"党员总数", "党员总数", func(v stats.View) int64 { return v.Members }},
		{"其中", "正式党员", func(v stats.View) int64 { return v.Full }},
		{"其中", "预备党员", func(v stats.View) int64 { return v.Probationary }},
		{"其中", "女党员", func(v stats.View) int64 { return v.Female }},
		{"其中", "少数民族", func(v stats.View) int64 { return v.Minority }},
		{"其中", "大专及以上", func(v stats.View) int64 { return v.CollegeAbove }},
		{"其中", "外出流动党员", func(v stats.View) int64 { return v.MobileOut }},
	}
	for i, e := range vocab.Education {
		cols = append(cols, statsColumn{"学历", e.Label, func(v stats.View) int64 { return v.ByEducation[i].N }})
	}
	for i, b := range stats.AgeBands {
		cols = append(cols, statsColumn{"年龄", b.Label, func(v stats.View) int64 { return v.ByAge[i].N }})
	}
	for i, s := range vocab.Stages[:3] {
		cols = append(cols, statsColumn{"发展党员工作", s.Label, func(v stats.View) int64 { return v.Pipeline[i].N }})
	}
	cols = append(cols, statsColumn{"党组织", "党组织总数", func(v stats.View) int64 { return v.Orgs }})
	for i, t := range vocab.OrgTypes {
		cols = append(cols, statsColumn{"党组织", t.Label, func(v stats.View) int64 { return v.OrgsByType[i].N }})
	}
	return cols
}

// WriteStats writes the table as an .xlsx: a title, the date and units, two
// rows of headings (the groups merged above their columns), the total,
// then a line per child organisation and the organisation's own line, as
// numbers that add up in Excel.
func WriteStats(w io.Writer, t StatsTable) error {
	const sheet = "党员队伍基本情况"
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	cols := statsColumns()
	last, err := excelize.ColumnNumberToName(len(cols) + 1)
	if err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	styles := make([]int, 4)
	for i, st := range []*excelize.Style{
		{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}},
		{Font: &excelize.Font{Bold: true}, Alignment: center, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}},
		{Border: border},
		{Font: &excelize.Font{Bold: true}, Border: border},
	} {
		if styles[i], err = x.NewStyle(st); err != nil {
			return err
		}
	}
	titleStyle, headStyle, cellStyle, totalStyle := styles[0], styles[1], styles[2], styles[3]
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

	set("A1", t.Org.Name+"党员队伍基本情况统计表")
	merge("A1", last+"1")
	style("A1", "A1", titleStyle)
	set("A2", fmt.Sprintf("统计截至 %d年%d月%d日;年龄按 %d 年末计算;单位:人、个", t.AsOf.Year(), t.AsOf.Time().Month(), t.AsOf.Time().Day(), t.Year))
	merge("A2", last+"2")
	// Headings: rows 3 and 4; a column without a group spans both.
	set("A3", "党组织")
	merge("A3", "A4")
	for i := 0; i < len(cols); {
		j := i
		for j+1 < len(cols) && cols[j+1].group == cols[i].group {
			j++
		}
		if i == j && cols[i].group == cols[i].label {
			set(cell(i+2, 3), cols[i].label)
			merge(cell(i+2, 3), cell(i+2, 4))
		} else {
			set(cell(i+2, 3), cols[i].group)
			merge(cell(i+2, 3), cell(j+2, 3))
			for k := i; k <= j; k++ {
				set(cell(k+2, 4), cols[k].label)
			}
		}
		i = j + 1
	}
	style("A3", last+"4", headStyle)
	lines := append([]StatsLine{{"合计", t.Total}}, t.Lines...)
	for r, l := range lines {
		row := []any{l.Name}
		for _, c := range cols {
			row = append(row, c.value(l.Figures))
		}
		if err == nil {
			err = x.SetSheetRow(sheet, cell(1, r+5), &row)
		}
	}
	style("A5", last+"5", totalStyle)
	style("A6", cell(len(cols)+1, len(lines)+4), cellStyle)
	if err == nil {
		err = x.SetColWidth(sheet, "A", "A", 30)
	}
	if err == nil {
		err = x.SetColWidth(sheet, "B", last, 9)
	}
	if err == nil {
		err = x.SetRowHeight(sheet, 4, 30)
	}
	if err == nil {
		err = x.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 4, TopLeftCell: "B5", ActivePane: "bottomRight"})
	}
	if err != nil {
		return err
	}
	return x.Write(w)
}
