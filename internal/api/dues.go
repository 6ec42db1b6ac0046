package api

import (
	"net/http"

	"dangjian/internal/auth"
	"dangjian/internal/dues"
	"dangjian/internal/flow"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// DuesTag groups the Party dues' routes.
const DuesTag = "党费"

// DuesRule is the rule the dues are computed by, as a client shows it.
type DuesRule struct {
	Kinds []dues.Kind `json:"kinds"`
	// CapFen is what a month's dues set by the rate come to at most;
	// LargeFen a voluntary payment made at once that goes to the Centre;
	// AdvanceMonths how far past this month dues may be paid ahead.
	CapFen        int64       `json:"cap_fen"`
	LargeFen      int64       `json:"large_fen"`
	AdvanceMonths int         `json:"advance_months"`
	Methods       vocab.Enum  `json:"methods"`
	Steps         []flow.Step `json:"steps"`
}

// The dues' permissions. A base and a payment are rows about a person, read
// and written as the roster is (member.read, member.write: the branch's
// secretary and the organisation departments, within their scope); a
// remittance is the organisation's money, entered and approved like a
// fund's disbursement (work.write, and fund.approve by another user); the
// year's report is figures of a subtree (stats.read, as the other
// statistics); a member reads their own ledger, reports a payment and
// confirms their base with self.
func (a *API) duesRoutes() []Route {
	t := DuesTag
	actBody := dues.ActInput{}
	return []Route{
		{Method: "GET", Path: "/api/v1/dues/rule", Perm: auth.PermAuth, Tag: t,
			Summary: "党费计算规定:各类党员的计算基数、比例和定额(中组发〔2008〕3号),每月上限,预交期限,全部办理步骤", Result: DuesRule{},
			Handle: func(*http.Request, store.Scope) (any, error) {
				return DuesRule{Kinds: dues.Kinds, CapFen: dues.CapFen, LargeFen: dues.LargeFen, AdvanceMonths: dues.AdvanceMonths,
					Methods: dues.Methods, Steps: dues.Steps.Steps()}, nil
			}},
		{Method: "GET", Path: "/api/v1/members/{id}/dues", Perm: auth.PermMemberRead, Tag: t,
			Summary: "党员的党费账:党费交到、本月应交、欠交月数和金额、各月应交、基数和交纳记录", Result: dues.Ledger{},
			Handle: withID("党员", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Dues.Ledger(r.Context(), sc, id)
			})},
		{Method: "POST", Path: "/api/v1/members/{id}/dues/bases", Perm: auth.PermMemberWrite, Tag: t,
			Summary: "核定党员某年度(自某月起)的党费计算基数,待本人确认;第一次核定即开立党费账(opened_to 为开账时党费交到)",
			Body:    dues.BaseInput{}, Result: dues.Base{}, Status: http.StatusCreated,
			Handle: withIDBody("党员", func(r *http.Request, sc store.Scope, id int64, in dues.BaseInput) (any, error) {
				return a.Dues.SetBase(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/dues/bases/{id}/{action}", Perm: auth.PermMemberWrite, Tag: t,
			Summary: "办理党费基数:confirm 登记本人已签字确认、withdraw 撤回(写明理由)", Body: actBody, Result: dues.Base{},
			Handle: withIDBody("党费基数", func(r *http.Request, sc store.Scope, id int64, in dues.ActInput) (any, error) {
				return a.Dues.ActOnBase(r.Context(), sc, id, r.PathValue("action"), in)
			})},
		{Method: "POST", Path: "/api/v1/members/{id}/dues/payments", Perm: auth.PermMemberWrite, Tag: t,
			Summary: "登记党员交纳党费:交纳到 through 月(自党费交到的次月起,按已确认的基数计算),可自愿多交 extra_fen;预交不超过本月之后6个月",
			Body:    dues.PaymentInput{}, Result: dues.Payment{}, Status: http.StatusCreated,
			Handle: withIDBody("党员", func(r *http.Request, sc store.Scope, id int64, in dues.PaymentInput) (any, error) {
				return a.Dues.Record(r.Context(), sc, id, in)
			})},
		{Method: "GET", Path: "/api/v1/dues/payments", Perm: auth.PermMemberRead, Tag: t, Summary: "党费交纳记录,最新的在前",
			Query: describe(pageParams(), Param{"org", "收取的党组织ID(含下级)", "integer"}, Param{"member", "某名党员的交纳记录", "integer"},
				Param{"status", "claimed 待支部确认、confirmed 已收、rejected 未予确认、void 已冲销", "string"}, Param{"year", "交纳年度", "integer"}),
			Result: store.List[dues.Payment]{}, Handle: a.listDuesPayments},
		{Method: "POST", Path: "/api/v1/dues/payments/{id}/{action}", Perm: auth.PermMemberWrite, Tag: t,
			Summary: "办理交纳记录:confirm 确认收到党员报告的交纳、reject 不予确认(写明理由)、void 冲销登记有误的记录(写明理由,须先冲销其后的)",
			Body:    actBody, Result: dues.Payment{},
			Handle: withIDBody("党费交纳记录", func(r *http.Request, sc store.Scope, id int64, in dues.ActInput) (any, error) {
				return a.Dues.ActOnPayment(r.Context(), sc, id, r.PathValue("action"), in)
			})},
		{Method: "GET", Path: "/api/v1/orgs/{id}/dues", Perm: auth.PermMemberRead, Tag: t, Summary: "党组织(含下级)在册党员的党费账:本月应交、党费交到、欠交",
			Query:  describe(pageParams(), Param{"view", "behind 党费交到早于本月、behind6 六个月以上未交、unopened 尚未建立党费账", "string"}),
			Result: store.List[dues.Ledger]{},
			Handle: withID("党组织", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				q := params{r: r}
				view, p := q.str("view"), q.page()
				if q.err != nil {
					return nil, q.err
				}
				return a.Dues.Members(r.Context(), sc, id, view, p)
			})},
		{Method: "GET", Path: "/api/v1/orgs/{id}/dues/report", Perm: auth.PermStatsRead, Tag: t,
			Summary: "党组织及其全部下级的年度党费情况:应交、已交、欠交,收到、上缴、结存;合计、各下级党组织、本级各一行",
			Query:   []Param{{"year", "年度,默认今年", "integer"}}, Result: dues.Report{},
			Handle: withID("党组织", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				q := params{r: r}
				year := q.intIn("year", 0, 2100)
				if q.err != nil {
					return nil, q.err
				}
				return a.Dues.Report(r.Context(), sc, id, int(year))
			})},
		{Method: "GET", Path: "/api/v1/orgs/{id}/dues/remittances", Perm: auth.PermWorkRead, Tag: t, Summary: "党组织及其下级的党费上缴记录,和收到的上缴",
			Query: pageParams(), Result: store.List[dues.Remittance]{},
			Handle: withID("党组织", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				p, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return a.Dues.Remittances(r.Context(), sc, id, p)
			})},
		{Method: "POST", Path: "/api/v1/orgs/{id}/dues/remittances", Perm: auth.PermWorkWrite, Tag: t,
			Summary: "登记向上级党组织上缴党费(to_org_id 默认直接上级;不超过本级结存),待另一名用户审批", Body: dues.RemitInput{}, Result: dues.Remittance{}, Status: http.StatusCreated,
			Handle: withIDBody("党组织", func(r *http.Request, sc store.Scope, id int64, in dues.RemitInput) (any, error) {
				return a.Dues.Remit(r.Context(), sc, id, in)
			})},
		{Method: "POST", Path: "/api/v1/dues/remittances/{id}/{action}", Perm: auth.PermFundApprove, Tag: t,
			Summary: "审批党费上缴:approve 批准(款项从本级结存转入上级)、reject 驳回(写明理由);须由录入人以外的用户办理", Body: actBody, Result: dues.Remittance{},
			Handle: withIDBody("党费上缴记录", func(r *http.Request, sc store.Scope, id int64, in dues.ActInput) (any, error) {
				return a.Dues.Decide(r.Context(), sc, id, r.PathValue("action"), in)
			})},
		{Method: "GET", Path: "/api/v1/me/dues", Perm: auth.PermSelf, Tag: "本人", Summary: "本人的党费账", Result: dues.Ledger{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				mid, err := ownMember(r)
				if err != nil {
					return nil, err
				}
				return a.Dues.Ledger(r.Context(), store.All, mid)
			}},
		{Method: "POST", Path: "/api/v1/me/dues/payments", Perm: auth.PermSelf, Tag: "本人",
			Summary: "报告本人已交纳党费(转账填交易流水号),待党支部确认", Body: dues.PaymentInput{}, Result: dues.Payment{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, _ store.Scope, in dues.PaymentInput) (any, error) {
				mid, err := ownMember(r)
				if err != nil {
					return nil, err
				}
				return a.Dues.Claim(r.Context(), mid, in)
			})},
		{Method: "POST", Path: "/api/v1/me/dues/bases/{id}/{action}", Perm: auth.PermSelf, Tag: "本人",
			Summary: "本人办理党费基数:confirm 确认、dispute 提出异议(写明理由)", Body: actBody, Result: dues.Base{},
			Handle: withIDBody("党费基数", func(r *http.Request, _ store.Scope, id int64, in dues.ActInput) (any, error) {
				mid, err := ownMember(r)
				if err != nil {
					return nil, err
				}
				return a.Dues.ActOnOwnBase(r.Context(), mid, id, r.PathValue("action"), in)
			})},
	}
}

func (a *API) listDuesPayments(r *http.Request, sc store.Scope) (any, error) {
	q := params{r: r}
	f := dues.PaymentFilter{OrgID: q.int("org"), MemberID: q.int("member"), Status: q.str("status"), Year: int(q.intIn("year", 0, 2100))}
	p := q.page()
	if q.err != nil {
		return nil, q.err
	}
	return a.Dues.Payments(r.Context(), sc, f, p)
}
