package api

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/flow"
	"dangjian/internal/forum"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/spam"
	"dangjian/internal/store"
)

// PublicTag is the tag of the public channel's routes (社情民意, letters and
// cases, the forum), those anyone may call and the office's; the permission
// matrix of internal/cppcc covers them.
const PublicTag = "社情民意与信访"

// Letter is a letter from the public form with its proof of work.
type Letter struct {
	letters.CaseInput
	// Proof is the solved challenge (ALTCHA payload, base64).
	Proof string `json:"proof"`
}

// NewComment is a visitor's comment with its proof of work.
type NewComment struct {
	forum.CommentInput
	Proof string `json:"proof"`
}

// VoteInput is a visitor's support (kind support, value 1) or rating (kind rating, value 1–5).
type VoteInput struct {
	Kind  string `json:"kind"`
	Value int    `json:"value"`
}

// ReportInput names what a visitor reports: object post or comment, and its id.
type ReportInput struct {
	Object string `json:"object"`
	ID     int64  `json:"id"`
}

// Days are a year's calendar.
type Days struct {
	Days []cppcc.CalendarDay `json:"days"`
}

// ForwardInput names where an issue was sent.
type ForwardInput struct {
	To string `json:"to"`
}

// LetterReceipt is the answer to a letter: its receipt code (shown once) and the letter as its sender reads it.
type LetterReceipt struct {
	Code   string          `json:"code"`
	Letter letters.Tracked `json:"letter"`
}

// FollowedComment is a comment as its author follows it, with the notices it had.
type FollowedComment struct {
	Comment forum.Comment `json:"comment"`
	Notices []cppcc.Event `json:"notices"`
}

// Queue is the moderation queue.
type Queue struct {
	Comments []forum.Moderated `json:"comments"`
	Posts    []forum.Post      `json:"posts"`
}

// Published is what a visitor reads of a committee.
type Published struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (a *API) publicRoutes() []Route {
	c, ch := a.Cppcc, a.Public
	t := PublicTag
	ip := auth.ClientIP
	// committee adapts a public handler of a committee in the path.
	committee := func(fn func(r *http.Request, id int64) (any, error)) Handler {
		return func(r *http.Request, _ store.Scope) (any, error) {
			id, err := pathID(r, "政协")
			if err != nil {
				return nil, err
			}
			return fn(r, id)
		}
	}
	post := func(fn func(r *http.Request, committee, post int64) (any, error)) Handler {
		return committee(func(r *http.Request, id int64) (any, error) {
			p, err := pathInt(r, "post", "公开的建议")
			if err != nil {
				return nil, err
			}
			return fn(r, id, p)
		})
	}
	caseView := func(view cppcc.View) Handler {
		return withID("来信", func(r *http.Request, sc store.Scope, id int64) (any, error) {
			return c.Letters.Case(r.Context(), sc, view, id)
		})
	}
	return []Route{
		// Anyone, without an account.
		{Method: "GET", Path: "/api/v1/public/challenge", Tag: t, Summary: "取得一道工作量证明题(ALTCHA 协议):浏览器求出 number 后随提交一并发回,每题只能用一次",
			Result: spam.Challenge{}, Handle: func(*http.Request, store.Scope) (any, error) { return ch.Challenge(), nil }},
		{Method: "GET", Path: "/api/v1/public/committees/{id}", Tag: t, Summary: "政协的名称(公开)", Result: Published{},
			Handle: committee(func(r *http.Request, id int64) (any, error) {
				x, err := c.PublicCommittee(r.Context(), id)
				return Published{ID: x.ID, Name: x.Name}, err
			})},
		{Method: "POST", Path: "/api/v1/public/committees/{id}/letters", Tag: t, Status: http.StatusCreated,
			Summary: "写信:box 为 member 委员信箱、public 民意信箱(可以匿名)或 petition 信访(须留真实姓名和电话);返回的回执码只显示这一次",
			Body:    Letter{}, Result: LetterReceipt{}, Handle: committee(func(r *http.Request, id int64) (any, error) {
				var in Letter
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				in.CommitteeID = id
				rc, err := ch.Submit(r.Context(), ip(r), in.Proof, in.CaseInput)
				if err != nil {
					return nil, err
				}
				tr, err := c.Letters.Track(r.Context(), rc.Code)
				return LetterReceipt{Code: rc.Code, Letter: tr}, err
			})},
		{Method: "GET", Path: "/api/v1/public/letters/{code}", Tag: t, Summary: "凭回执码查看来信的办理情况和答复", Result: letters.Tracked{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				return ch.Track(r.Context(), ip(r), r.PathValue("code"))
			}},
		{Method: "POST", Path: "/api/v1/public/letters/{code}/answer", Tag: t,
			Summary: "凭回执码评价(rate,rating 满意/基本满意/不满意)、请求复查(request_review)或复核(request_recheck,text 写明理由)",
			Body:    letters.CaseAction{}, Result: letters.Tracked{}, Handle: func(r *http.Request, _ store.Scope) (any, error) {
				var in letters.CaseAction
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return ch.Answer(r.Context(), ip(r), r.PathValue("code"), in)
			}},
		{Method: "GET", Path: "/api/v1/public/committees/{id}/posts", Tag: t, Summary: "论坛:公开的建议和答复,最新的在前", Query: pageParams(), Result: store.List[forum.Post]{},
			Handle: committee(func(r *http.Request, id int64) (any, error) {
				pg, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return c.Forum.Posts(r.Context(), id, pg)
			})},
		{Method: "GET", Path: "/api/v1/public/committees/{id}/posts/{post}", Tag: t, Summary: "公开的建议、答复和评论", Result: forum.Post{},
			Handle: post(func(r *http.Request, committee, id int64) (any, error) {
				return c.Forum.Post(r.Context(), committee, id)
			})},
		{Method: "POST", Path: "/api/v1/public/committees/{id}/posts/{post}/comments", Tag: t, Status: http.StatusCreated,
			Summary: "发表评论(须完成工作量证明);疑似垃圾信息的先审核后公开,作者可凭返回的代码查看", Body: NewComment{}, Result: forum.CommentReceipt{},
			Handle: post(func(r *http.Request, committee, id int64) (any, error) {
				var in NewComment
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return ch.Comment(r.Context(), ip(r), in.Proof, committee, id, in.CommentInput)
			})},
		{Method: "POST", Path: "/api/v1/public/committees/{id}/posts/{post}/votes", Tag: t, Summary: "支持(support)或评分(rating,1 到 5 分),每位访客一次",
			Body: VoteInput{}, Result: forum.Post{}, Handle: post(func(r *http.Request, committee, id int64) (any, error) {
				var in VoteInput
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return ch.Vote(r.Context(), ip(r), committee, id, in.Kind, in.Value)
			})},
		{Method: "POST", Path: "/api/v1/public/committees/{id}/reports", Tag: t, Status: http.StatusNoContent, Summary: "举报公开的建议(post)或评论(comment);达到设定次数后暂时隐藏待审核",
			Body: ReportInput{}, Handle: committee(func(r *http.Request, id int64) (any, error) {
				var in ReportInput
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return nil, ch.Report(r.Context(), ip(r), id, in.Object, in.ID)
			})},
		{Method: "GET", Path: "/api/v1/public/comments/{code}", Tag: t, Summary: "凭代码查看自己评论的状态和收到的通知", Result: FollowedComment{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				cm, ev, err := ch.CommentByCode(r.Context(), ip(r), r.PathValue("code"))
				return FollowedComment{Comment: cm, Notices: ev}, err
			}},

		// The office.
		{Method: "GET", Path: "/api/v1/cppcc/steps/public", Perm: auth.PermAuth, Tag: t, Summary: "来信、社情民意和论坛审核的全部状态转换", Result: []flow.Step{},
			Handle: func(*http.Request, store.Scope) (any, error) { return consultation.PublicSteps(), nil }},
		{Method: "GET", Path: "/api/v1/cppcc/calendar", Perm: auth.PermCppccRead, Tag: t, Summary: "节假日和调休上班日(国务院办公厅通知),用于计算期限", Query: []Param{{"year", "年度,默认今年", "integer"}},
			Result: []cppcc.CalendarDay{}, Handle: func(r *http.Request, _ store.Scope) (any, error) {
				y, err := a.year(r)
				if err != nil {
					return nil, err
				}
				return c.CalendarDays(r.Context(), a.DB, y)
			}},
		{Method: "PUT", Path: "/api/v1/cppcc/calendar/{year}", Perm: auth.PermCppccWrite, Tag: t, Summary: "按当年国务院办公厅通知设定节假日(off 为 true)和调休上班日",
			Body: Days{}, Result: []cppcc.CalendarDay{}, Handle: func(r *http.Request, sc store.Scope) (any, error) {
				y, err := strconv.Atoi(r.PathValue("year"))
				if err != nil {
					return nil, apperr.NotFound("年度")
				}
				var in Days
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return c.SetCalendar(r.Context(), sc, y, in.Days)
			}},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/public-figures", Perm: auth.PermCppccRead, Tag: t,
			Summary: "社情民意(o:)、来信和信访件(c:)、论坛(f:)的统计,按月份;逾期和即将到期为当前",
			Query:   []Param{{"from", "起始年月,如 2026-01", "string"}, {"to", "截止年月", "string"}}, Result: cppcc.PublicFigures{},
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				pd, err := a.period(r)
				if err != nil {
					return nil, err
				}
				return c.PublicFigures(r.Context(), sc, id, pd)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/cases", Perm: auth.PermCppccRead, Tag: t, Summary: "来信和信访件,最新的在前(held=1 只看被拦截待审核的,overdue=1 只看逾期的)",
			Query: describe(pageParams(), Param{"committee", "政协ID", "integer"}, Param{"box", "member、public、petition", "string"}, Param{"state", "状态", "string"},
				Param{"held", "只看被拦截的", "boolean"}, Param{"overdue", "只看逾期的", "boolean"}, Param{"q", "标题中的字", "string"}),
			Result: store.List[letters.Case]{}, Handle: func(r *http.Request, sc store.Scope) (any, error) {
				q := params{r: r}
				f := letters.CaseFilter{CommitteeID: q.int("committee"), Box: q.str("box"), State: q.str("state"), Held: q.bool("held"), Overdue: q.bool("overdue"), Q: q.str("q")}
				pg := q.page()
				if q.err != nil {
					return nil, q.err
				}
				return c.Letters.Cases(r.Context(), sc, cppcc.ViewOffice, f, pg)
			}},
		{Method: "POST", Path: "/api/v1/cppcc/cases", Perm: auth.PermCppccWrite, Tag: t, Status: http.StatusCreated, Summary: "登记来信、来访、来电、上级转送或领导批示交办的信访件",
			Body: letters.CaseInput{}, Result: letters.Receipt{}, Handle: withBody(func(r *http.Request, sc store.Scope, in letters.CaseInput) (any, error) {
				return c.Letters.Register(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/cases/{id}", Perm: auth.PermCppccRead, Tag: t, Summary: "来信详情:期限、办理过程(姓名和电话已遮盖)", Result: letters.Case{}, Handle: caseView(cppcc.ViewOffice)},
		{Method: "GET", Path: "/api/v1/cppcc/cases/{id}/person", Perm: auth.PermCppccWrite, Tag: t, Summary: "来信人的姓名、电话和身份证号码(每次查看记入审计)", Result: letters.Person{},
			Handle: withID("来信", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return c.Letters.Person(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/cases/{id}/decide", Perm: auth.PermCppccWrite, Tag: t,
			Summary: "办理来信:accept 受理、not_accept 不予受理(text 理由)、transfer 转送(text 机关)、junk 垃圾信息、release 放行、route 转办交办(unit_id、route refer/assign)、decide_review 复查意见、hearing 听证(hearing true 开始/false 结束)、decide_recheck 复核意见、close 办结、supervise 督办",
			Body:    letters.CaseAction{}, Result: letters.Case{}, Handle: withIDBody("来信", func(r *http.Request, sc store.Scope, id int64, in letters.CaseAction) (any, error) {
				return ch.Decide(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/cases/{id}/publish", Perm: auth.PermCppccWrite, Tag: t, Summary: "把来信人同意公开的来信连同答复发布到论坛", Result: forum.Post{},
			Handle: withID("来信", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return c.Forum.Publish(r.Context(), sc, id)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/moderation", Perm: auth.PermCppccWrite, Tag: t, Summary: "审核队列:被拦截或被举报隐藏的评论(含得分和原因)、被举报隐藏的建议",
			Result: Queue{}, Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				cs, ps, err := c.Forum.Queue(r.Context(), sc, id)
				return Queue{Comments: cs, Posts: ps}, err
			})},
		{Method: "POST", Path: "/api/v1/cppcc/committees/{id}/moderation/{object}/{oid}", Perm: auth.PermCppccWrite, Tag: t, Status: http.StatusNoContent,
			Summary: "审核:release 公开、remove 删除(spam 为 true 时分类器学习)、moderate 修改后公开(原文保留)", Body: forum.ModerateInput{},
			Handle: withIDBody("政协", func(r *http.Request, sc store.Scope, id int64, in forum.ModerateInput) (any, error) {
				oid, err := pathInt(r, "oid", "审核的内容")
				if err != nil {
					return nil, err
				}
				return nil, ch.Moderate(r.Context(), sc, id, r.PathValue("object"), oid, in)
			})},

		{Method: "GET", Path: "/api/v1/cppcc/opinions", Perm: auth.PermCppccRead, Tag: t, Summary: "社情民意信息,最新的在前",
			Query:  describe(pageParams(), Param{"committee", "政协ID", "integer"}, Param{"state", "状态:submitted 待核稿、edited 已核稿、compiled 已编入专刊…", "string"}),
			Result: store.List[opinion.Opinion]{}, Handle: func(r *http.Request, sc store.Scope) (any, error) {
				q := params{r: r}
				f := opinion.Filter{CommitteeID: q.int("committee"), State: q.str("state")}
				pg := q.page()
				if q.err != nil {
					return nil, q.err
				}
				return c.Opinions.Opinions(r.Context(), sc, cppcc.ViewOffice, f, pg)
			}},
		{Method: "POST", Path: "/api/v1/cppcc/opinions", Perm: auth.PermCppccWrite, Tag: t, Status: http.StatusCreated, Summary: "代委员(member_id)或其他报送人(author)录入社情民意信息",
			Body: opinion.Input{}, Result: opinion.Opinion{}, Handle: withBody(func(r *http.Request, sc store.Scope, in opinion.Input) (any, error) {
				return c.Opinions.SubmitOpinion(r.Context(), sc, cppcc.ViewOffice, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/opinions/{id}", Perm: auth.PermCppccRead, Tag: t, Summary: "社情民意信息详情:原稿、核稿稿、采用和批示", Result: opinion.Opinion{},
			Handle: withID("社情民意信息", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return c.Opinions.GetOpinion(r.Context(), sc, cppcc.ViewOffice, id)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/opinions/{id}/review", Perm: auth.PermCppccWrite, Tag: t, Summary: "核稿(edit:标题“关于…的建议”、正文;签发人在编发专刊时填写)、退回(return)或不予编发(unuse,note 理由)",
			Body: opinion.EditInput{}, Result: opinion.Opinion{}, Handle: withIDBody("社情民意信息", func(r *http.Request, sc store.Scope, id int64, in opinion.EditInput) (any, error) {
				return c.Opinions.ReviewOpinion(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/opinions/{id}/adopt", Perm: auth.PermCppccWrite, Tag: t, Summary: "记录采用(adopted)或领导批示(instruction)及其层级,计入报送委员的履职档案",
			Body: opinion.AdoptionInput{}, Result: opinion.Opinion{}, Handle: withIDBody("社情民意信息", func(r *http.Request, sc store.Scope, id int64, in opinion.AdoptionInput) (any, error) {
				return c.Opinions.Adopt(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/issues", Perm: auth.PermCppccWrite, Tag: t, Status: http.StatusCreated, Summary: "把已核稿的信息编为一期专刊(single 单篇、combined 综合),按年度编号",
			Body: opinion.IssueInput{}, Result: opinion.Issue{}, Handle: withBody(func(r *http.Request, sc store.Scope, in opinion.IssueInput) (any, error) {
				return c.Opinions.Compile(r.Context(), sc, in)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/issues", Perm: auth.PermCppccRead, Tag: t, Summary: "政协某年的社情民意专刊", Query: []Param{{"year", "年度,默认今年", "integer"}},
			Result: []opinion.Issue{}, Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				y, err := a.year(r)
				if err != nil {
					return nil, err
				}
				return c.Opinions.Issues(r.Context(), sc, id, y)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/issues/{issue}", Perm: auth.PermCppccRead, Tag: t, Summary: "一期专刊及其信息", Result: opinion.Issue{},
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				n, err := pathInt(r, "issue", "专刊")
				if err != nil {
					return nil, err
				}
				return c.Opinions.Issue(r.Context(), sc, id, n)
			})},
		{Method: "GET", Path: "/api/v1/cppcc/committees/{id}/issues/{issue}/docx", Perm: auth.PermCppccRead, Tag: t, Summary: "一期专刊的 Word 文件(公文格式)",
			Handle: withID("政协", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				n, err := pathInt(r, "issue", "专刊")
				if err != nil {
					return nil, err
				}
				return a.issueDocx(r, sc, id, n)
			})},
		{Method: "POST", Path: "/api/v1/cppcc/committees/{id}/issues/{issue}/forward", Perm: auth.PermCppccWrite, Tag: t, Summary: "记录专刊报送的单位(to)", Body: ForwardInput{}, Result: opinion.Issue{},
			Handle: withIDBody("政协", func(r *http.Request, sc store.Scope, id int64, in ForwardInput) (any, error) {
				n, err := pathInt(r, "issue", "专刊")
				if err != nil {
					return nil, err
				}
				return c.Opinions.Forward(r.Context(), sc, id, n, in.To)
			})},

		// A member.
		{Method: "GET", Path: "/api/v1/cppcc/me/opinions", Perm: auth.PermCppccSelf, Tag: t, Summary: "我报送的社情民意信息", Query: pageParams(), Result: store.List[opinion.Opinion]{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				pg, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return c.Opinions.Opinions(r.Context(), sc, cppcc.ViewMember, opinion.Filter{}, pg)
			}},
		{Method: "POST", Path: "/api/v1/cppcc/me/opinions", Perm: auth.PermCppccSelf, Tag: t, Status: http.StatusCreated, Summary: "报送社情民意信息(一事一报,不超过1500字)",
			Body: opinion.Input{}, Result: opinion.Opinion{}, Handle: withBody(func(r *http.Request, sc store.Scope, in opinion.Input) (any, error) {
				return c.Opinions.SubmitOpinion(r.Context(), sc, cppcc.ViewMember, in)
			})},
		{Method: "PATCH", Path: "/api/v1/cppcc/me/opinions/{id}", Perm: auth.PermCppccSelf, Tag: t, Summary: "修改退回的信息并再次报送", Body: opinion.Input{}, Result: opinion.Opinion{},
			Handle: withIDBody("社情民意信息", func(r *http.Request, sc store.Scope, id int64, in opinion.Input) (any, error) {
				return c.Opinions.ResubmitOpinion(r.Context(), sc, id, in)
			})},

		// A handling unit.
		{Method: "GET", Path: "/api/v1/cppcc/unit/cases", Perm: auth.PermCppccHandle, Tag: t, Summary: "转办、交办给本单位的来信和信访件", Query: pageParams(), Result: store.List[letters.Case]{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				pg, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return c.Letters.Cases(r.Context(), sc, cppcc.ViewUnit, letters.CaseFilter{}, pg)
			}},
		{Method: "GET", Path: "/api/v1/cppcc/unit/cases/{id}", Perm: auth.PermCppccHandle, Tag: t, Summary: "本单位承办的来信详情", Result: letters.Case{}, Handle: caseView(cppcc.ViewUnit)},
		{Method: "POST", Path: "/api/v1/cppcc/unit/cases/{id}/handle", Perm: auth.PermCppccHandle, Tag: t,
			Summary: "承办:extend 延期(days 不超过30日、approver 批准的单位负责人、text 理由,告知信访人)、reply 出具处理意见(text)",
			Body:    letters.CaseAction{}, Result: letters.Case{}, Handle: withIDBody("来信", func(r *http.Request, sc store.Scope, id int64, in letters.CaseAction) (any, error) {
				return c.Letters.Handle(r.Context(), sc, id, in)
			})},
	}
}

// issueDocx is an issue of the 专刊 as a Word file.
func (a *API) issueDocx(r *http.Request, sc store.Scope, committee, id int64) (any, error) {
	cm, err := a.Cppcc.Committee(r.Context(), sc, committee)
	if err != nil {
		return nil, err
	}
	is, err := a.Cppcc.Opinions.Issue(r.Context(), sc, committee, id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := a.Cppcc.Opinions.WriteIssue(&buf, cm, is); err != nil {
		return nil, err
	}
	return Download{Name: cm.Name + "社情民意专刊" + is.Label + ".docx", ContentType: docxType,
		Write: func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }}, nil
}
