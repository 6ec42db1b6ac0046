package api

import (
	"io"
	"net/http"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// WorkFigures is the work summary of a subtree for a period.
type WorkFigures struct {
	OrgID int64       `json:"org_id"`
	From  string      `json:"from"`
	To    string      `json:"to"`
	Lines []work.Line `json:"lines"`
	Live  work.Live   `json:"live"`
}

const kindsDesc = "kind 为记录类别:links 联系指导、visits 走访慰问、pairings 结对帮扶、pairing_items 承诺事项、pairing_progress 进展记录、" +
	"funds 专项资金、disbursements 资金发放、cobuilds 共建协议、cobuild_items 共建事项、posts 示范岗与责任区、activities 志愿服务与公益活动、" +
	"activity_people 参加人员、trainings 教育培训、training_people 参训人员、sites 远程教育站点、exchanges 干部交流、cultivations 三个培养、" +
	"candidates 党务工作者人才库、talent_requests 企业用人需求、selections 双向选择、reviews 年度述职;各类别的字段见 GET /api/v1/work"

func workListParams() []Param {
	return describe(pageParams(), Param{"org", "党组织ID(含下级)", "integer"}, Param{"parent", "上级记录ID(如某一结对的承诺事项)", "integer"},
		Param{"from", "起始日期(按该类记录的日期)", "string"}, Param{"to", "截止日期", "string"}, Param{"q", "文字中包含", "string"},
		Param{"view", "筛选,如承诺事项的 overdue(已逾期)、soon(七日内到期)、open(未兑现)", "string"})
}

func (a *API) workRoutes() []Route {
	record := map[string]any{}
	return []Route{
		{Method: "GET", Path: "/api/v1/work", Perm: auth.PermWorkRead, Tag: "基层工作", Summary: "基层工作记录的类别、字段、取值和操作", Result: []work.KindDoc{},
			Handle: func(*http.Request, store.Scope) (any, error) { return work.Docs(), nil }},
		{Method: "GET", Path: "/api/v1/work/{kind}", Perm: auth.PermWorkRead, Tag: "基层工作", Summary: "某类记录的列表,最新的在前。" + kindsDesc,
			Query: workListParams(), KindQuery: true, Result: store.List[map[string]any]{}, Handle: withKind(a.listWork)},
		{Method: "POST", Path: "/api/v1/work/{kind}", Perm: auth.PermWorkWrite, Tag: "基层工作",
			Summary: "新增记录:顶层记录给出 org_id,下级记录(如承诺事项)给出 parent_id;金额以分为单位;党员可填编号或姓名", Body: record, Result: record, Status: http.StatusCreated,
			Handle: withKind(func(r *http.Request, sc store.Scope, k *work.Kind) (any, error) {
				var in work.Input
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return a.Work.Save(r.Context(), sc, k, 0, in)
			})},
		{Method: "GET", Path: "/api/v1/work/{kind}/export", Perm: auth.PermWorkRead, Tag: "基层工作", Summary: "导出某类记录为 .xlsx(筛选条件同列表)",
			Query: workListParams()[:6], KindQuery: true, Handle: withKind(a.exportWork)},
		{Method: "GET", Path: "/api/v1/work/{kind}/{id}", Perm: auth.PermWorkRead, Tag: "基层工作", Summary: "记录详情", Result: record,
			Handle: withKindID(func(r *http.Request, sc store.Scope, k *work.Kind, id int64) (any, error) {
				return a.Work.Get(r.Context(), sc, k, id)
			})},
		{Method: "PATCH", Path: "/api/v1/work/{kind}/{id}", Perm: auth.PermWorkWrite, Tag: "基层工作", Summary: "修改记录(只改给出的字段)", Body: record, Result: record,
			Handle: withKindID(func(r *http.Request, sc store.Scope, k *work.Kind, id int64) (any, error) {
				var in work.Input
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return a.Work.Save(r.Context(), sc, k, id, in)
			})},
		{Method: "DELETE", Path: "/api/v1/work/{kind}/{id}", Perm: auth.PermWorkWrite, Tag: "基层工作", Summary: "删除误录的记录(其下无记录、未审批的才能删除)", Status: http.StatusNoContent,
			Handle: withKindID(func(r *http.Request, sc store.Scope, k *work.Kind, id int64) (any, error) {
				return nil, a.Work.Delete(r.Context(), sc, k, id)
			})},
		{Method: "POST", Path: "/api/v1/work/{kind}/{id}/{action}", Perm: auth.PermWorkWrite, Tag: "基层工作",
			Summary: "办理记录的步骤:承诺事项 start、fulfil;共建事项 done;双向选择 choose、accept、appoint(带 pay_grade、contract、duty_letter)、decline(带 declined_by)",
			Body:    record, Result: record, Handle: withKindID(a.act)},
		{Method: "POST", Path: "/api/v1/work/disbursements/{id}/{action}", Perm: auth.PermFundApprove, Tag: "基层工作",
			Summary: "审批资金发放:approve 批准、reject 驳回;须由录入人以外的用户办理,余额不足时拒绝", Body: record, Result: record,
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				k, _ := work.KindOf("disbursements")
				id, err := pathID(r, k.Noun)
				if err != nil {
					return nil, err
				}
				return a.act(r, sc, k, id)
			}},
		{Method: "GET", Path: "/api/v1/orgs/{id}/work", Perm: auth.PermStatsRead, Tag: "统计", Summary: "党组织及其全部下级的基层工作统计(期间内的数和当前的数)",
			Query: []Param{{"from", "起始月份,如 2026-01;默认今年1月", "string"}, {"to", "截止月份,默认本月", "string"}}, Result: WorkFigures{},
			Handle: withID("党组织", a.workFigures)},
		{Method: "GET", Path: "/api/v1/orgs/{id}/work/export", Perm: auth.PermStatsRead, Tag: "统计",
			Summary: "导出基层党建工作统计表 .xlsx(合计、各下级党组织、本级直属各一行,逐行相加等于合计;金额以元计)",
			Query:   []Param{{"from", "起始月份,如 2026-01;默认今年1月", "string"}, {"to", "截止月份,默认本月", "string"}}, Handle: withID("党组织", a.exportWorkStats)},
		{Method: "GET", Path: "/api/v1/orgs/{id}/unlinked", Perm: auth.PermWorkRead, Tag: "基层工作", Summary: "当前无人联系的基层党组织",
			Query: pageParams(), Result: store.List[work.Branch]{},
			Handle: withID("党组织", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				p, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return a.Work.Unlinked(r.Context(), sc, id, p)
			})},
		{Method: "POST", Path: "/api/v1/attachments", Perm: auth.PermWorkWrite, Tag: "基层工作",
			Summary: "上传附件(请求体为文件本身,不超过10MB;接受 " + work.AllowedTypes + "),返回的 id 填入记录的附件字段",
			Query:   []Param{{"org", "附件所属的党组织编号", "integer"}, {"filename", "文件名", "string"}}, Result: work.Attachment{}, Status: http.StatusCreated,
			MaxBody: work.MaxAttachment + 1, Handle: a.upload},
		{Method: "GET", Path: "/api/v1/attachments/{id}", Perm: auth.PermWorkRead, Tag: "基层工作", Summary: "下载附件",
			Handle: withID("附件", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				at, data, err := a.Work.Download(r.Context(), sc, id)
				if err != nil {
					return nil, err
				}
				return Download{Name: at.Name, ContentType: "application/octet-stream", Write: func(w io.Writer) error {
					_, err := w.Write(data)
					return err
				}}, nil
			})},
	}
}

// withKind adapts a handler that needs the kind named in the path.
func withKind(fn func(r *http.Request, sc store.Scope, k *work.Kind) (any, error)) Handler {
	return func(r *http.Request, sc store.Scope) (any, error) {
		k, ok := work.KindOf(r.PathValue("kind"))
		if !ok {
			return nil, apperr.New("no_route", http.StatusNotFound, "没有“%s”这类记录", r.PathValue("kind"))
		}
		return fn(r, sc, k)
	}
}

// withKindID adapts a handler that needs the kind and the record id in the path.
func withKindID(fn func(r *http.Request, sc store.Scope, k *work.Kind, id int64) (any, error)) Handler {
	return withKind(func(r *http.Request, sc store.Scope, k *work.Kind) (any, error) {
		id, err := pathID(r, k.Noun)
		if err != nil {
			return nil, err
		}
		return fn(r, sc, k, id)
	})
}

func (a *API) act(r *http.Request, sc store.Scope, k *work.Kind, id int64) (any, error) {
	in := work.Input{}
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return nil, err
		}
	}
	return a.Work.Act(r.Context(), sc, k, id, r.PathValue("action"), in)
}

// workFilter reads the list parameters (see work.FilterOf) and the page.
func workFilter(r *http.Request, k *work.Kind) (work.Filter, store.Page, error) {
	f, err := work.FilterOf(k, r.URL.Query())
	if err != nil {
		return f, store.Page{}, err
	}
	q := params{r: r}
	p := q.page()
	return f, p, q.err
}

func (a *API) listWork(r *http.Request, sc store.Scope, k *work.Kind) (any, error) {
	f, p, err := workFilter(r, k)
	if err != nil {
		return nil, err
	}
	return a.Work.List(r.Context(), sc, k, f, p)
}

func (a *API) exportWork(r *http.Request, sc store.Scope, k *work.Kind) (any, error) {
	f, _, err := workFilter(r, k)
	if err != nil {
		return nil, err
	}
	o, err := a.Orgs.GetOrTop(r.Context(), sc, f.OrgID)
	if err != nil {
		return nil, err
	}
	name, write, err := spreadsheet.WorkExport(r.Context(), a.DB, a.Work, sc, k, f, o)
	if err != nil {
		return nil, err
	}
	return Download{Name: name, ContentType: xlsxType, Write: write}, nil
}

func (a *API) workFigures(r *http.Request, sc store.Scope, id int64) (any, error) {
	o, err := a.Orgs.Get(r.Context(), sc, id)
	if err != nil {
		return nil, err
	}
	from, to := work.Period(r.URL.Query().Get("from"), r.URL.Query().Get("to"), a.Work.Today())
	m, err := stats.Read(r.Context(), a.DB, o.Path)
	if err != nil {
		return nil, err
	}
	live, err := a.Work.LiveFigures(r.Context(), sc, id)
	return WorkFigures{OrgID: id, From: from, To: to, Lines: work.Summarize(m, from, to), Live: live}, err
}

func (a *API) upload(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	orgID, name := q.int("org"), q.str("filename")
	if q.err != nil {
		return nil, q.err
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	return a.Work.Upload(r.Context(), sc, orgID, name, data)
}
