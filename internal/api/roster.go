package api

import (
	"io"
	"net/http"
	"path/filepath"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/collection"
	"dangjian/internal/date"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/stats/tables"
	"dangjian/internal/store"
)

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

func (a *API) rosterRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/members/import", Tag: "名册", Perm: auth.PermMemberWrite,
			Summary: "导入党员名册(.xlsx、.xls 或 .csv,请求体为文件本身,filename 参数给出文件名);先全部检查,再全部写入或只写入正确的行",
			Query: []Param{{"org", "名册所属的党组织编号", "integer"}, {"filename", "文件名,用于识别 .xlsx、.xls 或 .csv", "string"},
				{"mode", "all(默认,有错误则一行都不写)或 valid(只写入正确的行)", "string"}, {"dry_run", "1 表示只检查不写入", "boolean"}},
			Result: spreadsheet.Report{}, MaxBody: spreadsheet.MaxFile, Handle: a.importMembers},
		{Method: "GET", Path: "/api/v1/members/import-template", Tag: "名册", Perm: auth.PermMemberWrite,
			Summary: "下载党员名册导入模板 .xlsx(性别、民族、学历、人员类别等列带下拉选项)",
			Handle: func(*http.Request, store.Scope) (any, error) {
				return Download{Name: "党员名册导入模板.xlsx", ContentType: xlsxType,
					Write: spreadsheet.WriteTemplate}, nil
			}},
		{Method: "GET", Path: "/api/v1/members/export", Tag: "名册", Perm: auth.PermMemberRead,
			Summary: "导出党员花名册 .xlsx(身份证号码只显示前6位,出生日期只显示年月,电话遮蔽)",
			Query:   exportParams(), Handle: func(r *http.Request, sc store.Scope) (any, error) { return a.exportMembers(r, sc, "") }},
		{Method: "POST", Path: "/api/v1/members/export/full", Tag: "名册", Perm: auth.PermMemberReveal,
			Summary: "导出含完整公民身份号码、出生日期和电话的花名册 .xlsx(须写明用途,连同用途记入审计日志)",
			Query:   exportParams(), Body: FullExport{}, Handle: withBody(func(r *http.Request, sc store.Scope, in FullExport) (any, error) {
				reason, err := spreadsheet.FullReason(in.Reason)
				if err != nil {
					return nil, err
				}
				return a.exportMembers(r, sc, reason)
			})},
		{Method: "POST", Path: "/api/v1/orgs/{id}/collection/export", Tag: "名册", Perm: auth.PermMemberReveal,
			Summary: "导出党组织和党员基本信息采集表 .xlsx(2017年全国党员信息采集的四张表,含完整公民身份号码和电话;须写明用途,连同用途记入审计日志)",
			Body:    FullExport{}, Handle: withIDBody("党组织", func(r *http.Request, sc store.Scope, id int64, in FullExport) (any, error) {
				reason, err := spreadsheet.FullReason(in.Reason)
				if err != nil {
					return nil, err
				}
				o, err := a.Orgs.Get(r.Context(), sc, id)
				if err != nil {
					return nil, err
				}
				name, write, err := collection.CollectionExport(r.Context(), a.DB, a.Orgs, a.Members, sc, o, reason)
				if err != nil {
					return nil, err
				}
				return Download{Name: name, ContentType: xlsxType, Write: write}, nil
			})},
	}
}

func (a *API) importMembers(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	orgID, mode, name := q.int("org"), q.str("mode"), q.str("filename")
	if q.err != nil {
		return nil, q.err
	}
	if name == "" {
		return nil, apperr.InvalidField("filename", "请给出文件名(filename 参数),以便识别 .xlsx、.xls 或 .csv")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, spreadsheet.MaxFile))
	if err != nil {
		return nil, apperr.New("too_large", http.StatusRequestEntityTooLarge, "文件过大")
	}
	im := &spreadsheet.Importer{DB: a.DB, Orgs: a.Orgs, Members: a.Members}
	return im.ImportFile(r.Context(), sc, filepath.Base(name), raw, spreadsheet.Options{OrgID: orgID, Mode: mode, DryRun: q.bool("dry_run")})
}

// FullExport is why a roster with full numbers is exported.
type FullExport struct {
	Reason string `json:"reason"`
}

func exportParams() []Param {
	return append([]Param{{"org", "党组织编号(含全部下级)", "integer"},
		{"category", "member(党员,默认)、full、probationary,all 表示全部人员(含入党申请人等)", "string"}}, memberParams...)
}

// exportMembers downloads the roster as the list finds it; with a reason,
// the full numbers of a role that may reveal them.
func (a *API) exportMembers(r *http.Request, sc store.Scope, reason string) (any, error) {
	q := params{r: r}
	f := memberFilter(&q)
	if q.err != nil {
		return nil, q.err
	}
	switch {
	case !r.URL.Query().Has("category"):
		f.Category = "member"
	case f.Category == "all":
		f.Category = ""
	}
	o, err := a.Orgs.Get(r.Context(), sc, f.OrgID)
	if err != nil {
		return nil, err
	}
	name, write, err := spreadsheet.MembersExport(r.Context(), a.DB, a.Members, sc, o, f, reason)
	if err != nil {
		return nil, err
	}
	return Download{Name: name, ContentType: xlsxType, Write: write}, nil
}

func (a *API) exportStats(r *http.Request, sc store.Scope, id int64) (any, error) {
	q := params{r: r}
	year := q.int("year")
	if q.err != nil {
		return nil, q.err
	}
	return a.statsTable(r, sc, id, tables.MembersLayout(int(year), date.Of(a.now())))
}

func (a *API) exportWorkStats(r *http.Request, sc store.Scope, id int64) (any, error) {
	return a.statsTable(r, sc, id, tables.WorkLayout(r.URL.Query().Get("from"), r.URL.Query().Get("to"), date.Of(a.now())))
}

func (a *API) exportCoverage(r *http.Request, sc store.Scope, id int64) (any, error) {
	return a.statsTable(r, sc, id, tables.CoverageLayout(date.Of(a.now())))
}

func (a *API) exportAnnual(r *http.Request, sc store.Scope, id int64) (any, error) {
	today := date.Of(a.now())
	d := tables.DaysOf(r.URL.Query().Get("from"), r.URL.Query().Get("to"), today)
	sheets, err := tables.Workbook(r.Context(), a.DB, a.Orgs, sc, id, d, today)
	if err != nil {
		return nil, err
	}
	o := sheets[0].Table.Org
	if err := audit.Append(r.Context(), a.DB, audit.Event{Action: "export", ObjectType: "stats", ObjectID: o.ID, OrgPath: o.Path,
		Detail: map[string]any{"table": "党内统计工作簿", "note": d.From.String() + " 至 " + d.To.String()}}); err != nil {
		return nil, err
	}
	return Download{Name: tables.WorkbookName(o, d), ContentType: xlsxType,
		Write: func(w io.Writer) error { return tables.WriteWorkbook(w, sheets) }}, nil
}

// statsTable downloads a statistics table of an organisation in scope, as
// the audit trail records.
func (a *API) statsTable(r *http.Request, sc store.Scope, id int64, l tables.StatsLayout) (any, error) {
	t, err := tables.ReadStats(r.Context(), a.DB, a.Orgs, sc, id)
	if err != nil {
		return nil, err
	}
	if err := audit.Append(r.Context(), a.DB, audit.Event{Action: "export", ObjectType: "stats", ObjectID: t.Org.ID, OrgPath: t.Org.Path,
		Detail: map[string]any{"table": l.Title, "note": l.Note}}); err != nil {
		return nil, err
	}
	return Download{Name: tables.StatsFileName(t, l, date.Of(a.now())), ContentType: xlsxType,
		Write: func(w io.Writer) error { return tables.WriteStats(w, t, l) }}, nil
}
