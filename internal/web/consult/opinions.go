package consult

import (
	"cmp"
	"fmt"
	"io"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/opinion"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// The 社情民意 pages (their rows are in casesRoutes): the office's list, an
// item with its review and its adoptions, the issues of the 专刊 compiled
// from the items (a Word document each); a member's own items, sent and
// sent again.

type opinionsData struct {
	Committee committee.Committee
	Tab       string
	Tabs      []web.Tab
	List      store.List[opinion.Opinion]
	Pager     web.Pager
	Issues    []opinion.Issue
	Write     bool
	Form      *web.Form
	Modes     any
	Months    monthsChip
}

func (s *pages) opinionsList(c *web.Call) (web.Answer, error) {
	return s.opinionsPage(c, nil)
}

// opinionsPage is the office's list of 社情民意, f the refused form of an issue.
func (s *pages) opinionsPage(c *web.Call, f *web.Form) (web.Answer, error) {
	r := c.R
	d := opinionsData{Tab: cmp.Or(r.URL.Query().Get("tab"), "submitted"), Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Form: f, Modes: opinion.IssueModes}
	pg := web.PageOf(r)
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return nil, err
	}
	cm, err := s.committeeIn(r, sc)
	if err != nil {
		return nil, err
	}
	d.Committee = cm
	st := d.Tab
	if st == "all" {
		st = ""
	}
	d.Months = listMonths(r)
	if d.List, err = s.Cppcc.Opinions.Opinions(r.Context(), sc, cppcc.ViewOffice, opinion.Filter{CommitteeID: cm.ID, State: st, Months: d.Months.Period}, pg); err != nil {
		return nil, err
	}
	if d.Issues, err = s.Cppcc.Opinions.Issues(r.Context(), sc, cm.ID, s.Cppcc.Today().Year()); err != nil {
		return nil, err
	}
	for _, t := range opinion.States {
		d.Tabs = append(d.Tabs, web.Tab{Label: t.Label, Href: "/cppcc/opinions?tab=" + t.Code, Active: t.Code == d.Tab})
	}
	d.Tabs = append(d.Tabs, web.Tab{Label: "全部", Href: "/cppcc/opinions?tab=all", Active: d.Tab == "all"})
	d.Pager = web.NewPager(r, d.List.Total, pg)
	return web.View{Name: "opinions.html", Title: "社情民意", Data: d}, nil
}

type opinionData struct {
	O      opinion.Opinion
	Forms  map[string]*web.Form
	Write  bool
	Levels any
	Kinds  any
}

func (s *pages) opinionRoute(c *web.Call) (web.Answer, error) {
	oid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.opinionPage(c, oid, nil)
}

// opinionPage is an item of 社情民意, with forms the refused forms by action.
func (s *pages) opinionPage(c *web.Call, oid int64, forms map[string]*web.Form) (web.Answer, error) {
	d := opinionData{Forms: forms, Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Levels: cppcc.Levels, Kinds: opinion.AdoptionKinds}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return nil, err
	}
	if d.O, err = s.Cppcc.Opinions.GetOpinion(c.R.Context(), sc, cppcc.ViewOffice, oid); err != nil {
		return nil, err
	}
	return web.View{Name: "opinionpage.html", Title: d.O.Title, Data: d}, nil
}

func (s *pages) opinionAct(c *web.Call) (web.Answer, error) {
	r := c.R
	oid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(r)
	f.Labels = map[string]string{"title": "标题", "content": "正文", "note": "理由", "level": "层级", "kind": "类别", "by": "批示人", "text": "批示内容", "on": "日期"}
	action := r.PathValue("action")
	if action == "adopt" {
		in := opinion.AdoptionInput{Level: f.Get("level"), Kind: f.Get("kind"), By: f.Get("by"), Text: f.Get("text")}
		if d := f.Date("on"); d != nil {
			in.On = *d
		}
		_, err = s.Cppcc.Opinions.Adopt(r.Context(), c.Scope, oid, in)
	} else {
		_, err = s.Cppcc.Opinions.ReviewOpinion(r.Context(), c.Scope, oid, opinion.EditInput{Action: action, Title: f.Get("title"), Content: f.Get("content"), Note: f.Get("note")})
	}
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.opinionPage(c, oid, map[string]*web.Form{action: f}) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/opinions/%d", oid), Flash: map[string]string{"edit": "已核稿", "return": "已退回报送人修改", "unuse": "已作不予编发处理", "adopt": "已记录"}[action]}, nil
}

func (s *pages) issueCompile(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	f.Labels = map[string]string{"items": "编入的信息", "mode": "编发方式", "title": "综合标题", "signer": "签发人"}
	is, err := s.Cppcc.Opinions.Compile(r.Context(), c.Scope, opinion.IssueInput{CommitteeID: f.ID("committee_id"), Mode: f.Get("mode"), Title: f.Get("title"), Signer: f.Get("signer"), Items: ids(f.Values["items"])})
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) {
			r.URL.RawQuery = "tab=edited&committee=" + f.Get("committee_id")
			return s.opinionsPage(c, f)
		})
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/issues/%d?committee=%d", is.ID, is.CommitteeID), Flash: "已编为" + is.Label}, nil
}

type issueData struct {
	Committee committee.Committee
	I         opinion.Issue
	Write     bool
}

// issueOf reads the issue of the path, in the committee of the query.
func (s *pages) issueOf(c *web.Call) (issueData, error) {
	r := c.R
	d := issueData{Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0}
	iid, err := web.PathID(r)
	if err != nil {
		return d, err
	}
	if d.Committee, err = s.committeeIn(r, c.Scope); err != nil {
		return d, err
	}
	d.I, err = s.Cppcc.Opinions.Issue(r.Context(), c.Scope, d.Committee.ID, iid)
	return d, err
}

func (s *pages) issueRoute(c *web.Call) (web.Answer, error) {
	d, err := s.issueOf(c)
	if err != nil {
		return nil, err
	}
	return web.View{Name: "issue.html", Title: "社情民意专刊" + d.I.Label, Data: d}, nil
}

func (s *pages) issueDocx(c *web.Call) (web.Answer, error) {
	d, err := s.issueOf(c)
	if err != nil {
		return nil, err
	}
	return web.Download{Name: d.Committee.Name + "社情民意专刊" + d.I.Label + ".docx", ContentType: web.DocxType, Write: func(x io.Writer) error {
		return s.Cppcc.Opinions.WriteIssue(x, d.Committee, d.I)
	}}, nil
}

func (s *pages) issueForward(c *web.Call) (web.Answer, error) {
	iid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	is, err := s.Cppcc.Opinions.Forward(c.R.Context(), c.Scope, f.ID("committee_id"), iid, f.Get("to"))
	if err != nil {
		return nil, err
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/issues/%d?committee=%d", is.ID, is.CommitteeID), Flash: "已记录报送"}, nil
}

type myOpinionsData struct {
	Me   committee.Member
	List store.List[opinion.Opinion]
	Form *web.Form
	Max  int
}

func (s *pages) myOpinions(c *web.Call) (web.Answer, error) {
	return s.myOpinionsPage(c, &web.Form{Errors: map[string]string{}})
}

func (s *pages) myOpinionsPage(c *web.Call, f *web.Form) (web.Answer, error) {
	d := myOpinionsData{Form: f, Max: opinion.MaxLength}
	var err error
	if d.Me, err = s.Cppcc.Me(c.R.Context(), c.Scope, c.ID.User.ID); err != nil {
		return nil, err
	}
	if d.List, err = s.Cppcc.Opinions.Opinions(c.R.Context(), c.Scope, cppcc.ViewMember, opinion.Filter{}, web.PageOf(c.R)); err != nil {
		return nil, err
	}
	return web.View{Name: "myopinions.html", Title: "我的社情民意", Data: d}, nil
}

func (s *pages) myOpinionSubmit(c *web.Call) (web.Answer, error) {
	return s.myOpinionSend(c, 0)
}

// myOpinionResubmit sends a returned item again, as revised.
func (s *pages) myOpinionResubmit(c *web.Call) (web.Answer, error) {
	oid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.myOpinionSend(c, oid)
}

// myOpinionSend sends a new item (oid 0) or a returned one again.
func (s *pages) myOpinionSend(c *web.Call, oid int64) (web.Answer, error) {
	f := web.NewForm(c.R)
	f.Labels = map[string]string{"title": "标题", "content": "正文"}
	in := opinion.Input{Title: f.Get("title"), Content: f.Get("content")}
	var err error
	if oid == 0 {
		_, err = s.Cppcc.Opinions.SubmitOpinion(c.R.Context(), c.Scope, cppcc.ViewMember, in)
	} else {
		_, err = s.Cppcc.Opinions.ResubmitOpinion(c.R.Context(), c.Scope, oid, in)
	}
	switch {
	case err == nil:
		return web.Redirect{To: "/cppcc/my/opinions", Flash: "已报送,待政协办公室核稿"}, nil
	case apperr.IsNotFound(err):
		return nil, err
	}
	return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.myOpinionsPage(c, f) })
}
