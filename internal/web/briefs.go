package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// The 《政协简报》 (a numbered series per committee and year) and the
// documents of a meeting or an activity.
func (s *Site) briefRoutes() []route {
	return []route{
		{"GET /cppcc/briefs", auth.PermCppccRead, 0, legacy(s.briefList)},
		{"POST /cppcc/briefs", auth.PermCppccWrite, 0, legacy(s.briefIssue)},
		{"GET /cppcc/briefs/{id}", auth.PermCppccRead, 0, legacy(s.briefRoute)},
		{"GET /cppcc/briefs/{id}/docx", auth.PermCppccRead, 0, legacy(s.briefDocx)},
		{"POST /cppcc/activities/{id}/files", auth.PermCppccWrite, 0, legacy(s.activityUpload)},
		{"GET /cppcc/activities/{id}/files/{file}", auth.PermCppccRead, 0, s.fileRoute(true, s.Cppcc.Duties.ActivityFileData)},
	}
}

type briefsData struct {
	Committee  cppcc.Committee
	Year       int
	Briefs     []duties.Brief
	Activities []duties.Activity // this year's, one of which an issue may report
	Write      bool
	Form       *form
}

func (s *Site) briefList(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := &form{Values: url.Values{"activity_id": {r.URL.Query().Get("activity")}}, Errors: map[string]string{}}
	s.briefsPage(w, r, id, f, http.StatusOK)
}

func (s *Site) briefsPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := briefsData{Year: s.boardYear(r), Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0, Form: f}
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		var err error
		if d.Committee, err = s.committeeIn(r, sc); err != nil {
			return err
		}
		if d.Briefs, err = s.Cppcc.Duties.Briefs(r.Context(), sc, d.Committee.ID, d.Year); err != nil || !d.Write {
			return err
		}
		l, err := s.Cppcc.Duties.Activities(r.Context(), sc, d.Committee.ID, duties.ActivityFilter{Year: s.Cppcc.Today().Year()}, store.Page{Size: store.MaxSize})
		d.Activities = l.Items
		// The meeting chosen (from its page) titles the issue until the office writes its own.
		for _, a := range d.Activities {
			if itoa(a.ID) == f.Get("activity_id") && f.Get("title") == "" {
				f.Values.Set("title", a.Topic())
			}
		}
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "briefs.html", d.Committee.Name+" · 政协简报", d)
}

func (s *Site) briefIssue(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	in := duties.BriefInput{CommitteeID: f.id("committee_id"), Title: f.Get("title"), Content: f.Get("content"), ActivityID: f.id("activity_id"), Signer: f.Get("signer")}
	if d := f.date("issued_on"); d != nil {
		in.IssuedOn = *d
	}
	if len(f.Errors) > 0 {
		s.briefsPage(w, r, id, f, http.StatusBadRequest)
		return
	}
	var b duties.Brief
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		var err error
		b, err = s.Cppcc.Duties.IssueBrief(r.Context(), sc, in)
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/briefs/%d?committee=%d", b.ID, b.CommitteeID), "已编发《政协简报》"+b.Label)
		return
	}
	if s.onForm(w, r, f, err) {
		s.briefsPage(w, r, id, f, http.StatusBadRequest)
	}
}

type briefData struct {
	Committee cppcc.Committee
	B         duties.Brief
}

func (s *Site) briefOf(r *http.Request, id auth.Identity) (briefData, error) {
	var d briefData
	bid, err := pathID(r)
	if err != nil {
		return d, err
	}
	err = id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		var err error
		if d.Committee, err = s.committeeIn(r, sc); err != nil {
			return err
		}
		d.B, err = s.Cppcc.Duties.Brief(r.Context(), sc, d.Committee.ID, bid)
		return err
	})
	return d, err
}

func (s *Site) briefRoute(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d, err := s.briefOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "brief.html", "政协简报"+d.B.Label, d)
}

func (s *Site) briefDocx(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d, err := s.briefOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := sendDocx(w, d.Committee.Name+"政协简报"+d.B.Label+".docx", func(x io.Writer) error {
		return s.Cppcc.Duties.WriteBrief(x, d.Committee, d.B)
	}); err != nil {
		s.fail(w, r, err)
	}
}

// activityUpload adds a document to a meeting or an activity.
func (s *Site) activityUpload(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	aid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	var name string
	var data []byte
	if file, hdr, err := r.FormFile("file"); err == nil {
		defer file.Close()
		if data, err = io.ReadAll(io.LimitReader(file, work.MaxAttachment+1)); err != nil {
			s.fail(w, r, err)
			return
		}
		name = hdr.Filename
	}
	var saved cppcc.File
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		var err error
		saved, err = s.Cppcc.Duties.AddActivityFile(r.Context(), sc, aid, name, data)
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/activities/%d", aid), "已上传"+saved.Name)
		return
	}
	if s.onForm(w, r, f, err) {
		s.activityPage(w, r, id, f, http.StatusBadRequest)
	}
}
