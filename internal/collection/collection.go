package collection

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// The 2017 organisation and member information collection (党组织和党员
// 基本信息采集), from which the national Party-member information system
// was loaded: ten items of an organisation and its unit, sixteen of a
// member (the package comment names the sources and the items whose exact
// wording could not be confirmed). The 汇总表 list one organisation or
// member a row and are what an import reads; the 采集表 give each its own
// block of items, as the paper forms did.
var (
	OrgItems = []string{"党组织名称", "党组织书记", "党组织联系人", "联系电话", "组织类别", "党组织所在单位情况",
		"单位名称", "单位性质类别", "法人单位统一社会信用代码", "单位建立党组织情况"}
	MemberItems = []string{"姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部",
		"入党日期", "转为正式党员日期", "工作岗位", "联系电话", "家庭住址", "党籍状态", "是否为失联党员", "是否为流动党员"}
)

// The sheets of the collection workbook.
const (
	OrgForms      = "党组织和所在单位基本信息采集表"
	MemberForms   = "党员基本信息采集表"
	OrgSummary    = "党组织和所在单位信息汇总表"
	MemberSummary = "党员基本信息汇总表"
)

// Columns the summaries add to the items, to rebuild the tree on import:
// each row's number, its superior's, and the organisation's founding date;
// a member's destination when flowing out and their organisation's number.
const (
	colSeq      = "序号"
	colParent   = "上级党组织"
	colParentNo = "上级党组织序号"
	colFounded  = "成立日期"
	colFlow     = "外出流向"
	colOrgNo    = "所在党组织序号"
)

// formRowsLimit bounds the rows of a 采集表 sheet below Excel's 1,048,576.
const formRowsLimit = 1000000

type collectedOrg struct {
	seq, parentSeq int
	o              org.Org
	units          []org.Unit
}

// situation is the item 党组织所在单位情况 and 单位建立党组织情况 of an organisation with its units.
func (c collectedOrg) situation() (string, string) {
	switch len(c.units) {
	case 0:
		return "与上级党组织相同", ""
	case 1:
		return "法人单位", "单独建立" + vocab.OrgTypes.Label(c.o.Type)
	}
	return "联合党支部", "联合建立" + vocab.OrgTypes.Label(c.o.Type)
}

func (c collectedOrg) items() []string {
	sit, built := c.situation()
	var names, types, codes []string
	for _, u := range c.units {
		names, types, codes = append(names, u.Name), append(types, vocab.UnitTypes.Label(u.Type)), append(codes, u.CreditCode)
	}
	return []string{c.o.Name, c.o.Secretary, "", "", vocab.OrgTypes.Label(c.o.Type), sit,
		strings.Join(names, "、"), strings.Join(types, "、"), strings.Join(codes, "、"), built}
}

// CollectionExport records in the audit trail, with its purpose, the
// export of the collection of the organisation o (clear ID numbers and
// phones), and returns the file's name and the function that writes it.
func CollectionExport(ctx context.Context, db *store.DB, orgs *org.Service, members *member.Service, sc store.Scope, o org.Org, reason string) (string, func(io.Writer) error, error) {
	if err := audit.Append(ctx, db, audit.Event{Action: "export", ObjectType: "member", ObjectID: o.ID, OrgPath: o.Path,
		Detail: map[string]any{"reveal": true, "reason": reason, "table": "党组织和党员基本信息采集表"}}); err != nil {
		return "", nil, err
	}
	return o.Name + "党组织和党员基本信息采集表.xlsx", func(w io.Writer) error {
		_, _, err := WriteCollection(ctx, w, db, orgs, members, sc, o)
		return err
	}, nil
}

// WriteCollection writes the collection of the organisation root and every
// live organisation and member below it, ID numbers and phones in the
// clear (the caller holds the right to reveal them and records why).
func WriteCollection(ctx context.Context, w io.Writer, db *store.DB, orgs *org.Service, members *member.Service, sc store.Scope, root org.Org) (int, int, error) {
	lo, hi := store.PathRange(root.Path)
	var list []collectedOrg
	seqOf := map[int64]int{}
	ids, err := store.Query(ctx, db, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, "SELECT id FROM orgs WHERE path >= $1 AND path < $2 AND dissolved_at IS NULL ORDER BY path", lo, hi)
	if err != nil {
		return 0, 0, fmt.Errorf("read the organisations below %s: %w", root.Path, err)
	}
	for _, id := range ids {
		o, err := orgs.Get(ctx, sc, id)
		if err != nil {
			return 0, 0, err
		}
		c := collectedOrg{seq: len(list) + 1, o: o}
		if o.ParentID != nil {
			c.parentSeq = seqOf[*o.ParentID]
		}
		seqOf[id] = c.seq
		list = append(list, c)
	}
	units, err := orgs.ListUnits(ctx, sc, org.UnitFilter{OrgID: root.ID}, store.Page{Size: 1 << 30})
	if err != nil {
		return 0, 0, err
	}
	for _, u := range units.Items {
		if u.CoveringOrgID != nil {
			if s, ok := seqOf[*u.CoveringOrgID]; ok {
				list[s-1].units = append(list[s-1].units, u)
			}
		}
	}
	type flow struct {
		id    int64
		place string
	}
	out, err := store.Query(ctx, db, func(sc store.Scanner) (flow, error) {
		var f flow
		return f, sc.Scan(&f.id, &f.place)
	}, `SELECT r.member_id, r.present_place FROM mobile_records r JOIN orgs o ON o.id = r.org_id
		WHERE o.path >= $1 AND o.path < $2 AND r.kind = 'out' AND r.ended_on IS NULL AND r.member_id IS NOT NULL`+sc.ProvinceParam("r.province_id"), lo, hi)
	if err != nil {
		return 0, 0, fmt.Errorf("read the members flowing out below %s: %w", root.Path, err)
	}
	flows := make(map[int64]string, len(out))
	for _, f := range out {
		flows[f.id] = f.place
	}

	x := excelize.NewFile()
	defer x.Close()
	var sheets [4]*excelize.StreamWriter
	names := [4]string{OrgForms, MemberForms, OrgSummary, MemberSummary}
	for i, name := range names {
		if i == 0 {
			err = x.SetSheetName("Sheet1", name)
		} else {
			_, err = x.NewSheet(name)
		}
		if err == nil {
			sheets[i], err = x.NewStreamWriter(name)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("start the sheet %s: %w", name, err)
		}
	}
	next := [4]int{}
	put := func(i int, cells ...string) error {
		next[i]++
		row := make([]any, len(cells))
		for k, c := range cells {
			row[k] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, next[i])
		if err := sheets[i].SetRow(cell, row); err != nil {
			return fmt.Errorf("write row %d of %s: %w", next[i], names[i], err)
		}
		return nil
	}
	head := func(i int, cols []string) error { return put(i, cols...) }
	if err := head(2, append(append([]string{colSeq}, OrgItems...), colParent, colParentNo, colFounded)); err != nil {
		return 0, 0, err
	}
	if err := head(3, append(append([]string{colSeq}, MemberItems...), colFlow, colOrgNo)); err != nil {
		return 0, 0, err
	}
	form := func(i int, title string, items, values []string, limit int) error {
		if next[i] >= limit {
			return nil
		}
		if err := put(i, title); err != nil {
			return err
		}
		for k, it := range items {
			if err := put(i, strconv.Itoa(k+1)+"."+it, values[k]); err != nil {
				return err
			}
		}
		return put(i)
	}
	for _, c := range list {
		items := c.items()
		parent, parentNo := "", ""
		if c.parentSeq > 0 {
			parent, parentNo = list[c.parentSeq-1].o.Name, strconv.Itoa(c.parentSeq)
		}
		if err := put(2, append(append([]string{strconv.Itoa(c.seq)}, items...), parent, parentNo, c.o.FoundedOn.String())...); err != nil {
			return 0, 0, err
		}
		if err := form(0, fmt.Sprintf("(%d)%s", c.seq, c.o.Name), OrgItems, items, formRowsLimit); err != nil {
			return 0, 0, err
		}
	}
	n := 0
	err = members.Each(ctx, sc, member.Filter{OrgID: root.ID, Category: "member", Sort: "id"}, func(m member.Member) error {
		n++
		mobile, flow := "否", flows[m.ID]
		if m.MobileOut {
			mobile = "是"
		}
		items := []string{m.Name, m.SexLabel, m.IDNumber, m.Ethnicity, m.BirthDate.String(), m.EducationLabel, m.StageLabel, m.OrgName,
			m.JoinedOn.String(), m.FullOn.String(), m.Post, m.Phone, "", "正常", "否", mobile}
		if err := put(3, append(append([]string{strconv.Itoa(n)}, items...), flow, strconv.Itoa(seqOf[m.OrgID]))...); err != nil {
			return err
		}
		return form(1, fmt.Sprintf("(%d)%s", n, m.Name), MemberItems, items, formRowsLimit)
	})
	if err != nil {
		return 0, 0, err
	}
	for i, s := range sheets {
		if next[i] >= formRowsLimit {
			if err := put(i, "人数较多,其余采集表请按下级党组织分别导出;汇总表已含全部人员。"); err != nil {
				return 0, 0, err
			}
		}
		if err := s.Flush(); err != nil {
			return 0, 0, fmt.Errorf("write the sheet %s: %w", names[i], err)
		}
	}
	if err := x.Write(w); err != nil {
		return 0, 0, fmt.Errorf("write the collection workbook: %w", err)
	}
	return len(list), n, nil
}

// CollectionReport is what an import of a collection did.
type CollectionReport struct {
	Orgs    int                     `json:"orgs"`
	Members int                     `json:"members"`
	Errors  []spreadsheet.CellError `json:"errors"`
}

// ImportCollection fills an empty database from a collection workbook: the
// organisations of its 党组织和所在单位信息汇总表 (each below the one its
// 上级党组织序号 names) with their units, then the members of its
// 党员基本信息汇总表 in theirs. Every row is checked before anything is
// written: a wrong row is reported by its sheet, row, column and reason,
// and nothing is imported.
func ImportCollection(ctx context.Context, db *store.DB, orgs *org.Service, im *spreadsheet.Importer, r io.Reader) (CollectionReport, error) {
	var rep CollectionReport
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
		return rep, fmt.Errorf("count the organisations: %w", err)
	}
	if n > 0 {
		return rep, apperr.Rule("采集表只能导入到空的数据库(现有%d个党组织);向已有的党组织导入党员请用花名册导入", n)
	}
	x, err := excelize.OpenReader(r)
	if err != nil {
		return rep, apperr.InvalidField("file", "文件不是可读的 .xlsx 工作簿")
	}
	defer x.Close()
	read := func(sheet string, cols []string) ([]map[string]string, error) {
		rows, err := x.GetRows(sheet)
		if err != nil || len(rows) == 0 {
			return nil, apperr.InvalidField("file", "工作簿中没有“%s”", sheet)
		}
		at := map[string]int{}
		for i, h := range rows[0] {
			at[strings.TrimSpace(h)] = i
		}
		for _, c := range cols {
			if _, ok := at[c]; !ok {
				return nil, apperr.InvalidField("file", "“%s”缺少“%s”一列", sheet, c)
			}
		}
		var out []map[string]string
		for _, row := range rows[1:] {
			m := map[string]string{}
			for c, i := range at {
				if i < len(row) {
					m[c] = strings.TrimSpace(row[i])
				}
			}
			out = append(out, m)
		}
		return out, nil
	}
	orgRows, err := read(OrgSummary, []string{colSeq, "党组织名称", "组织类别", colParentNo})
	if err != nil {
		return rep, err
	}
	memberRows, err := read(MemberSummary, []string{colSeq, "姓名", "公民身份号码", colOrgNo})
	if err != nil {
		return rep, err
	}
	bad := func(sheet string, row int, col, value, reason string) {
		rep.Errors = append(rep.Errors, spreadsheet.CellError{Row: row, Column: sheet + "·" + col, Value: value, Reason: reason})
	}
	type planned struct {
		seq, parent int
		in          org.Input
		units       []org.UnitInput
	}
	var plan []planned
	seen := map[int]bool{}
	for i, m := range orgRows {
		row := i + 2
		seq, err := strconv.Atoi(m[colSeq])
		if err != nil || seq < 1 || seen[seq] {
			bad(OrgSummary, row, colSeq, m[colSeq], "序号应为不重复的正整数")
			continue
		}
		seen[seq] = true
		p := planned{seq: seq}
		if v := m[colParentNo]; v != "" {
			if p.parent, err = strconv.Atoi(v); err != nil || !seen[p.parent] || p.parent == seq {
				bad(OrgSummary, row, colParentNo, v, "上级党组织序号应为本表中排在前面的一行的序号")
			}
		} else if len(plan) > 0 {
			bad(OrgSummary, row, colParentNo, "", "只有第一行(最上级的党组织)可以不填上级党组织序号")
		}
		name, secretary := m["党组织名称"], m["党组织书记"]
		if name == "" {
			bad(OrgSummary, row, "党组织名称", "", "党组织名称不能为空")
		}
		typ, ok := vocab.OrgTypes.Parse(m["组织类别"])
		if !ok {
			bad(OrgSummary, row, "组织类别", m["组织类别"], "组织类别应为"+vocab.OrgTypes.Labels()+"之一")
		}
		founded, err := spreadsheet.ParseDate(m[colFounded])
		if err != nil {
			bad(OrgSummary, row, colFounded, m[colFounded], err.Error())
		}
		p.in = org.Input{Name: &name, Type: &typ, Secretary: &secretary}
		if !founded.IsZero() {
			p.in.FoundedOn = &founded
		}
		names, types, codes := split(m["单位名称"]), split(m["单位性质类别"]), split(m["法人单位统一社会信用代码"])
		for k, un := range names {
			u := org.UnitInput{Name: &un}
			t := "other"
			if k < len(types) {
				if t, ok = vocab.UnitTypes.Parse(types[k]); !ok {
					bad(OrgSummary, row, "单位性质类别", types[k], "单位性质类别应为"+vocab.UnitTypes.Labels()+"之一")
				}
			}
			u.Type = &t
			if k < len(codes) {
				u.CreditCode = &codes[k]
			}
			p.units = append(p.units, u)
		}
		plan = append(plan, p)
	}
	groups := map[int][][]string{} // by organisation number: the member rows as a roster file
	rowsOf := map[int][]int{}
	for i, m := range memberRows {
		seq, err := strconv.Atoi(m[colOrgNo])
		if err != nil || !seen[seq] {
			bad(MemberSummary, i+2, colOrgNo, m[colOrgNo], "所在党组织序号应为党组织汇总表中的一个序号")
			continue
		}
		groups[seq] = append(groups[seq], []string{m["姓名"], m["性别"], m["公民身份号码"], m["民族"], m["出生日期"], m["学历"], m["人员类别"],
			m["入党日期"], m["转为正式党员日期"], m["工作岗位"], m["联系电话"], m["是否为流动党员"], m[colFlow]})
		rowsOf[seq] = append(rowsOf[seq], i+2)
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	files := map[int][]byte{}
	for seq, rows := range groups {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write([]string{string(spreadsheet.FName), string(spreadsheet.FSex), string(spreadsheet.FID), string(spreadsheet.FEthnicity),
			string(spreadsheet.FBirth), string(spreadsheet.FEducation), string(spreadsheet.FCategory), string(spreadsheet.FJoined),
			string(spreadsheet.FFull), string(spreadsheet.FPost), string(spreadsheet.FPhone), string(spreadsheet.FMobile), string(spreadsheet.FMobileDest)})
		_ = w.WriteAll(rows)
		w.Flush()
		files[seq] = buf.Bytes()
	}
	// load writes the tree, then each organisation's members, into db; its
	// errors are the member rows refused, by their row in the summary.
	load := func(db *store.DB) (CollectionReport, error) {
		var out CollectionReport
		orgs := &org.Service{DB: db, Now: orgs.Now}
		mem := *im.Members
		mem.DB, mem.Orgs = db, orgs
		imp := &spreadsheet.Importer{DB: db, Orgs: orgs, Members: &mem}
		ids := map[int]int64{}
		for _, p := range plan {
			if p.parent > 0 {
				parent := ids[p.parent]
				p.in.ParentID = &parent
			}
			o, err := orgs.Create(ctx, store.All, p.in)
			if err != nil {
				return out, err
			}
			ids[p.seq] = o.ID
			for _, u := range p.units {
				u.OrgID, u.CoveringOrgID = &o.ID, &o.ID
				if _, err := orgs.SaveUnit(ctx, store.All, 0, u); err != nil {
					return out, err
				}
			}
			out.Orgs++
		}
		for _, p := range plan {
			if files[p.seq] == nil {
				continue
			}
			r, err := imp.ImportFile(ctx, store.All, "采集表.csv", files[p.seq], spreadsheet.Options{OrgID: ids[p.seq], Mode: "all"})
			if err != nil {
				return out, err
			}
			for _, e := range r.Errors {
				if e.Row >= 2 && e.Row-2 < len(rowsOf[p.seq]) {
					e.Row = rowsOf[p.seq][e.Row-2]
				}
				e.Column = MemberSummary + "·" + e.Column
				out.Errors = append(out.Errors, e)
			}
			out.Members += r.Added
		}
		return out, nil
	}
	// First into a scratch database, so that the one imported into is
	// written only once every row has gone in.
	dir, err := os.MkdirTemp("", "dangjian-collection-")
	if err != nil {
		return rep, fmt.Errorf("make a folder for the scratch database: %w", err)
	}
	defer os.RemoveAll(dir)
	scratch, err := store.Open(ctx, filepath.Join(dir, "check.db"))
	if err != nil {
		return rep, err
	}
	defer scratch.Close()
	if _, err := scratch.Migrate(ctx); err != nil {
		return rep, fmt.Errorf("migrate the scratch database: %w", err)
	}
	tried, err := load(scratch)
	if err != nil {
		return rep, err
	}
	if len(tried.Errors) > 0 {
		rep.Errors = tried.Errors
		return rep, nil
	}
	return load(db)
}

// split reads a cell listing several units, 、-separated.
func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "、") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
