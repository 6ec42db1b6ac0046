package consult

import (
	"fmt"
	"io"
	"net/url"

	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/duties"
	"dangjian/internal/store"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

// The 《政协简报》 (a numbered series per committee and year) and the
// documents of a meeting or an activity.
func (s *pages) briefRoutes() []route {
	return []route{
		{"GET /cppcc/briefs", auth.PermCppccRead, 0, s.briefList},
		{"POST /cppcc/briefs", auth.PermCppccWrite, 0, s.briefIssue},
		{"GET /cppcc/briefs/{id}", auth.PermCppccRead, 0, s.briefRoute},
		{"GET /cppcc/briefs/{id}/docx", auth.PermCppccRead, 0, s.briefDocx},
		{"POST /cppcc/activities/{id}/files", auth.PermCppccWrite, 0, s.activityUpload},
		{"GET /cppcc/activities/{id}/files/{file}", auth.PermCppccRead, 0, s.fileRoute(true, s.Cppcc.Duties.ActivityFileData)},
	}
}

type briefsData struct {
	Committee  committee.Committee
	Year       int
	Briefs     []duties.Brief
	Activities []duties.Activity // this year's, one of which an issue may report
	Write      bool
	Form       *web.Form
}

func (s *pages) briefList(c *web.Call) (web.Answer, error) {
	f := &web.Form{Values: url.Values{"activity_id": {c.R.URL.Query().Get("activity")}}, Errors: map[string]string{}}
	return s.briefsPage(c, f)
}

// briefsPage is the year's briefs of the committee, with f the form of a
// new issue.
func (s *pages) briefsPage(c *web.Call, f *web.Form) (web.View, error) {
	r := c.R
	d := briefsData{Year: s.boardYear(r), Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Form: f}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return web.View{}, err
	}
	if d.Committee, err = s.committeeIn(r, sc); err != nil {
		return web.View{}, err
	}
	if d.Briefs, err = s.Cppcc.Duties.Briefs(r.Context(), sc, d.Committee.ID, d.Year); err != nil {
		return web.View{}, err
	}
	if d.Write {
		l, err := s.Cppcc.Duties.Activities(r.Context(), sc, d.Committee.ID, duties.ActivityFilter{Year: s.Cppcc.Today().Year()}, store.Page{Size: store.MaxSize})
		if err != nil {
			return web.View{}, err
		}
		d.Activities = l.Items
		// The meeting chosen (from its page) titles the issue until the office writes its own.
		for _, a := range d.Activities {
			if web.Itoa(a.ID) == f.Get("activity_id") && f.Get("title") == "" {
				f.Values.Set("title", a.Topic())
			}
		}
	}
	return web.View{Name: "briefs.html", Title: d.Committee.Name + " · 政协简报", Data: d}, nil
}

func (s *pages) briefIssue(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	in := duties.BriefInput{CommitteeID: f.ID("committee_id"), Title: f.Get("title"), Content: f.Get("content"), ActivityID: f.ID("activity_id"), Signer: f.Get("signer")}
	if d := f.Date("issued_on"); d != nil {
		in.IssuedOn = *d
	}
	if len(f.Errors) > 0 {
		return badForm(s.briefsPage(c, f))
	}
	b, err := s.Cppcc.Duties.IssueBrief(c.R.Context(), c.Scope, in)
	if err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.briefsPage(c, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/briefs/%d?committee=%d", b.ID, b.CommitteeID), Flash: "已编发《政协简报》" + b.Label}, nil
}

type briefData struct {
	Committee committee.Committee
	B         duties.Brief
}

func (s *pages) briefOf(c *web.Call) (briefData, error) {
	var d briefData
	bid, err := web.PathID(c.R)
	if err != nil {
		return d, err
	}
	if d.Committee, err = s.committeeIn(c.R, c.Scope); err != nil {
		return d, err
	}
	d.B, err = s.Cppcc.Duties.Brief(c.R.Context(), c.Scope, d.Committee.ID, bid)
	return d, err
}

func (s *pages) briefRoute(c *web.Call) (web.Answer, error) {
	d, err := s.briefOf(c)
	if err != nil {
		return nil, err
	}
	return web.View{Name: "brief.html", Title: "政协简报" + d.B.Label, Data: d}, nil
}

func (s *pages) briefDocx(c *web.Call) (web.Answer, error) {
	d, err := s.briefOf(c)
	if err != nil {
		return nil, err
	}
	return web.Download{Name: d.Committee.Name + "政协简报" + d.B.Label + ".docx", ContentType: web.DocxType, Write: func(x io.Writer) error {
		return s.Cppcc.Duties.WriteBrief(x, d.Committee, d.B)
	}}, nil
}

// activityUpload adds a document to a meeting or an activity.
func (s *pages) activityUpload(c *web.Call) (web.Answer, error) {
	aid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	var name string
	var data []byte
	if file, hdr, err := c.R.FormFile("file"); err == nil {
		defer file.Close()
		if data, err = io.ReadAll(io.LimitReader(file, work.MaxAttachment+1)); err != nil {
			return nil, err
		}
		name = hdr.Filename
	}
	saved, err := s.Cppcc.Duties.AddActivityFile(c.R.Context(), c.Scope, aid, name, data)
	if err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.activityPage(c, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/activities/%d", aid), Flash: "已上传" + saved.Name}, nil
}
