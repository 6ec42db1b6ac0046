package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/roster"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

func (s *Site) orgsRoutes() []route {
	return []route{
		{"GET /orgs", auth.PermOrgRead, 0, legacy(s.orgTree)},
		{"GET /orgs/terms", auth.PermOrgRead, 0, s.termsPage},
		{"GET /orgs/{id}/stats/print", auth.PermStatsRead, 0, legacy(s.statsPrint)},
		{"POST /orgs/{id}/collection", auth.PermMemberReveal, 0, legacy(s.collectionExport)},
		{"GET /orgs/terms/export", auth.PermOrgRead, 0, s.termsExport},
		{"GET /orgs/{id}", auth.PermOrgRead, 0, legacy(s.orgPage)},
		{"GET /orgs/{id}/children", auth.PermOrgRead, 0, legacy(s.orgChildren)},
		{"GET /orgs/{id}/edit", auth.PermOrgWrite, 0, legacy(s.orgForm)},
		{"POST /orgs/{id}/edit", auth.PermOrgWrite, 0, legacy(s.orgSave)},
		{"GET /orgs/{id}/new", auth.PermOrgWrite, 0, legacy(s.orgForm)},
		{"POST /orgs/{id}/new", auth.PermOrgWrite, 0, legacy(s.orgSave)},
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
	Todo     []todoItem
}

// dashboard shows the figures of the highest organisation the user's figures cover.
func (s *Site) dashboard(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	scopes := id.ScopesFor(auth.PermStatsRead)
	if len(scopes) == 0 {
		http.Redirect(w, r, cmp.Or(cppccHome(id), "/me"), http.StatusSeeOther)
		return
	}
	roots, err := s.Orgs.Roots(r.Context(), scopes[0])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(roots) == 0 {
		s.show(w, r, id, http.StatusOK, "org.html", "概况", orgData{Empty: true})
		return
	}
	s.showOrg(w, r, id, roots[0].ID)
}

func (s *Site) orgPage(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showOrg(w, r, id, oid)
}

// showOrg shows an organisation: particulars, breadcrumbs, sub-organisations and subtree figures.
func (s *Site) showOrg(w http.ResponseWriter, r *http.Request, id auth.Identity, oid int64) {
	ctx := r.Context()
	var d orgData
	if r.URL.Path == "/" {
		// The landing page opens with what is due.
		var err error
		changes := stats.Changes()
		if d.Todo, err = s.todos(ctx, id); err != nil {
			s.fail(w, r, err)
			return
		}
		remember(id, d.Todo, changes)
		d.ShowTodo = true
	}
	err := id.Within(auth.PermOrgRead, func(sc store.Scope) error {
		o, err := s.Orgs.Get(ctx, sc, oid)
		if err != nil {
			return err
		}
		d.Org = o
		if d.Ancestors, err = s.Orgs.Ancestors(ctx, sc, o); err != nil {
			return err
		}
		if !o.TermEndsOn.IsZero() && !o.TermEndsOn.After(s.Work.Today().AddDate(0, 0, termSoon)) {
			// Due for 换届: chased with its secretary.
			if d.Reminders, err = s.remindFor(ctx, sc, "org", o.ID, cmp.Or(o.Secretary, o.Name), id.Allows(auth.PermOrgWrite, o.Path)); err != nil {
				return err
			}
		}
		d.Children, err = s.Orgs.Children(ctx, sc, oid)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.CanWrite = id.Allows(auth.PermOrgWrite, d.Org.Path)
	d.CanHoldOrgs = org.CanHold(d.Org.Type, "branch") == ""
	d.CanRead = id.Allows(auth.PermMemberRead, d.Org.Path)
	d.CanReveal = id.Allows(auth.PermMemberReveal, d.Org.Path)
	if id.Allows(auth.PermStatsRead, d.Org.Path) {
		m, err := stats.Read(ctx, s.DB, d.Org.Path)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Stats = stats.NewView(oid, m, date.Of(time.Now()).Year())
		if d.Work, err = s.summary(r, store.ScopeOf(d.Org.Path), d.Org, "", ""); err != nil {
			s.fail(w, r, err)
			return
		}
	} else {
		d.NoFigures = true
	}
	s.show(w, r, id, http.StatusOK, "org.html", d.Org.Name, d)
}

type treeData struct {
	Q       string
	Roots   []treeRoot
	Results []picked // with their parents' path
}

// treeRoot is a top organisation of the tree, shown open with its children.
type treeRoot struct {
	Org  org.Org
	Kids []org.Org
}

// orgTree shows the highest organisations the user sees; their children load on demand.
func (s *Site) orgTree(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d := treeData{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	scopes := id.ScopesFor(auth.PermOrgRead)
	if len(scopes) == 0 {
		s.fail(w, r, apperr.New("forbidden", http.StatusForbidden, "您的角色不能查看党组织"))
		return
	}
	for _, sc := range scopes {
		var list []org.Org
		var err error
		if d.Q != "" {
			if list, err = s.Orgs.Search(r.Context(), sc, d.Q, 100); err == nil {
				var found []picked
				found, err = s.offer(r.Context(), list)
				d.Results = append(d.Results, found...)
			}
		} else if list, err = s.Orgs.Roots(r.Context(), sc); err == nil {
			// The top opens with its children in sight: one click fewer to every branch.
			for _, o := range list {
				kids, err := s.Orgs.Children(r.Context(), sc, o.ID)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				d.Roots = append(d.Roots, treeRoot{Org: o, Kids: kids})
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.show(w, r, id, http.StatusOK, "tree.html", "党组织", d)
}

// orgChildren is the fragment of one node's children, fetched when the node opens.
func (s *Site) orgChildren(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var kids []org.Org
	err = id.Within(auth.PermOrgRead, func(sc store.Scope) error {
		kids, err = s.Orgs.Children(r.Context(), sc, oid)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "nodes", kids)
}

type orgFormData struct {
	Org    org.Org // the organisation edited, or the parent of a new one
	New    bool
	Form   *form
	Parent org.Org
}

func (s *Site) orgForm(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.orgFormWith(w, r, id, nil, http.StatusOK)
}

func (s *Site) orgFormWith(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := orgFormData{New: strings.HasSuffix(r.URL.Path, "/new"), Form: f}
	err = id.Within(auth.PermOrgWrite, func(sc store.Scope) error {
		d.Org, err = s.Orgs.Get(r.Context(), sc, oid)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Form == nil {
		d.Form = &form{Errors: map[string]string{}}
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
	s.show(w, r, id, status, "orgform.html", title, d)
}

func (s *Site) orgSave(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	in := org.Input{Name: f.opt("name"), Code: f.opt("code"), Type: f.opt("type"), Secretary: f.opt("secretary"), FoundedOn: f.date("founded_on"),
		TermYears: f.count("term_years"), ElectedOn: f.date("elected_on")}
	if in.Code == nil {
		empty := ""
		in.Code = &empty
	}
	creating := strings.HasSuffix(r.URL.Path, "/new")
	var saved org.Org
	if len(f.Errors) == 0 {
		err = id.Within(auth.PermOrgWrite, func(sc store.Scope) error {
			if creating {
				in.ParentID = &oid
				saved, err = s.Orgs.Create(r.Context(), sc, in)
			} else {
				saved, err = s.Orgs.Update(r.Context(), sc, oid, in)
			}
			return err
		})
		if err == nil {
			done(w, r, "/orgs/"+itoa(saved.ID), "已保存")
			return
		}
		if !s.onForm(w, r, f, err) {
			return
		}
	}
	s.orgFormWith(w, r, id, f, http.StatusBadRequest)
}

// collectionExport downloads the national information collection of an
// organisation in scope, its purpose recorded with it.
func (s *Site) collectionExport(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	err = id.Within(auth.PermMemberReveal, func(sc store.Scope) error {
		reason, err := roster.FullReason(f.Get("reason"))
		if err != nil {
			return err
		}
		o, err := s.Orgs.Get(r.Context(), sc, oid)
		if err != nil {
			return err
		}
		name, write, err := roster.CollectionExport(r.Context(), s.DB, s.Orgs, s.Members, sc, o, reason)
		if err != nil {
			return err
		}
		return sendXLSX(w, name, write)
	})
	if err != nil {
		s.fail(w, r, err)
	}
}
