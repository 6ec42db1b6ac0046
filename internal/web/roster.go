package web

import (
	"net/http"
	"path/filepath"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/roster"
	"dangjian/internal/store"
)

func (s *Site) registerRoster(mux *http.ServeMux) {
	mux.HandleFunc("GET /members/import", s.signedIn(s.importForm))
	mux.HandleFunc("POST /members/import", s.signedIn(s.importRun))
}

type importData struct {
	Org    org.Org
	Report *roster.Report
	Mode   string
	DryRun bool
	Error  string
}

func (s *Site) importOrg(r *http.Request, id auth.Identity) (org.Org, error) {
	var o org.Org
	err := id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		var err error
		o, err = s.Orgs.Get(r.Context(), sc, queryID(r, "org"))
		return err
	})
	return o, err
}

func (s *Site) importForm(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	o, err := s.importOrg(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "import.html", "导入党员名册", importData{Org: o, Mode: "all", DryRun: true})
}

// importRun checks (and, unless it is a trial, writes) an uploaded roster and
// shows the result; asked for, the result comes back as a workbook with the
// bad cells marked.
func (s *Site) importRun(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	o, err := s.importOrg(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := importData{Org: o, Mode: r.PostFormValue("mode"), DryRun: r.PostFormValue("dry_run") == "1"}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		d.Error = "请选择要导入的文件(.xlsx 或 .csv)"
		s.show(w, r, id, http.StatusBadRequest, "import.html", "导入党员名册", d)
		return
	}
	defer file.Close()
	t, err := roster.ReadFile(filepath.Base(hdr.Filename), file)
	if err != nil {
		d.Error = err.Error()
		s.show(w, r, id, http.StatusBadRequest, "import.html", "导入党员名册", d)
		return
	}
	var rep roster.Report
	err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		im := &roster.Importer{DB: s.DB, Orgs: s.Orgs, Members: s.Members}
		rep, err = im.Import(r.Context(), sc, t, roster.Options{OrgID: o.ID, Mode: d.Mode, DryRun: d.DryRun})
		return err
	})
	if err != nil {
		if ae, ok := apperr.As(err); ok {
			d.Error = ae.Message
			s.show(w, r, id, ae.Status, "import.html", "导入党员名册", d)
			return
		}
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("as_excel") == "1" {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+"%E5%AF%BC%E5%85%A5%E6%A3%80%E6%9F%A5%E7%BB%93%E6%9E%9C.xlsx")
		if err := roster.WriteReport(w, t, rep); err != nil {
			s.Log.Error("import report", "err", err)
		}
		return
	}
	d.Report = &rep
	s.show(w, r, id, http.StatusOK, "import.html", "导入党员名册", d)
}
