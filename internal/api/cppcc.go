package api

import (
	"io"
	"net/http"
	"path/filepath"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/duties"
	"dangjian/internal/flow"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// CppccTag is the tag of the consultative work's routes; the permission
// matrix of internal/cppcc covers them with the CPPCC roles.
const CppccTag = "政协提案"

// Decision is the office's answer to a unit's request: keep / grant, or a unit to re-assign to.
type Decision struct {
	Grant  bool  `json:"grant"`
	UnitID int64 `json:"unit_id"`
}

// Reason is a unit's objection, extension request or co-handling opinion.
type Reason struct {
	Text  string    `json:"text"`
	Until date.Date `json:"until"`
}

// Names is a committee's list.
type Names struct {
	Names []string `json:"names"`
}

// SignAnswer is a co-signer's answer.
type SignAnswer struct {
	Confirm bool `json:"confirm"`
}

func proposalParams() []Param {
	return describe(pageParams(), Param{"committee", "政协ID", "integer"}, Param{"state", "状态,如 submitted 待审查、filed 已立案待交办、handling 办理中", "string"},
		Param{"category", "提案类别", "string"}, Param{"way", "提出方式:member、joint、party、group、special、sector", "string"},
		Param{"q", "案由中的字或提案者姓名", "string"}, Param{"overdue", "只看有承办单位逾期的", "boolean"})
}

func (a *API) proposalFilter(r *http.Request) (cppcc.Filter, store.Page, error) {
	q := params{r: r}
	f := cppcc.Filter{CommitteeID: q.int("committee"), State: q.str("state"), Category: q.str("category"), Way: q.str("way"), Q: q.str("q"), Overdue: q.bool("overdue"), Mine: q.bool("mine")}
	pg := q.page()
	if f.State != "" {
		if _, ok := cppcc.States.Parse(f.State); !ok && q.err == nil {
			q.err = apperr.InvalidField("state", "状态应为 %s 之一", cppcc.States.Labels())
		}
		f.State, _ = cppcc.States.Parse(f.State)
	}
	return f, pg, q.err
}

// period reads from and to as months (2026-01), this year by default.
func (a *API) period(r *http.Request) (cppcc.Period, error) {
	now := store.Now(a.Now).In(date.Shanghai)
	pd := cppcc.Period{From: now.Year()*100 + 1, To: now.Year()*100 + 12}
	for _, x := range []struct {
		name string
		dst  *int
	}{{"from", &pd.From}, {"to", &pd.To}} {
		v := r.URL.Query().Get(x.name)
		if v == "" {
			continue
		}
		t, err := time.Parse("2006-01", v)
		if err != nil {
			return pd, apperr.InvalidField(x.name, "参数 %s 应为年月,如 2026-03,收到“%s”", x.name, v)
		}
		*x.dst = t.Year()*100 + int(t.Month())
	}
	if pd.To < pd.From {
		return pd, apperr.InvalidField("to", "截止月份不应早于起始月份")
	}
	return pd, nil
}

// year reads the year parameter, the service's current year by default.
func (a *API) year(r *http.Request) (int, error) {
	q := params{r: r}
	if q.str("year") == "" {
		return a.Cppcc.Today().Year(), nil
	}
	y := q.intIn("year", 1990, 2100)
	return int(y), q.err
}

func (a *API) cppccRoutes() []Route {
	c := a.Cppcc
	t := CppccTag
	proposal := func(fn func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error)) Handler {
		return withID("提案", func(r *http.Request, sc store.Scope, id int64) (any, error) { return fn(r, sc, id) })
	}
	// withYear adapts a handler of a year (the year parameter, this year by default).
	withYear := func(fn func(r *http.Request, sc store.Scope, year int) (any, error)) Handler {
		return func(r *http.Request, sc store.Scope) (any, error) {
			year, err := a.year(r)
			if err != nil {
				return nil, err
			}
			return fn(r, sc, year)
		}
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/cppcc/steps", Perm: auth.PermAuth, Tag: t, Summary: "提案、联名和承办的全部状态转换:每一步从哪些状态出发、到哪个状态、由谁办理、依据什么规则",
			Result: []flow.Step{}, Handle: func(*http.Request, store.Scope) (any, error) {
				return consultation.Steps(), nil
			}},
		{Method: "GET", Path: "/api/v1/cppcc/committees", Perm: auth.PermCppccRead, Tag: t, Summary: "您范围内的政协", Result: []committee.Committee{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) { return c.Committees(r.Context(), sc) }},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/figures", Perm: auth.PermCppccRead, Tag: t,
			Summary: "政协某一时期提出的提案的统计(按提交月份;逾期数为当前):提出、立案、各类结果、满意度、重新办理,以及各承办单位",
			Query:   []Param{{"from", "起始年月,如 2026-01,默认今年1月", "string"}, {"to", "截止年月,默认今年12月", "string"}}, Result: cppcc.Figures{},
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				pd, err := a.period(r)
				if err != nil {
					return nil, err
				}
				return c.Figures(r.Context(), sc, id, pd, true)
			})},
		{Method: "PUT", Path: "/api/v1/cppcc/committees/{id}/rules", Perm: auth.PermCppccWrite, Tag: t,
			Summary: "设定政协的办理期限和履职积分:会签天数、申请调整天数、会办意见月数、答复月数、延期后最长月数、评价天数、可重新办理次数、是否使用D类、各项积分和年度上限",
			Body:    committee.Rules{}, Result: committee.Committee{}, Handle: withIDBody("政协", func(r *http.Request, sc store.Scope, id int64, in committee.Rules) (any, error) {
				return c.SetRules(r.Context(), sc, id, in)
			})},
		{Method: "PUT", Path: "/api/v1/cppcc/committees/{id}/lists/{list}", Perm: auth.PermCppccWrite, Tag: t, Summary: "设定政协的名单:list 为 sector(界别)或 category(提案类别)",
			Body: Names{}, Result: []string{}, Handle: withIDBody("政协", func(r *http.Request, sc store.Scope, id int64, in Names) (any, error) {
				return c.SetList(r.Context(), sc, id, r.PathValue("list"), in.Names)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/honours", Perm: auth.PermCppccRead, Tag: t, Summary: "政协某年评选的优秀提案和履职积极分子",
			Query: []Param{{"year", "年度,默认今年", "integer"}}, Result: []duties.Honour{}, Handle: withYear(func(r *http.Request, sc store.Scope, year int) (any, error) {
				id, err := pathID(r, "政协")
				if err != nil {
					return nil, err
				}
				return c.Duties.Honours(r.Context(), sc, id, year)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/honours", Perm: auth.PermCppccWrite, Tag: t, Summary: "记录评选结果:excellent_proposal 优秀提案(proposal_id)、active_member 履职积极分子(member_id)",
			Body: duties.HonourInput{}, Result: duties.Honour{}, Status: http.StatusCreated, Handle: withBody(func(r *http.Request, sc store.Scope, in duties.HonourInput) (any, error) {
				return c.Duties.AddHonour(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/members", Perm: auth.PermCppccRead, Tag: t, Summary: "政协委员名单(电话已遮盖)",
			Query: describe(pageParams(), Param{"q", "姓名开头、界别或党派", "string"}), Result: store.List[committee.Member]{},
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				pg, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return c.Members(r.Context(), sc, id, r.URL.Query().Get("q"), pg)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/members", Perm: auth.PermCppccWrite, Tag: t, Summary: "登记政协委员", Body: committee.MemberInput{}, Result: committee.Member{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in committee.MemberInput) (any, error) {
				return c.AddMember(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/units", Perm: auth.PermCppccRead, Tag: t, Summary: "政协的提案承办单位", Result: []committee.Committee{},
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) { return c.Units(r.Context(), sc, id) })},
		{Method: "POST", Path: "/api/v1/cppcc/committees/{id}/units", Perm: auth.PermCppccWrite, Tag: t, Summary: "登记提案承办单位", Body: Reason{}, Result: committee.Committee{}, Status: http.StatusCreated,
			Handle: withIDBody("政协", func(r *http.Request, sc store.Scope, id int64, in Reason) (any, error) {
				return c.NewUnit(r.Context(), sc, id, in.Text)
			})},

		{Method: "POST", Path: "/api/v1/cppcc/committees", Perm: auth.PermCppccWrite, Tag: t, Summary: "在您范围内的政协之下登记下级政协(如市政协之下的县区政协),带默认的界别和提案类别",
			Body: committee.CommitteeInput{}, Result: committee.Committee{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in committee.CommitteeInput) (any, error) {
				return c.NewLowerCommittee(r.Context(), sc, in.ParentID, in.Name, in.Level)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/terms", Perm: auth.PermCppccRead, Tag: t, Summary: "政协的届次和每届的会议,最新的在前", Result: []committee.Term{},
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) { return c.Terms(r.Context(), sc, id) })},
		{Method: "POST", Path: "/api/v1/cppcc/committees/{id}/terms", Perm: auth.PermCppccWrite, Tag: t, Summary: "登记一届政协:届次、起止日期",
			Body: committee.TermInput{}, Result: committee.Term{}, Status: http.StatusCreated,
			Handle: withIDBody("政协", func(r *http.Request, sc store.Scope, id int64, in committee.TermInput) (any, error) {
				return c.NewTerm(r.Context(), sc, id, in.Number, in.StartsOn, in.EndsOn)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/terms/{id}/sessions", Perm: auth.PermCppccWrite, Tag: t, Summary: "登记一届中的一次全体会议(次会议):次数、开幕和闭幕日期;会议期间提交的提案为大会提案",
			Body: committee.SessionInput{}, Result: committee.Session{}, Status: http.StatusCreated,
			Handle: withIDBody("届", func(r *http.Request, sc store.Scope, id int64, in committee.SessionInput) (any, error) {
				return c.NewSession(r.Context(), sc, id, in.Number, in.OpensOn, in.ClosesOn)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/committees/{id}/members/import", Perm: auth.PermCppccWrite, Tag: t,
			Summary: "从 .xlsx 或 .csv 导入委员名单(请求体为文件本身):姓名、性别、界别、党派、工作单位及职务、电话;逐行检查,有错误则一人也不导入并指明行和列",
			Query:   []Param{{"term", "届的编号", "integer"}, {"filename", "文件名,用于识别 .xlsx 或 .csv", "string"}},
			Result:  committee.ImportResult{}, MaxBody: spreadsheet.MaxFile, Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				q := params{r: r}
				term, name := q.int("term"), q.str("filename")
				if q.err != nil {
					return nil, q.err
				}
				if name == "" {
					return nil, apperr.InvalidField("filename", "请给出文件名(filename 参数),以便识别 .xlsx 或 .csv")
				}
				if _, err := c.Committee(r.Context(), sc, id); err != nil { // the path's committee: not found, not a wrong field
					return nil, err
				}
				return c.ImportMembers(r.Context(), sc, id, term, filepath.Base(name), http.MaxBytesReader(nil, r.Body, spreadsheet.MaxFile))
			})},

		{Method: "GET", Path: "/api/v1/cppcc/proposals", Perm: auth.PermCppccRead, Tag: t, Summary: "提案目录(不含委员暂存的草稿),最新的在前", Query: proposalParams(),
			Result: store.List[cppcc.Proposal]{}, Handle: func(r *http.Request, sc store.Scope) (any, error) {
				f, pg, err := a.proposalFilter(r)
				if err != nil {
					return nil, err
				}
				return c.List(r.Context(), sc, cppcc.ViewOffice, f, pg)
			}},
		{Method: "POST", Path: "/api/v1/cppcc/proposals", Perm: auth.PermCppccWrite, Tag: t, Summary: "录入党派、人民团体、专门委员会或界别的提案(暂存)", Body: cppcc.Input{}, Result: cppcc.Proposal{},
			Status: http.StatusCreated, Handle: withBody(func(r *http.Request, sc store.Scope, in cppcc.Input) (any, error) {
				return c.Draft(r.Context(), sc, cppcc.ViewOffice, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/proposals/{id}", Perm: auth.PermCppccRead, Tag: t, Summary: "提案详情:联名、承办单位、办理过程", Result: cppcc.Proposal{},
			Handle: proposal(func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error) {
				return c.Get(r.Context(), sc, cppcc.ViewOffice, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/proposals/{id}/review", Perm: auth.PermCppccWrite, Tag: t,
			Summary: "审查:file 立案(编号)、reject 不予立案(reason 为条例规定的情形,route 转为社情民意或委员来信)、return 退回修改(note 写明意见)、merge 并案(into)",
			Body:    cppcc.ReviewInput{}, Result: cppcc.Proposal{}, Handle: withIDBody("提案", func(r *http.Request, sc store.Scope, id int64, in cppcc.ReviewInput) (any, error) {
				return c.Review(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/proposals/{id}/assign", Perm: auth.PermCppccWrite, Tag: t, Summary: "交办:一个主办单位(lead)和会办单位(co),或几个分办单位(split)",
			Body: cppcc.AssignInput{}, Result: cppcc.Proposal{}, Handle: withIDBody("提案", func(r *http.Request, sc store.Scope, id int64, in cppcc.AssignInput) (any, error) {
				return c.Assign(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/proposals/{id}/close-signing", Perm: auth.PermCppccWrite, Tag: t, Summary: "会签期限届满后结束会签(未答复的附议委员记为逾期)",
			Result: cppcc.Proposal{}, Handle: proposal(func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error) {
				return c.CloseSigning(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/proposals/{id}/close", Perm: auth.PermCppccWrite, Tag: t, Summary: "评价期限届满未评价的提案办结",
			Result: cppcc.Proposal{}, Handle: proposal(func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error) {
				return c.Close(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/parts/{id}/objection", Perm: auth.PermCppccWrite, Tag: t, Summary: "处理承办单位的调整申请:unit_id 改交的单位,0 为维持原交办",
			Body: Decision{}, Result: cppcc.Proposal{}, Handle: withIDBody("承办任务", func(r *http.Request, sc store.Scope, id int64, in Decision) (any, error) {
				return c.DecideObjection(r.Context(), sc, id, in.UnitID)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/parts/{id}/extension", Perm: auth.PermCppccWrite, Tag: t, Summary: "处理延期申请:grant 为 true 同意(期限改为申请的日期)",
			Body: Decision{}, Result: cppcc.Proposal{}, Handle: withIDBody("承办任务", func(r *http.Request, sc store.Scope, id int64, in Decision) (any, error) {
				return c.DecideExtension(r.Context(), sc, id, in.Grant)
			})},

		{Method: "POST", Path: "/api/v1/cppcc/proposals/{id}/key", Perm: auth.PermCppccLead, Tag: t, Summary: "列为重点提案(主席会议确定),text 为领衔督办的主席会议成员",
			Body: Reason{}, Result: cppcc.Proposal{}, Handle: withIDBody("提案", func(r *http.Request, sc store.Scope, id int64, in Reason) (any, error) {
				return c.MarkKey(r.Context(), sc, id, in.Text)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/parts/{id}/remind", Perm: auth.PermCppccWrite, Tag: t, Summary: "催办承办单位(记录谁在何时催办了谁,text 为催办意见)",
			Body: Reason{}, Result: cppcc.Proposal{}, Handle: withIDBody("承办任务", func(r *http.Request, sc store.Scope, id int64, in Reason) (any, error) {
				return c.Remind(r.Context(), sc, id, in.Text)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/activities", Perm: auth.PermCppccRead, Tag: t, Summary: "政协的履职活动:督办、视察、调研、建议案、会议、大会发言,最近的在前",
			Query: describe(pageParams(), Param{"kind", "活动类别,如 inspection 委员视察、research 专题调研、supervision_visit 主席会议现场视察", "string"},
				Param{"year", "年度", "integer"}, Param{"proposal", "所督办的提案ID", "integer"}),
			Result: store.List[duties.Activity]{}, Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				q := params{r: r}
				f := duties.ActivityFilter{Kind: q.str("kind"), Year: int(q.intIn("year", 0, 2100)), ProposalID: q.int("proposal")}
				pg := q.page()
				if q.err != nil {
					return nil, q.err
				}
				return c.Duties.Activities(r.Context(), sc, id, f, pg)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/activities", Perm: auth.PermCppccWrite, Tag: t, Summary: "记录履职活动和参加的委员(present 参加、leave 请假、absent 未请假缺席);督办活动须给出重点提案",
			Body: duties.ActivityInput{}, Result: duties.Activity{}, Status: http.StatusCreated, Handle: withBody(func(r *http.Request, sc store.Scope, in duties.ActivityInput) (any, error) {
				return c.Duties.RecordActivity(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/activities/{id}", Perm: auth.PermCppccRead, Tag: t, Summary: "履职活动详情:参加的委员、收到的批示", Result: duties.Activity{},
			Handle: withID("履职活动", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return c.Duties.Activity(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/activities/{id}/instructions", Perm: auth.PermCppccWrite, Tag: t, Summary: "记录收到的领导批示和采纳情况",
			Body: duties.InstructionInput{}, Result: duties.Activity{}, Handle: withIDBody("履职活动", func(r *http.Request, sc store.Scope, id int64, in duties.InstructionInput) (any, error) {
				return c.Duties.AddInstruction(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/activities/{id}/files", Perm: auth.PermCppccWrite, Tag: t, Status: http.StatusCreated,
			Summary: "上传会议或活动的材料(请求体为文件本身):议程、纪要、讲话稿等,PDF、Word、Excel、OFD 或图片",
			Query:   []Param{{"filename", "文件名,用于识别文件类型", "string"}}, Result: cppcc.File{}, MaxBody: work.MaxAttachment,
			Handle: withID("履职活动", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				q := params{r: r}
				name := q.str("filename")
				if q.err != nil {
					return nil, q.err
				}
				data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, work.MaxAttachment))
				if err != nil {
					return nil, apperr.InvalidField("file", "文件超过 %d MB", work.MaxAttachment>>20)
				}
				return c.Duties.AddActivityFile(r.Context(), sc, id, filepath.Base(name), data)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/activities/{id}/files/{file}", Perm: auth.PermCppccRead, Tag: t, Summary: "下载会议或活动的一份材料",
			Handle: withID("履职活动", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				n, err := pathInt(r, "file", "会议材料")
				if err != nil {
					return nil, err
				}
				f, data, err := c.Duties.ActivityFileData(r.Context(), sc, id, n)
				if err != nil {
					return nil, err
				}
				return Download{Name: f.Name, ContentType: f.Type, Write: func(w io.Writer) error { _, err := w.Write(data); return err }}, nil
			})},
		{Method: "POST", Path: "/api/v1/cppcc/briefs", Perm: auth.PermCppccWrite, Tag: t, Status: http.StatusCreated,
			Summary: "编发一期《政协简报》(按年度编号;activity_id 为报道的会议或活动,可不填)",
			Body:    duties.BriefInput{}, Result: duties.Brief{}, Handle: withBody(func(r *http.Request, sc store.Scope, in duties.BriefInput) (any, error) {
				return c.Duties.IssueBrief(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/briefs", Perm: auth.PermCppccRead, Tag: t, Summary: "政协某年的《政协简报》,最新一期在前",
			Query: []Param{{"year", "年度,默认今年", "integer"}}, Result: []duties.Brief{}, Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				y, err := a.year(r)
				if err != nil {
					return nil, err
				}
				return c.Duties.Briefs(r.Context(), sc, id, y)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/briefs/{brief}", Perm: auth.PermCppccRead, Tag: t, Summary: "一期《政协简报》", Result: duties.Brief{},
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				n, err := pathInt(r, "brief", "简报")
				if err != nil {
					return nil, err
				}
				return c.Duties.Brief(r.Context(), sc, id, n)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/briefs/{brief}/docx", Perm: auth.PermCppccRead, Tag: t, Summary: "一期《政协简报》的 Word 文件",
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				n, err := pathInt(r, "brief", "简报")
				if err != nil {
					return nil, err
				}
				cm, err := c.Committee(r.Context(), sc, id)
				if err != nil {
					return nil, err
				}
				b, err := c.Duties.Brief(r.Context(), sc, id, n)
				if err != nil {
					return nil, err
				}
				return Download{Name: cm.Name + "政协简报" + b.Label + ".docx", ContentType: docxType, Write: func(w io.Writer) error { return c.Duties.WriteBrief(w, cm, b) }}, nil
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/performance", Perm: auth.PermCppccRead, Tag: t, Summary: "委员年度履职情况:各项次数和积分,按积分排名",
			Query: []Param{{"year", "年度,默认今年", "integer"}}, Result: []duties.RankLine{}, Handle: withYear(func(r *http.Request, sc store.Scope, year int) (any, error) {
				id, err := pathID(r, "政协")
				if err != nil {
					return nil, err
				}
				return c.Duties.Ranking(r.Context(), sc, id, year)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/members/{id}/record", Perm: auth.PermCppccRead, Tag: t, Summary: "委员的年度履职档案:每一条来自哪一项记录、积分",
			Query: []Param{{"year", "年度,默认今年", "integer"}}, Result: duties.Performance{}, Handle: withYear(func(r *http.Request, sc store.Scope, year int) (any, error) {
				id, err := pathID(r, "政协委员")
				if err != nil {
					return nil, err
				}
				return c.Duties.Record(r.Context(), sc, cppcc.ViewOffice, id, year)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/me/record", Perm: auth.PermCppccSelf, Tag: t, Summary: "我的年度履职档案",
			Query: []Param{{"year", "年度,默认今年", "integer"}}, Result: duties.Performance{}, Handle: withYear(func(r *http.Request, sc store.Scope, year int) (any, error) {
				return c.Duties.Record(r.Context(), sc, cppcc.ViewMember, 0, year)
			})},

		{Method: "GET", Path: "/api/v1/cppcc/me", Perm: auth.PermCppccSelf, Tag: t, Summary: "我的委员档案", Result: committee.Member{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) { return c.Me(r.Context(), sc, identity(r).User.ID) }},
		{Method: "GET", Path: "/api/v1/cppcc/me/proposals", Perm: auth.PermCppccSelf, Tag: t, Summary: "我能看到的提案:我提出的、请我联名的和公开的(mine=1 只看前两种)",
			Query: append(proposalParams(), Param{"mine", "只看我提出的和请我联名的", "boolean"}), Result: store.List[cppcc.Proposal]{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				f, pg, err := a.proposalFilter(r)
				if err != nil {
					return nil, err
				}
				return c.List(r.Context(), sc, cppcc.ViewMember, f, pg)
			}},
		{Method: "POST", Path: "/api/v1/cppcc/me/proposals", Perm: auth.PermCppccSelf, Tag: t, Summary: "起草提案(暂存,只有本人可见);联名提案列出附议委员",
			Body: cppcc.Input{}, Result: cppcc.Proposal{}, Status: http.StatusCreated, Handle: withBody(func(r *http.Request, sc store.Scope, in cppcc.Input) (any, error) {
				return c.Draft(r.Context(), sc, cppcc.ViewMember, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/me/proposals/{id}", Perm: auth.PermCppccSelf, Tag: t, Summary: "提案详情", Result: cppcc.Proposal{},
			Handle: proposal(func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error) {
				return c.Get(r.Context(), sc, cppcc.ViewMember, id)
			})},
		{Method: "PATCH", Path: "/api/v1/cppcc/me/proposals/{id}", Perm: auth.PermCppccSelf, Tag: t, Summary: "修改暂存或退回修改的提案", Body: cppcc.Input{}, Result: cppcc.Proposal{},
			Handle: withIDBody("提案", func(r *http.Request, sc store.Scope, id int64, in cppcc.Input) (any, error) {
				return c.Edit(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/me/proposals/{id}/submit", Perm: auth.PermCppccSelf, Tag: t, Summary: "提交提案(联名提案先征集联名)", Result: cppcc.Proposal{},
			Handle: proposal(func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error) {
				return c.Submit(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/me/proposals/{id}/withdraw", Perm: auth.PermCppccSelf, Tag: t, Summary: "立案前撤回提案", Result: cppcc.Proposal{},
			Handle: proposal(func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error) {
				return c.Withdraw(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/me/proposals/{id}/sign", Perm: auth.PermCppccSelf, Tag: t, Summary: "附议委员确认(confirm 为 true)或不同意联名",
			Body: SignAnswer{}, Result: cppcc.Proposal{}, Handle: withIDBody("提案", func(r *http.Request, sc store.Scope, id int64, in SignAnswer) (any, error) {
				return c.Sign(r.Context(), sc, id, in.Confirm)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/me/proposals/{id}/comment", Perm: auth.PermCppccSelf, Tag: t, Summary: "附议委员在答复后补充自己的意见(text)",
			Body: Reason{}, Result: cppcc.Proposal{}, Handle: withIDBody("提案", func(r *http.Request, sc store.Scope, id int64, in Reason) (any, error) {
				return c.Comment(r.Context(), sc, id, in.Text)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/me/proposals/{id}/evaluate", Perm: auth.PermCppccSelf, Tag: t, Summary: "评价办理情况:办理态度和办理结果,满意、基本满意或不满意(写明理由)",
			Body: cppcc.EvaluateInput{}, Result: cppcc.Proposal{}, Handle: withIDBody("提案", func(r *http.Request, sc store.Scope, id int64, in cppcc.EvaluateInput) (any, error) {
				return c.Evaluate(r.Context(), sc, id, in)
			})},

		{Method: "GET", Path: "/api/v1/cppcc/inbox", Perm: auth.PermCppccHandle, Tag: t, Summary: "本单位承办的提案,未办完的按期限在前(open=1 只看未办完的)",
			Query: describe(pageParams(), Param{"open", "只看未办完的", "boolean"}), Result: store.List[cppcc.Part]{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				q := params{r: r}
				pg := q.page()
				if q.err != nil {
					return nil, q.err
				}
				return c.Inbox(r.Context(), sc, q.bool("open"), pg)
			}},
		{Method: "GET", Path: "/api/v1/cppcc/inbox/proposals/{id}", Perm: auth.PermCppccHandle, Tag: t, Summary: "本单位承办的提案详情", Result: cppcc.Proposal{},
			Handle: proposal(func(r *http.Request, sc store.Scope, id int64) (cppcc.Proposal, error) {
				return c.Get(r.Context(), sc, cppcc.ViewUnit, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/parts/{id}/object", Perm: auth.PermCppccHandle, Tag: t, Summary: "在异议期限内申请调整承办单位(text 写明理由)",
			Body: Reason{}, Result: cppcc.Proposal{}, Handle: withIDBody("承办任务", func(r *http.Request, sc store.Scope, id int64, in Reason) (any, error) {
				return c.Object(r.Context(), sc, id, in.Text)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/parts/{id}/ask-extension", Perm: auth.PermCppccHandle, Tag: t, Summary: "申请延期(text 理由,until 延至的日期)",
			Body: Reason{}, Result: cppcc.Proposal{}, Handle: withIDBody("承办任务", func(r *http.Request, sc store.Scope, id int64, in Reason) (any, error) {
				return c.AskExtension(r.Context(), sc, id, in.Text, in.Until)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/parts/{id}/opinion", Perm: auth.PermCppccHandle, Tag: t, Summary: "会办单位向主办单位提出会办意见",
			Body: Reason{}, Result: cppcc.Proposal{}, Handle: withIDBody("承办任务", func(r *http.Request, sc store.Scope, id int64, in Reason) (any, error) {
				return c.Opinion(r.Context(), sc, id, in.Text)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/parts/{id}/reply", Perm: auth.PermCppccHandle, Tag: t, Summary: "主办或分办单位答复提案者:办理结果类别、答复内容、答复前的联系方式",
			Body: cppcc.ReplyInput{}, Result: cppcc.Proposal{}, Handle: withIDBody("承办任务", func(r *http.Request, sc store.Scope, id int64, in cppcc.ReplyInput) (any, error) {
				return c.Reply(r.Context(), sc, id, in)
			})},
	}
}
