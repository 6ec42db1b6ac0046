package public

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/library"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// The experience library's pages: the search, a document, publishing
// (written here or uploaded as .docx), a summary published from its page.
// publicLibraryRoutes are the library's public documents, for readers
// without an account.
func (s *pages) publicLibraryRoutes() []route {
	return []route{
		{"GET /public/library", web.Anyone, 0, s.publicLibrary},
		{"GET /public/library/doc/{id}", web.Anyone, 0, s.publicLibraryDoc},
		{"GET /public/library/doc/{id}/docx", web.Anyone, 0, s.publicLibraryFile},
	}
}

func (s *pages) libraryRoutes() []route {
	return []route{
		{"GET /library", auth.PermLibraryRead, 0, s.librarySearch},
		{"GET /library/new", auth.PermWorkWrite, 0, s.libraryNew},
		{"POST /library", auth.PermWorkWrite, library.MaxFile + 1<<20, s.libraryPublish},
		{"GET /library/{id}", auth.PermLibraryRead, 0, s.libraryDoc},
		{"GET /library/{id}/docx", auth.PermLibraryRead, 0, s.libraryFile},
		{"POST /library/{id}/withdraw", auth.PermWorkWrite, 0, s.libraryWithdraw},
		{"POST /cppcc/library/{id}/withdraw", auth.PermCppccWrite, 0, s.libraryWithdrawCommittee},
	}
}

// libraryScope is the part of the tree whose documents kept to a line the
// caller reads: the organisations of their grants (a member's own
// branch); a committee's roles read the public and system-wide ones.
func libraryScope(id auth.Identity) store.Scope {
	return store.Union(append(id.ScopesFor(auth.PermOrgRead), id.ScopesFor(auth.PermSelf)...)...)
}

type libraryData struct {
	// Base is where the library's pages are: /library, or /public/library for readers without an account.
	Base         string
	Q, Kind, Tag string
	Kinds        []web.Tab
	R            library.Results
	Pager        web.Pager
	Write        bool
}

func (s *pages) librarySearch(c *web.Call) (web.Answer, error) {
	d, err := s.libraryList(c.R, libraryScope(c.ID), "/library")
	if err != nil {
		return nil, err
	}
	d.Write = len(c.ID.ScopesFor(auth.PermWorkWrite)) > 0
	return web.View{Name: "library.html", Title: "经验交流", Data: d}, nil
}

// libraryList searches the documents sc reads for the page at base.
func (s *pages) libraryList(r *http.Request, sc store.Scope, base string) (libraryData, error) {
	q := r.URL.Query()
	d := libraryData{Base: base, Q: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Tag: q.Get("tag")}
	var err error
	d.R, err = s.Library.Search(r.Context(), sc, library.Query{Text: d.Q, Kind: d.Kind, Tag: d.Tag, Page: web.PageOf(r)})
	if err != nil {
		return d, err
	}
	link := func(kind string) string {
		v := url.Values{}
		for k, x := range map[string]string{"q": d.Q, "tag": d.Tag, "kind": kind} {
			if x != "" {
				v.Set(k, x)
			}
		}
		return base + "?" + v.Encode()
	}
	d.Kinds = append(d.Kinds, web.Tab{Href: link(""), Label: "全部", Active: d.Kind == ""})
	for _, k := range library.Kinds {
		label := k.Label
		if d.Kind == "" && d.Q == "" {
			label = fmt.Sprintf("%s(%d)", k.Label, d.R.Kinds[k.Code])
		}
		d.Kinds = append(d.Kinds, web.Tab{Href: link(k.Code), Label: label, Active: d.Kind == k.Code})
	}
	d.Pager = web.NewPager(r, d.R.Total, web.PageOf(r))
	return d, nil
}

// publicLibrary is the library's public documents for readers without an account.
func (s *pages) publicLibrary(c *web.Call) (web.Answer, error) {
	d, err := s.libraryList(c.R, library.Public, "/public/library")
	if err != nil {
		return nil, err
	}
	return web.View{Name: "library.html", Title: "经验交流(公开材料)", Data: d}, nil
}

// publicLibraryDoc is a public document for readers without an account.
func (s *pages) publicLibraryDoc(c *web.Call) (web.Answer, error) {
	d, err := s.libraryDocOf(c.R, library.Public, "/public/library")
	if err != nil {
		return nil, err
	}
	return web.View{Name: "librarydoc.html", Title: d.D.Title, Data: d}, nil
}

func (s *pages) publicLibraryFile(c *web.Call) (web.Answer, error) {
	return s.libraryFileOf(c.R, library.Public)
}

type libraryNewData struct {
	Form        *web.Form
	Org         web.OrgPick
	Kinds, Sees []web.OptionItem
	MaxMB       int
}

func libraryPicker() web.OrgPick {
	return web.OrgPick{ID: "org_id", Q: "org_q", Label: "发布的党组织", For: "library"}
}

func (s *pages) libraryNew(*web.Call) (web.Answer, error) {
	return s.libraryNewPage(&web.Form{Values: url.Values{}, Errors: map[string]string{}}, libraryPicker())
}

func (s *pages) libraryNewPage(f *web.Form, p web.OrgPick) (web.Answer, error) {
	d := libraryNewData{Form: f, Org: p, Kinds: web.Options(library.Kinds), Sees: web.Options(library.Visibilities), MaxMB: library.MaxFile >> 20}
	if p.Err == "" {
		d.Org.Err = f.Err("org_id")
	}
	return web.View{Name: "librarynew.html", Title: "发布经验交流材料", Data: d}, nil
}

func (s *pages) libraryPublish(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	f.Labels = libraryLabels
	p := libraryPicker()
	again := func() (web.Answer, error) { return s.libraryNewPage(f, p) }
	orgID, err := s.PickOrg(r.Context(), c.ID, f, &p)
	if err == nil && orgID == 0 && p.Err == "" {
		p.Err = "请选择发布的党组织"
	}
	if err != nil || p.Err != "" {
		if err == nil {
			err = apperr.InvalidField("org_id", "%s", p.Err)
		}
		return web.Refused(r, f, err, again)
	}
	in := library.Input{OrgID: orgID, Kind: f.Get("kind"), Title: f.Get("title"), Body: f.Get("body"), Tags: library.Split(f.Get("tags")),
		Visibility: f.Get("visibility")}
	if file, hdr, ferr := r.FormFile("file"); ferr == nil {
		defer file.Close()
		if in.File, err = io.ReadAll(io.LimitReader(file, library.MaxFile+1)); err != nil {
			return nil, err
		}
		in.FileName = hdr.Filename
	}
	doc, err := s.Library.Publish(r.Context(), c.Scope, in)
	if err != nil {
		return web.Refused(r, f, err, again)
	}
	return web.Redirect{To: fmt.Sprintf("/library/%d", doc.ID), Flash: "已发布到经验交流库"}, nil
}

// libraryLabels name the publishing form's fields in the banner.
var libraryLabels = map[string]string{"org_id": "发布的党组织", "kind": "类型", "title": "标题", "body": "正文", "tags": "标签", "visibility": "公开范围", "file": "Word文档"}

type libraryDocData struct {
	Base    string // as libraryData's
	D       library.Doc
	Paras   []string
	Related []library.Doc
	Write   bool
	// WithdrawPath withdraws it: by its organisation, or by its committee's office.
	WithdrawPath string
}

func (s *pages) libraryDoc(c *web.Call) (web.Answer, error) {
	d, err := s.libraryDocOf(c.R, libraryScope(c.ID), "/library")
	if err != nil {
		return nil, err
	}
	d.Write, d.WithdrawPath = c.ID.Allows(auth.PermWorkWrite, d.D.OrgPath), fmt.Sprintf("/library/%d/withdraw", d.D.ID)
	if d.D.CommitteeID != 0 {
		d.Write, d.WithdrawPath = c.ID.Allows(auth.PermCppccWrite, d.D.CommitteePath), fmt.Sprintf("/cppcc/library/%d/withdraw", d.D.ID)
	}
	return web.View{Name: "librarydoc.html", Title: d.D.Title, Data: d}, nil
}

// docPath is where a document's page is, below the library at base.
func docPath(base string) string {
	if base == "/library" {
		return "/library/"
	}
	return base + "/doc/"
}

// DocPath is where the documents' pages are.
func (d libraryData) DocPath() string { return docPath(d.Base) }

// DocPath is where the documents' pages are.
func (d libraryDocData) DocPath() string { return docPath(d.Base) }

// libraryDocOf reads a document sc reads, with its related ones, for the page at base.
func (s *pages) libraryDocOf(r *http.Request, sc store.Scope, base string) (libraryDocData, error) {
	d := libraryDocData{Base: base}
	did, err := web.PathID(r)
	if err != nil {
		return d, err
	}
	if d.D, err = s.Library.Get(r.Context(), sc, did); err == nil {
		d.Related, err = s.Library.Related(r.Context(), sc, d.D, 5)
	}
	d.Paras = strings.Split(d.D.Body, "\n")
	return d, err
}

func (s *pages) libraryFile(c *web.Call) (web.Answer, error) {
	return s.libraryFileOf(c.R, libraryScope(c.ID))
}

// libraryFileOf downloads the .docx of a document sc reads.
func (s *pages) libraryFileOf(r *http.Request, sc store.Scope) (web.Answer, error) {
	did, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	name, data, err := s.Library.File(r.Context(), sc, did)
	if err != nil {
		return nil, err
	}
	return web.FileDownload(name, data), nil
}

func (s *pages) libraryWithdraw(c *web.Call) (web.Answer, error) {
	did, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	if _, err := s.Library.Withdraw(c.R.Context(), c.Scope, did); err != nil {
		return nil, err
	}
	return web.Redirect{To: "/library", Flash: "已撤回,经验交流库中不再显示"}, nil
}

// libraryWithdrawCommittee withdraws a committee's document, by its office.
func (s *pages) libraryWithdrawCommittee(c *web.Call) (web.Answer, error) {
	did, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	d, err := s.Library.Get(c.R.Context(), libraryScope(c.ID), did)
	if err == nil && (d.CommitteeID == 0 || !c.ID.Allows(auth.PermCppccWrite, d.CommitteePath)) {
		err = apperr.NotFound("文档")
	}
	if err == nil {
		_, err = s.Library.WithdrawCommittee(c.R.Context(), d.CommitteeID, did)
	}
	if err != nil {
		return nil, err
	}
	return web.Redirect{To: "/library", Flash: "已撤回,经验交流库中不再显示"}, nil
}
