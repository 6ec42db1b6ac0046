package consult

import (
	"context"
	"net/http"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// The committee's own setup (政协设置): what an office starting from an
// empty database registers before any proposal — its terms and sessions,
// its handling units, the committees below it and its lists.
func (s *pages) cppccSetupRoutes() []route {
	return []route{
		{"GET /cppcc/setup", auth.PermCppccRead, 0, s.cppccSetup},
		{"POST /cppcc/setup/{what}", auth.PermCppccWrite, 0, s.cppccSetupSave},
	}
}

type setupData struct {
	Committee committee.Committee
	Terms     []committee.Term
	Units     []committee.Committee
	Lower     []committee.Committee
	Members   int64
	Sectors   string
	Category  string
	Levels    []web.OptionItem
	Write     bool
	// Forms are the refused form, by what it registers.
	Forms map[string]*web.Form
}

// setupLabels name the setup forms' fields in the banner at the top.
var setupLabels = map[string]string{"number": "届次或会议次数", "starts_on": "开始日期", "ends_on": "结束日期", "opens_on": "开幕日期", "closes_on": "闭幕日期",
	"name": "名称", "level": "层级", "names": "名单", "term_id": "届", "parent_id": "上级政协"}

// setupLevels are the levels a committee below another may have.
var setupLevels = web.Options(committee.CommitteeLevels[1:])

// dayOf is a date field of f, the zero date when empty (the service names
// it) or malformed (f names it).
func dayOf(f *web.Form, name string) date.Date {
	if d := f.Date(name); d != nil {
		return *d
	}
	return date.Date{}
}

func (s *pages) cppccSetup(c *web.Call) (web.Answer, error) {
	return s.setupPage(c, nil)
}

// setupPage is the committee's setup, with forms the refused form by what
// it registers.
func (s *pages) setupPage(c *web.Call, forms map[string]*web.Form) (web.View, error) {
	d := setupData{Levels: setupLevels, Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Forms: forms}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return web.View{}, err
	}
	ctx := c.R.Context()
	if d.Committee, err = s.Cppcc.CommitteeOf(ctx, sc); err != nil {
		return web.View{}, err
	}
	if d.Terms, err = s.Cppcc.Terms(ctx, sc, d.Committee.ID); err != nil {
		return web.View{}, err
	}
	if d.Units, err = s.Cppcc.Units(ctx, sc, d.Committee.ID); err != nil {
		return web.View{}, err
	}
	all, err := s.Cppcc.Committees(ctx, sc)
	if err != nil {
		return web.View{}, err
	}
	for _, cm := range all {
		if cm.ParentID != nil && *cm.ParentID == d.Committee.ID {
			d.Lower = append(d.Lower, cm)
		}
	}
	members, err := s.Cppcc.Members(ctx, sc, d.Committee.ID, "", store.Page{Number: 1, Size: 1})
	if err != nil {
		return web.View{}, err
	}
	d.Members = members.Total
	for list, dst := range map[string]*string{"sector": &d.Sectors, "category": &d.Category} {
		names, err := s.Cppcc.Names(ctx, d.Committee.ID, list)
		if err != nil {
			return web.View{}, err
		}
		*dst = strings.Join(names, "\n")
	}
	return web.View{Name: "setup.html", Title: d.Committee.Name + " · 政协设置", Data: d}, nil
}

// setupSteps are what each setup form registers, with the message it leaves.
var setupSteps = map[string]struct {
	done string
	save func(s *pages, ctx context.Context, sc store.Scope, c committee.Committee, f *web.Form) error
}{
	"term": {"已登记届次", func(s *pages, ctx context.Context, sc store.Scope, c committee.Committee, f *web.Form) error {
		starts, ends := dayOf(f, "starts_on"), dayOf(f, "ends_on")
		if len(f.Errors) > 0 {
			return nil
		}
		_, err := s.Cppcc.NewTerm(ctx, sc, c.ID, int(f.ID("number")), starts, ends)
		return err
	}},
	"session": {"已登记会议", func(s *pages, ctx context.Context, sc store.Scope, c committee.Committee, f *web.Form) error {
		opens, closes := dayOf(f, "opens_on"), dayOf(f, "closes_on")
		if len(f.Errors) > 0 {
			return nil
		}
		_, err := s.Cppcc.NewSession(ctx, sc, f.ID("term_id"), int(f.ID("number")), opens, closes)
		return err
	}},
	"unit": {"已登记承办单位", func(s *pages, ctx context.Context, sc store.Scope, c committee.Committee, f *web.Form) error {
		_, err := s.Cppcc.NewUnit(ctx, sc, c.ID, f.Get("name"))
		return err
	}},
	"lower": {"已登记下级政协", func(s *pages, ctx context.Context, sc store.Scope, c committee.Committee, f *web.Form) error {
		_, err := s.Cppcc.NewLowerCommittee(ctx, sc, c.ID, f.Get("name"), f.Get("level"))
		return err
	}},
	"sector": {"已保存界别名单", func(s *pages, ctx context.Context, sc store.Scope, c committee.Committee, f *web.Form) error {
		_, err := s.Cppcc.SetList(ctx, sc, c.ID, "sector", strings.Split(f.Get("names"), "\n"))
		return err
	}},
	"category": {"已保存提案类别", func(s *pages, ctx context.Context, sc store.Scope, c committee.Committee, f *web.Form) error {
		_, err := s.Cppcc.SetList(ctx, sc, c.ID, "category", strings.Split(f.Get("names"), "\n"))
		return err
	}},
}

func (s *pages) cppccSetupSave(c *web.Call) (web.Answer, error) {
	what := c.R.PathValue("what")
	step, ok := setupSteps[what]
	if !ok {
		return nil, apperr.New("no_page", http.StatusNotFound, "没有这个页面")
	}
	f := web.NewForm(c.R)
	f.Labels = setupLabels
	forms := map[string]*web.Form{what: f}
	cm, err := s.Cppcc.CommitteeOf(c.R.Context(), c.Scope)
	if err == nil {
		err = step.save(s, c.R.Context(), c.Scope, cm, f)
	}
	if err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.setupPage(c, forms) })
	}
	if len(f.Errors) > 0 {
		return badForm(s.setupPage(c, forms))
	}
	return web.Redirect{To: "/cppcc/setup#" + what, Flash: step.done}, nil
}
