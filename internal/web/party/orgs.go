package party

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/collection"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

func (s *pages) orgsRoutes() []route {
	return []route{
		{"GET /orgs", auth.PermOrgRead, 0, s.orgTree},
		{"GET /orgs/terms", auth.PermOrgRead, 0, s.termsPage},
		{"GET /orgs/{id}/stats/print", auth.PermStatsRead, 0, s.statsPrint},
		{"POST /orgs/{id}/collection", auth.PermMemberReveal, 0, s.collectionExport},
		{"GET /orgs/terms/export", auth.PermOrgRead, 0, s.termsExport},
		{"GET /orgs/{id}", auth.PermOrgRead, 0, s.orgPage},
		{"GET /orgs/{id}/children", auth.PermOrgRead, 0, s.orgChildren},
		{"GET /orgs/{id}/edit", auth.PermOrgWrite, 0, s.orgForm},
		{"POST /orgs/{id}/edit", auth.PermOrgWrite, 0, s.orgSave},
		{"GET /orgs/{id}/new", auth.PermOrgWrite, 0, s.orgForm},
		{"POST /orgs/{id}/new", auth.PermOrgWrite, 0, s.orgSave},
	}
}

type orgData struct {
	Org       org.Org
	Ancestors []org.Org
	Children  []org.Org
	Stats     stats.View
	Work      workSummary
	CanWrite  bool
	// CanHoldOrgs: organisations may stand below this one (not below a branch).
	CanHoldOrgs bool
	CanRead     bool // rows about persons
	CanReveal   bool // the collection, with clear ID numbers
	Empty       bool
	NoFigures   bool
	// Reminders: the 催办 of an organisation whose term ends within 90 days.
	Reminders *remindView
	// ShowTodo: the landing page, which opens with the to-do list.
	ShowTodo bool
	Todo     []web.TodoItem
}

// dashboard shows the figures of the highest organisation the user's figures cover.
func (s *pages) dashboard(c *web.Call) (web.Answer, error) {
	scopes := c.ID.ScopesFor(auth.PermStatsRead)
	if len(scopes) == 0 {
		return web.Redirect{To: cmp.Or(web.CppccHome(c.ID), "/me")}, nil
	}
	roots, err := s.Orgs.Roots(c.R.Context(), scopes[0])
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		return web.View{Name: "org.html", Title: "概况", Data: orgData{Empty: true}}, nil
	}
	return s.showOrg(c, roots[0].ID)
}

func (s *pages) orgPage(c *web.Call) (web.Answer, error) {
	oid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.showOrg(c, oid)
}

// showOrg shows an organisation: particulars, breadcrumbs, sub-organisations and subtree figures.
func (s *pages) showOrg(c *web.Call, oid int64) (web.Answer, error) {
	r, id := c.R, c.ID
	ctx := r.Context()
	var d orgData
	if r.URL.Path == "/" {
		// The landing page opens with what is due.
		var err error
		changes := stats.Changes()
		if d.Todo, err = s.Todos(ctx, id); err != nil {
			return nil, err
		}
		web.Remember(id, d.Todo, changes)
		d.ShowTodo = true
	}
	// The landing page's row asks for no permission: the organisation is read within the grants that may read it.
	sc, err := c.Within(auth.PermOrgRead)
	if err != nil {
		return nil, err
	}
	if d.Org, err = s.Orgs.Get(ctx, sc, oid); err != nil {
		return nil, err
	}
	o := d.Org
	if d.Ancestors, err = s.Orgs.Ancestors(ctx, sc, o); err != nil {
		return nil, err
	}
	if !o.TermEndsOn.IsZero() && !o.TermEndsOn.After(s.Work.Today().AddDate(0, 0, web.TermSoon)) {
		// Due for 换届: chased with its secretary.
		if d.Reminders, err = s.remindFor(ctx, sc, "org", o.ID, cmp.Or(o.Secretary, o.Name), id.Allows(auth.PermOrgWrite, o.Path)); err != nil {
			return nil, err
		}
	}
	if d.Children, err = s.Orgs.Children(ctx, sc, oid); err != nil {
		return nil, err
	}
	d.CanWrite = id.Allows(auth.PermOrgWrite, d.Org.Path)
	d.CanHoldOrgs = org.CanHold(d.Org.Type, "branch") == ""
	d.CanRead = id.Allows(auth.PermMemberRead, d.Org.Path)
	d.CanReveal = id.Allows(auth.PermMemberReveal, d.Org.Path)
	if id.Allows(auth.PermStatsRead, d.Org.Path) {
		m, err := stats.Read(ctx, s.DB, d.Org.Path)
		if err != nil {
			return nil, err
		}
		d.Stats = stats.NewView(oid, m, date.Of(time.Now()).Year())
		if d.Work, err = s.summary(r, store.ScopeOf(d.Org.Path), d.Org, "", ""); err != nil {
			return nil, err
		}
	} else {
		d.NoFigures = true
	}
	return web.View{Name: "org.html", Title: d.Org.Name, Data: d}, nil
}

type treeData struct {
	Q       string
	Roots   []treeRoot
	Results []web.Picked // with their parents' path
}

// treeRoot is a top organisation of the tree, shown open with its children.
type treeRoot struct {
	Org  org.Org
	Kids []org.Org
}

// orgTree shows the highest organisations the user sees; their children load on demand.
func (s *pages) orgTree(c *web.Call) (web.Answer, error) {
	r := c.R
	d := treeData{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	for _, sc := range c.ID.ScopesFor(auth.PermOrgRead) {
		if d.Q != "" {
			list, err := s.Orgs.Search(r.Context(), sc, d.Q, 100)
			if err != nil {
				return nil, err
			}
			found, err := s.Offer(r.Context(), list)
			if err != nil {
				return nil, err
			}
			d.Results = append(d.Results, found...)
			continue
		}
		list, err := s.Orgs.Roots(r.Context(), sc)
		if err != nil {
			return nil, err
		}
		// The top opens with its children in sight: one click fewer to every branch.
		for _, o := range list {
			kids, err := s.Orgs.Children(r.Context(), sc, o.ID)
			if err != nil {
				return nil, err
			}
			d.Roots = append(d.Roots, treeRoot{Org: o, Kids: kids})
		}
	}
	return web.View{Name: "tree.html", Title: "党组织", Data: d}, nil
}

// orgChildren is the fragment of one node's children, fetched when the node opens.
func (s *pages) orgChildren(c *web.Call) (web.Answer, error) {
	oid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	kids, err := s.Orgs.Children(c.R.Context(), c.Scope, oid)
	if err != nil {
		return nil, err
	}
	return web.Part{Name: "nodes", Data: kids}, nil
}

type orgFormData struct {
	Org    org.Org // the organisation edited, or the parent of a new one
	New    bool
	Form   *web.Form
	Parent org.Org
}

func (s *pages) orgForm(c *web.Call) (web.Answer, error) {
	return s.orgFormWith(c, nil)
}

// orgFormWith is the form of an organisation, with f the refused form.
func (s *pages) orgFormWith(c *web.Call, f *web.Form) (web.Answer, error) {
	r := c.R
	oid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	d := orgFormData{New: strings.HasSuffix(r.URL.Path, "/new"), Form: f}
	if d.Org, err = s.Orgs.Get(r.Context(), c.Scope, oid); err != nil {
		return nil, err
	}
	if d.Form == nil {
		d.Form = &web.Form{Errors: map[string]string{}}
		if !d.New {
			d.Form.Values = map[string][]string{"name": {d.Org.Name}, "code": {d.Org.Code}, "type": {d.Org.Type},
				"secretary": {d.Org.Secretary}, "founded_on": {d.Org.FoundedOn.String()}, "elected_on": {d.Org.ElectedOn.String()}, "term_years": {""}}
			if d.Org.TermYears > 0 {
				d.Form.Values.Set("term_years", strconv.Itoa(d.Org.TermYears))
			}
		}
	}
	title := "修改党组织信息"
	if d.New {
		title = "新建下级党组织"
	}
	return web.View{Name: "orgform.html", Title: title, Data: d}, nil
}

func (s *pages) orgSave(c *web.Call) (web.Answer, error) {
	r := c.R
	oid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(r)
	in := org.Input{Name: f.Opt("name"), Code: f.Opt("code"), Type: f.Opt("type"), Secretary: f.Opt("secretary"), FoundedOn: f.Date("founded_on"),
		TermYears: f.Count("term_years"), ElectedOn: f.Date("elected_on")}
	if in.Code == nil {
		empty := ""
		in.Code = &empty
	}
	if err = f.Invalid(); err == nil {
		var saved org.Org
		if strings.HasSuffix(r.URL.Path, "/new") {
			in.ParentID = &oid
			saved, err = s.Orgs.Create(r.Context(), c.Scope, in)
		} else {
			saved, err = s.Orgs.Update(r.Context(), c.Scope, oid, in)
		}
		if err == nil {
			return web.Redirect{To: "/orgs/" + web.Itoa(saved.ID), Flash: "已保存"}, nil
		}
	}
	return web.Refused(r, f, err, func() (web.Answer, error) { return s.orgFormWith(c, f) })
}

// collectionExport downloads the national information collection of an
// organisation in scope, its purpose recorded with it.
func (s *pages) collectionExport(c *web.Call) (web.Answer, error) {
	oid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	reason, err := spreadsheet.FullReason(f.Get("reason"))
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.Get(c.R.Context(), c.Scope, oid)
	if err != nil {
		return nil, err
	}
	name, write, err := collection.CollectionExport(c.R.Context(), s.DB, s.Orgs, s.Members, c.Scope, o, reason)
	if err != nil {
		return nil, err
	}
	return web.Download{Name: name, ContentType: web.XlsxType, Stream: true, Write: write}, nil
}
