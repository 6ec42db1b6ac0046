package web

import (
	"context"
	"net/http"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// The committee's own setup (政协设置): what an office starting from an
// empty database registers before any proposal — its terms and sessions,
// its handling units, the committees below it and its lists.
func (s *Site) cppccSetupRoutes() []Route {
	return []Route{
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
	Levels    []OptionItem
	Write     bool
	// Forms are the refused form, by what it registers.
	Forms map[string]*Form
}

// setupLabels name the setup forms' fields in the banner at the top.
var setupLabels = map[string]string{"number": "届次或会议次数", "starts_on": "开始日期", "ends_on": "结束日期", "opens_on": "开幕日期", "closes_on": "闭幕日期",
	"name": "名称", "level": "层级", "names": "名单", "term_id": "届", "parent_id": "上级政协"}

// setupLevels are the levels a committee below another may have.
var setupLevels = Options(committee.CommitteeLevels[1:])

// dayOf is a date field of f, the zero date when empty (the service names
// it) or malformed (f names it).
func dayOf(f *Form, name string) date.Date {
	if d := f.Date(name); d != nil {
		return *d
	}
	return date.Date{}
}

func (s *Site) cppccSetup(c *Call) (Answer, error) {
	return s.setupPage(c, nil)
}

// setupPage is the committee's setup, with forms the refused form by what
// it registers.
func (s *Site) setupPage(c *Call, forms map[string]*Form) (View, error) {
	d := setupData{Levels: setupLevels, Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Forms: forms}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return View{}, err
	}
	ctx := c.R.Context()
	if d.Committee, err = s.Cppcc.CommitteeOf(ctx, sc); err != nil {
		return View{}, err
	}
	if d.Terms, err = s.Cppcc.Terms(ctx, sc, d.Committee.ID); err != nil {
		return View{}, err
	}
	if d.Units, err = s.Cppcc.Units(ctx, sc, d.Committee.ID); err != nil {
		return View{}, err
	}
	all, err := s.Cppcc.Committees(ctx, sc)
	if err != nil {
		return View{}, err
	}
	for _, cm := range all {
		if cm.ParentID != nil && *cm.ParentID == d.Committee.ID {
			d.Lower = append(d.Lower, cm)
		}
	}
	members, err := s.Cppcc.Members(ctx, sc, d.Committee.ID, "", store.Page{Number: 1, Size: 1})
	if err != nil {
		return View{}, err
	}
	d.Members = members.Total
	for list, dst := range map[string]*string{"sector": &d.Sectors, "category": &d.Category} {
		names, err := s.Cppcc.Names(ctx, d.Committee.ID, list)
		if err != nil {
			return View{}, err
		}
		*dst = strings.Join(names, "\n")
	}
	return View{Name: "setup.html", Title: d.Committee.Name + " · 政协设置", Data: d}, nil
}

// setupSteps are what each setup form registers, with the message it leaves.
var setupSteps = map[string]struct {
	done string
	save func(s *Site, ctx context.Context, sc store.Scope, c committee.Committee, f *Form) error
}{
	"term": {"已登记届次", func(s *Site, ctx context.Context, sc store.Scope, c committee.Committee, f *Form) error {
		starts, ends := dayOf(f, "starts_on"), dayOf(f, "ends_on")
		if len(f.Errors) > 0 {
			return nil
		}
		_, err := s.Cppcc.NewTerm(ctx, sc, c.ID, int(f.ID("number")), starts, ends)
		return err
	}},
	"session": {"已登记会议", func(s *Site, ctx context.Context, sc store.Scope, c committee.Committee, f *Form) error {
		opens, closes := dayOf(f, "opens_on"), dayOf(f, "closes_on")
		if len(f.Errors) > 0 {
			return nil
		}
		_, err := s.Cppcc.NewSession(ctx, sc, f.ID("term_id"), int(f.ID("number")), opens, closes)
		return err
	}},
	"unit": {"已登记承办单位", func(s *Site, ctx context.Context, sc store.Scope, c committee.Committee, f *Form) error {
		_, err := s.Cppcc.NewUnit(ctx, sc, c.ID, f.Get("name"))
		return err
	}},
	"lower": {"已登记下级政协", func(s *Site, ctx context.Context, sc store.Scope, c committee.Committee, f *Form) error {
		_, err := s.Cppcc.NewLowerCommittee(ctx, sc, c.ID, f.Get("name"), f.Get("level"))
		return err
	}},
	"sector": {"已保存界别名单", func(s *Site, ctx context.Context, sc store.Scope, c committee.Committee, f *Form) error {
		_, err := s.Cppcc.SetList(ctx, sc, c.ID, "sector", strings.Split(f.Get("names"), "\n"))
		return err
	}},
	"category": {"已保存提案类别", func(s *Site, ctx context.Context, sc store.Scope, c committee.Committee, f *Form) error {
		_, err := s.Cppcc.SetList(ctx, sc, c.ID, "category", strings.Split(f.Get("names"), "\n"))
		return err
	}},
}

func (s *Site) cppccSetupSave(c *Call) (Answer, error) {
	what := c.R.PathValue("what")
	step, ok := setupSteps[what]
	if !ok {
		return nil, apperr.New("no_page", http.StatusNotFound, "没有这个页面")
	}
	f := NewForm(c.R)
	f.Labels = setupLabels
	forms := map[string]*Form{what: f}
	cm, err := s.Cppcc.CommitteeOf(c.R.Context(), c.Scope)
	if err == nil {
		err = step.save(s, c.R.Context(), c.Scope, cm, f)
	}
	if err != nil {
		return Refused(c.R, f, err, func() (Answer, error) { return s.setupPage(c, forms) })
	}
	if len(f.Errors) > 0 {
		return badForm(s.setupPage(c, forms))
	}
	return Redirect{To: "/cppcc/setup#" + what, Flash: step.done}, nil
}
