package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// OrgDetail is an organisation with its breadcrumbs.
type OrgDetail struct {
	org.Org
	Ancestors []org.Org `json:"ancestors"`
}

// MoveInput names the new parent of a subtree.
type MoveInput struct {
	ParentID int64 `json:"parent_id"`
}

// DateInput carries the date of a step (today when left out).
type DateInput struct {
	On date.Date `json:"on"`
}

// Coverage is the coverage view of a subtree: the figures and the first
// units of each gap.
type Coverage struct {
	OrgID        int64      `json:"org_id"`
	Units        int64      `json:"units"`
	Covered      int64      `json:"covered"`
	GapNoOrg     int64      `json:"gap_no_org"`
	GapNoMember  int64      `json:"gap_no_member"`
	NoOrgList    []org.Unit `json:"no_org_units"`
	NoMemberList []org.Unit `json:"no_member_units"`
}

// Vocabularies are the closed value lists a client offers in its forms.
type Vocabularies struct {
	OrgTypes    vocab.Enum      `json:"org_types"`
	UnitTypes   vocab.Enum      `json:"unit_types"`
	Education   vocab.Enum      `json:"education"`
	Stages      vocab.Enum      `json:"stages"`
	Sexes       vocab.Enum      `json:"sexes"`
	Ethnicities vocab.Enum      `json:"ethnicities"`
	AgeBands    []stats.AgeBand `json:"age_bands"`
}

// Routes is the whole API.
func (a *API) Routes() []Route {
	return slices.Concat(a.registryRoutes(), a.accessRoutes(), a.rosterRoutes(), a.workRoutes(), a.duesRoutes(), a.cppccRoutes(), a.publicRoutes())
}

func (a *API) registryRoutes() []Route {
	return []Route{
		// Organisations.
		{Method: "GET", Path: "/api/v1/orgs", Perm: auth.PermOrgRead, Tag: "党组织", Summary: "最高一级党组织,或按名称、代码查找党组织",
			Query: []Param{{"q", "名称中的字或组织代码", "string"}}, Result: []org.Org{}, Handle: a.listOrgs},
		{Method: "POST", Path: "/api/v1/orgs", Perm: auth.PermOrgWrite, Tag: "党组织", Summary: "新建党组织", Body: org.Input{}, Result: org.Org{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in org.Input) (any, error) {
				return a.Orgs.Create(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/orgs/{id}", Perm: auth.PermOrgRead, Tag: "党组织", Summary: "党组织详情和上级组织路径", Result: OrgDetail{}, Handle: withID("党组织", a.getOrg)},
		{Method: "PATCH", Path: "/api/v1/orgs/{id}", Perm: auth.PermOrgWrite, Tag: "党组织", Summary: "修改党组织信息", Body: org.Input{}, Result: org.Org{},
			Handle: withIDBody("党组织", func(r *http.Request, sc store.Scope, id int64, in org.Input) (any, error) {
				return a.Orgs.Update(r.Context(), sc, id, in)
			})},
		{Method: "DELETE", Path: "/api/v1/orgs/{id}", Perm: auth.PermOrgWrite, Tag: "党组织", Summary: "撤销党组织(须无下级组织、无人员、无单位、无未办结介绍信)", Status: http.StatusNoContent,
			Handle: withID("党组织", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return nil, a.Orgs.Dissolve(r.Context(), sc, id)
			})},
		{Method: "GET", Path: "/api/v1/orgs/{id}/children", Perm: auth.PermOrgRead, Tag: "党组织", Summary: "下级党组织", Result: []org.Org{},
			Handle: withID("党组织", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Orgs.Children(r.Context(), sc, id)
			})},
		{Method: "GET", Path: "/api/v1/orgs/{id}/stats", Perm: auth.PermStatsRead, Tag: "统计", Summary: "党组织及其全部下级的实时统计",
			Query: []Param{{"year", "统计年度(年龄按该年末计算),默认今年", "integer"}}, Result: stats.View{}, Handle: withID("党组织", a.orgStats)},
		{Method: "GET", Path: "/api/v1/orgs/{id}/stats/export", Perm: auth.PermStatsRead, Tag: "统计",
			Summary: "导出党员队伍基本情况统计表 .xlsx(合计、各下级党组织、本级直属各一行,逐行相加等于合计)",
			Query:   []Param{{"year", "统计年度(年龄按该年末计算),默认今年", "integer"}}, Handle: withID("党组织", a.exportStats)},
		{Method: "GET", Path: "/api/v1/orgs/{id}/annual/export", Perm: auth.PermStatsRead, Tag: "统计",
			Summary: "导出一个期间的党内统计工作簿 .xlsx:党员队伍基本情况、党员增减、发展党员、党组织增减、流动党员、覆盖情况、基层党建工作七张表",
			Query:   []Param{{"from", "起始月份(如 2026-01),默认今年1月", "string"}, {"to", "截止月份(如 2026-12),默认今年12月", "string"}},
			Handle:  withID("党组织", a.exportAnnual)},
		{Method: "POST", Path: "/api/v1/orgs/{id}/move", Perm: auth.PermOrgWrite, Tag: "党组织", Summary: "把党组织连同下级移到新的上级之下", Body: MoveInput{}, Result: org.Org{},
			Handle: withIDBody("党组织", func(r *http.Request, sc store.Scope, id int64, in MoveInput) (any, error) {
				return a.Orgs.Move(r.Context(), sc, id, in.ParentID)
			})},

		// Units and coverage.
		{Method: "GET", Path: "/api/v1/units", Perm: auth.PermUnitRead, Tag: "单位", Summary: "单位列表",
			Query: describe(pageParams(), Param{"org", "党组织ID(含下级)", "integer"}, Param{"type", "单位类别", "string"},
				Param{"gap", "覆盖情况:covered、no_org(有党员无组织)、no_member(有企业无党员)", "string"}, Param{"q", "名称中的字", "string"}),
			Result: store.List[org.Unit]{}, Handle: a.listUnits},
		{Method: "POST", Path: "/api/v1/units", Perm: auth.PermUnitWrite, Tag: "单位", Summary: "登记单位", Body: org.UnitInput{}, Result: org.Unit{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in org.UnitInput) (any, error) {
				return a.Orgs.SaveUnit(r.Context(), sc, 0, in)
			})},
		{Method: "GET", Path: "/api/v1/units/{id}", Perm: auth.PermUnitRead, Tag: "单位", Summary: "单位详情", Result: org.Unit{},
			Handle: withID("单位", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Orgs.GetUnit(r.Context(), sc, id)
			})},
		{Method: "PATCH", Path: "/api/v1/units/{id}", Perm: auth.PermUnitWrite, Tag: "单位", Summary: "修改单位信息(covering_org_id 为0表示无党组织覆盖)", Body: org.UnitInput{}, Result: org.Unit{},
			Handle: withIDBody("单位", func(r *http.Request, sc store.Scope, id int64, in org.UnitInput) (any, error) {
				return a.Orgs.SaveUnit(r.Context(), sc, id, in)
			})},
		{Method: "GET", Path: "/api/v1/coverage", Perm: auth.PermUnitRead, Tag: "单位", Summary: "党组织覆盖情况:有企业无党员、有党员无组织",
			Query: []Param{{"org", "党组织ID,默认为您管理范围的最高一级", "integer"}}, Result: Coverage{}, Handle: a.coverage},
		{Method: "GET", Path: "/api/v1/orgs/{id}/coverage/export", Perm: auth.PermUnitRead, Tag: "单位",
			Summary: "导出党组织覆盖情况统计表 .xlsx(合计、各下级党组织、本级直属各一行,逐行相加等于合计)", Handle: withID("党组织", a.exportCoverage)},

		// Members.
		{Method: "GET", Path: "/api/v1/members", Perm: auth.PermMemberRead, Tag: "党员", Summary: "党员和发展对象名册,可按姓名、拼音、首字母或公民身份号码查找",
			Query: describe(pageParams(), append([]Param{{"org", "党组织ID(含下级)", "integer"}, {"category", "member(党员)、full、probationary", "string"}},
				memberParams...)...),
			Result: store.List[member.Member]{}, Handle: a.listMembers},
		{Method: "POST", Path: "/api/v1/members", Perm: auth.PermMemberWrite, Tag: "党员", Summary: "登记党员或入党申请人(性别、出生日期可由公民身份号码得出)", Body: member.Input{}, Result: member.Member{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in member.Input) (any, error) {
				return a.Members.Create(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/members/{id}", Perm: auth.PermMemberRead, Tag: "党员", Summary: "人员详情(公民身份号码和电话已遮蔽)", Result: member.Member{},
			Handle: withID("人员", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Members.Get(r.Context(), sc, id)
			})},
		{Method: "PATCH", Path: "/api/v1/members/{id}", Perm: auth.PermMemberWrite, Tag: "党员", Summary: "修改人员基本信息", Body: member.Input{}, Result: member.Member{},
			Handle: withIDBody("人员", func(r *http.Request, sc store.Scope, id int64, in member.Input) (any, error) {
				return a.Members.Update(r.Context(), sc, id, in)
			})},
		{Method: "GET", Path: "/api/v1/members/{id}/history", Perm: auth.PermMemberRead, Tag: "发展党员", Summary: "发展各阶段记录", Result: []member.StageEvent{},
			Handle: withID("人员", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Members.History(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/members/{id}/steps", Perm: auth.PermMemberWrite, Tag: "发展党员",
			Summary: "办理发展步骤:activist 确定为积极分子、candidate 列为发展对象、admit 接收为预备党员、confirm 转正、extend 延长预备期、cancel 取消预备党员资格",
			Body:    member.Step{}, Result: member.Member{},
			Handle: withIDBody("人员", func(r *http.Request, sc store.Scope, id int64, in member.Step) (any, error) {
				return a.Members.Advance(r.Context(), sc, id, in)
			})},

		// Mobile members.
		{Method: "GET", Path: "/api/v1/mobile", Perm: auth.PermMemberRead, Tag: "流动党员", Summary: "流动党员登记",
			Query: describe(pageParams(), Param{"org", "党组织ID(含下级)", "integer"}, Param{"kind", "out 流出、in 流入", "string"},
				Param{"ended", "1 表示已结束的登记", "boolean"}, Param{"member", "某名党员的全部登记", "integer"}),
			Result: store.List[member.Mobile]{}, Handle: a.listMobile},
		{Method: "POST", Path: "/api/v1/mobile", Perm: auth.PermMemberWrite, Tag: "流动党员", Summary: "登记流出或流入党员", Body: member.MobileInput{}, Result: member.Mobile{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in member.MobileInput) (any, error) {
				return a.Members.RegisterMobile(r.Context(), sc, in)
			})},
		{Method: "POST", Path: "/api/v1/mobile/{id}/end", Perm: auth.PermMemberWrite, Tag: "流动党员", Summary: "结束流动登记", Body: DateInput{}, Result: member.Mobile{},
			Handle: withIDBody("流动党员登记", func(r *http.Request, sc store.Scope, id int64, in DateInput) (any, error) {
				return a.Members.EndMobile(r.Context(), sc, id, in.On)
			})},

		// Transfers.
		{Method: "GET", Path: "/api/v1/transfers", Perm: auth.PermMemberRead, Tag: "组织关系转接", Summary: "组织关系介绍信",
			Query: describe(pageParams(), Param{"org", "党组织ID(含下级)", "integer"}, Param{"status", "pending、received、cancelled", "string"},
				Param{"direction", "out 转出、in 转入", "string"}, Param{"risk", "1 表示只看过了有效期未接收(口袋党员风险)", "boolean"},
				Param{"member", "某名党员的介绍信", "integer"}),
			Result: store.List[member.Transfer]{}, Handle: a.listTransfers},
		{Method: "POST", Path: "/api/v1/transfers", Perm: auth.PermMemberWrite, Tag: "组织关系转接", Summary: "开具组织关系介绍信(转往系统内党组织或系统外)", Body: member.IssueInput{}, Result: member.Transfer{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in member.IssueInput) (any, error) {
				return a.Members.Issue(r.Context(), sc, in)
			})},
		{Method: "POST", Path: "/api/v1/transfers/incoming", Perm: auth.PermMemberWrite, Tag: "组织关系转接", Summary: "接收系统外转入的介绍信并登记该党员", Body: member.IncomingInput{}, Result: member.Transfer{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in member.IncomingInput) (any, error) {
				return a.Members.ReceiveIncoming(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/transfers/{id}", Perm: auth.PermMemberRead, Tag: "组织关系转接", Summary: "介绍信详情", Result: member.Transfer{},
			Handle: withID("组织关系介绍信", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Members.GetTransfer(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/transfers/{id}/receive", Perm: auth.PermMemberWrite, Tag: "组织关系转接", Summary: "接收介绍信(系统内:党员转入本组织;转往系统外:登记回执)", Body: DateInput{}, Result: member.Transfer{},
			Handle: withIDBody("组织关系介绍信", func(r *http.Request, sc store.Scope, id int64, in DateInput) (any, error) {
				return a.Members.Receive(r.Context(), sc, id, in.On)
			})},
		{Method: "POST", Path: "/api/v1/transfers/{id}/unreceive", Perm: auth.PermMemberWrite, Tag: "组织关系转接", Summary: "撤销接收(接收后24小时内,且党员未再有变动):党员回到开具的党组织,介绍信重新待接收", Result: member.Transfer{},
			Handle: withID("组织关系介绍信", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Members.UndoReceive(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/transfers/{id}/cancel", Perm: auth.PermMemberWrite, Tag: "组织关系转接", Summary: "撤回未接收的介绍信", Result: member.Transfer{},
			Handle: withID("组织关系介绍信", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Members.Cancel(r.Context(), sc, id)
			})},

		{Method: "GET", Path: "/api/v1/vocabularies", Perm: auth.PermAuth, Tag: "字典", Summary: "组织类别、单位类别、学历、发展阶段、民族等取值", Result: Vocabularies{},
			Handle: func(*http.Request, store.Scope) (any, error) {
				return Vocabularies{vocab.OrgTypes, vocab.UnitTypes, vocab.Education, vocab.Stages, vocab.Sexes, vocab.Ethnicities, stats.AgeBands}, nil
			}},
	}
}

func (a *API) listOrgs(r *http.Request, sc store.Scope) (any, error) {
	if q := r.URL.Query().Get("q"); q != "" {
		return a.Orgs.Search(r.Context(), sc, q, 50)
	}
	return a.Orgs.Roots(r.Context(), sc)
}

func (a *API) getOrg(r *http.Request, sc store.Scope, id int64) (any, error) {
	o, err := a.Orgs.Get(r.Context(), sc, id)
	if err != nil {
		return nil, err
	}
	anc, err := a.Orgs.Ancestors(r.Context(), sc, o)
	if anc == nil {
		anc = []org.Org{}
	}
	return OrgDetail{Org: o, Ancestors: anc}, err
}

func (a *API) orgStats(r *http.Request, sc store.Scope, id int64) (any, error) {
	q := params{r: r}
	year := q.int("year")
	if q.err != nil {
		return nil, q.err
	}
	if year == 0 {
		year = int64(date.Of(a.now()).Year())
	}
	version, now := stats.Changes(), a.now()
	if body, path, ok := a.figures.get(id, year, version, now); ok && sc.Contains(path) {
		return body, nil
	}
	o, err := a.Orgs.Get(r.Context(), sc, id)
	if err != nil {
		return nil, err
	}
	// The callers that miss the cache at once wait for one read of the
	// figures (on a cluster a root's is a read of every province's shard),
	// not one read each; the read goes on if its first caller leaves.
	body, err, _ := a.figures.flight.Do(fmt.Sprintf("%d/%d/%d", id, year, version), func() (any, error) {
		m, err := stats.Read(context.WithoutCancel(r.Context()), a.DB, o.Path)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := encoder(&buf).Encode(stats.NewView(id, m, int(year))); err != nil {
			return nil, err
		}
		a.figures.put(id, year, o.Path, buf.Bytes(), version, now)
		return json.RawMessage(buf.Bytes()), nil
	})
	return body, err
}

// figuresTTL bounds how long the figures of an organisation are answered
// from memory. A change of figures made in this process empties the cache
// at once (stats.Changes); one made by another process shows within this time.
const figuresTTL = time.Second

// figuresCache keeps the encoded figures of the organisations asked for
// most recently, with the path that decides who may read them.
type figuresCache struct {
	mu     sync.Mutex
	m      map[[2]int64]cachedFigures
	flight singleflight.Group
}

type cachedFigures struct {
	body    json.RawMessage
	path    string
	version uint64
	at      time.Time
}

func (c *figuresCache) get(org, year int64, version uint64, now time.Time) (json.RawMessage, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.m[[2]int64{org, year}]
	if !ok || f.version != version || now.Sub(f.at) >= figuresTTL || now.Before(f.at) {
		return nil, "", false
	}
	return f.body, f.path, true
}

func (c *figuresCache) put(org, year int64, path string, body []byte, version uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 10000 {
		c.m = map[[2]int64]cachedFigures{}
	}
	c.m[[2]int64{org, year}] = cachedFigures{body: body, path: path, version: version, at: now}
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *API) listUnits(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	f := org.UnitFilter{OrgID: q.int("org"), Type: q.str("type"), Gap: q.str("gap"), Q: q.str("q")}
	p := q.page()
	if q.err != nil {
		return nil, q.err
	}
	return a.Orgs.ListUnits(r.Context(), sc, f, p)
}

func (a *API) coverage(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	orgID := q.int("org")
	if q.err != nil {
		return nil, q.err
	}
	o, err := a.Orgs.GetOrTop(r.Context(), sc, orgID)
	if err != nil {
		return nil, err
	}
	orgID = o.ID
	m, err := stats.Read(r.Context(), a.DB, o.Path)
	if err != nil {
		return nil, err
	}
	c := Coverage{OrgID: orgID, Units: m[stats.KUnits], Covered: m[stats.KCovered], GapNoOrg: m[stats.KGapNoOrg], GapNoMember: m[stats.KGapNoMember]}
	for _, g := range []struct {
		gap string
		dst *[]org.Unit
	}{{"no_org", &c.NoOrgList}, {"no_member", &c.NoMemberList}} {
		l, err := a.Orgs.ListUnits(r.Context(), sc, org.UnitFilter{OrgID: orgID, Gap: g.gap}, store.Page{Size: 20})
		if err != nil {
			return nil, err
		}
		*g.dst = l.Items
	}
	return c, nil
}

// memberParams are the roster's filters (memberFilter) but its category.
var memberParams = []Param{{"q", "姓名中的字、全拼或首字母前缀、完整的公民身份号码", "string"}, {"stage", "发展阶段", "string"},
	{"mobile", "1 表示只看流出党员", "boolean"}, {"probation_due", "预备期在多少天内届满(含已届满)的预备党员", "integer"}, {"status", "active(默认)、transferred_out、cancelled、deceased、expelled、removed、withdrawn、suspended", "string"},
	{"sort", "name、id、birth_date、joined_on", "string"}, {"desc", "1 表示倒序", "boolean"}}

// memberFilter reads the roster's filters, as the list and its export take them.
func memberFilter(q *params) member.Filter {
	return member.Filter{OrgID: q.int("org"), Q: q.str("q"), Stage: q.str("stage"), Category: q.str("category"), Mobile: q.bool("mobile"),
		Status: q.str("status"), Sort: q.str("sort"), Desc: q.bool("desc"), ProbationDue: int(q.intIn("probation_due", 0, 366))}
}

func (a *API) listMembers(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	f := memberFilter(&q)
	p := q.page()
	if q.err != nil {
		return nil, q.err
	}
	if !member.PartSearch(f.Q) {
		return a.Members.List(r.Context(), sc, f, p)
	}
	// A search by a part of an ID number or a phone reads where the caller may reveal them.
	id, _ := auth.IdentityFrom(r.Context())
	var out store.List[member.Member]
	f.Reveal = true
	err := id.WithinReading(auth.PermMemberRead, auth.PermMemberReveal, true, member.ErrPartSearch, func(reveal store.Scope) error {
		var err error
		out, err = a.Members.List(r.Context(), reveal, f, p)
		return err
	})
	return out, err
}

func (a *API) listMobile(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	f := member.MobileFilter{OrgID: q.int("org"), Kind: q.str("kind"), Ended: q.bool("ended"), Member: q.int("member")}
	p := q.page()
	if q.err != nil {
		return nil, q.err
	}
	return a.Members.ListMobile(r.Context(), sc, f, p)
}

func (a *API) listTransfers(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	f := member.TransferFilter{OrgID: q.int("org"), Status: q.str("status"), Direction: q.str("direction"), Risk: q.bool("risk"), Member: q.int("member")}
	p := q.page()
	if q.err != nil {
		return nil, q.err
	}
	return a.Members.ListTransfers(r.Context(), sc, f, p)
}
