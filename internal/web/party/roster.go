package party

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/web"
)

func (s *pages) rosterRoutes() []route {
	return []route{
		{"GET /members/import", auth.PermMemberWrite, 0, s.importForm},
		{"POST /members/import", auth.PermMemberWrite, spreadsheet.MaxFile, s.importStart},
		{"GET /imports/{job}", auth.PermMemberWrite, 0, s.importProgress},
		{"GET /imports/{job}/report", auth.PermMemberWrite, 0, s.importReport},
		{"POST /imports/{job}/confirm", auth.PermMemberWrite, 0, s.importConfirm},
	}
}

// importJob is an import running in the background, watched from its page.
type importJob struct {
	mu     sync.Mutex
	owner  int64
	org    org.Org
	dryRun bool
	mode   string
	// confirmed: a trial whose 确认导入 was taken (it starts one import).
	confirmed bool
	file      string // the file's name and content: the report writes it back
	content   []byte
	done      int
	total     int
	queued    bool
	report    *spreadsheet.Report
	err       string
	started   time.Time
	finished  bool
}

// jobs holds the imports of the last hour.
var jobs = struct {
	sync.Mutex
	m map[string]*importJob
}{m: map[string]*importJob{}}

type importData struct {
	Org      org.Org
	Report   *spreadsheet.Report
	Mode     string
	DryRun   bool
	Error    string
	Job      string
	Done     int
	Total    int
	Running  bool
	Queued   bool
	Finished bool
	// CanConfirm: a trial run found nothing wrong; 确认导入 writes the same file.
	CanConfirm bool
}

// importOrg is the organisation an import writes under, in the caller's grants for writing the roster.
func (s *pages) importOrg(c *web.Call) (org.Org, error) {
	return s.Orgs.Get(c.R.Context(), c.Scope, web.QueryID(c.R, "org"))
}

func (s *pages) importForm(c *web.Call) (web.Answer, error) {
	o, err := s.importOrg(c)
	if err != nil {
		return nil, err
	}
	return web.View{Name: "import.html", Title: "导入党员名册", Data: importData{Org: o, Mode: "all", DryRun: true}}, nil
}

// importStart reads the uploaded roster and starts checking and writing it
// in the background; the browser is sent to the page that shows the progress.
func (s *pages) importStart(c *web.Call) (web.Answer, error) {
	r := c.R
	o, err := s.importOrg(c)
	if err != nil {
		return nil, err
	}
	d := importData{Org: o, Mode: r.PostFormValue("mode"), DryRun: r.PostFormValue("dry_run") == "1"}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		d.Error = "请选择要导入的文件(.xlsx、.xls 或 .csv)"
		return web.View{Status: http.StatusBadRequest, Name: "import.html", Title: "导入党员名册", Data: d}, nil
	}
	defer file.Close()
	name := filepath.Base(hdr.Filename)
	content, err := io.ReadAll(file)
	if err == nil {
		// Opened here to refuse a bad file at once, and again when the import's turn comes.
		var sh *spreadsheet.Sheet
		if sh, err = spreadsheet.Open(name, bytes.NewReader(content)); err == nil {
			_, err = sh.Header()
			err = errors.Join(err, sh.Close())
		}
	}
	if err != nil {
		d.Error = err.Error()
		return web.View{Status: http.StatusBadRequest, Name: "import.html", Title: "导入党员名册", Data: d}, nil
	}
	return s.launch(c, o, name, content, d.Mode, d.DryRun), nil
}

// launch starts checking and writing an uploaded roster in the background
// and sends the browser to the page that shows its progress.
func (s *pages) launch(c *web.Call, o org.Org, name string, content []byte, mode string, dryRun bool) web.Answer {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	key := hex.EncodeToString(b)
	job := &importJob{owner: c.ID.User.ID, org: o, dryRun: dryRun, mode: mode, file: name, content: content, started: time.Now()}
	jobs.Lock()
	for k, j := range jobs.m {
		if time.Since(j.started) > time.Hour {
			delete(jobs.m, k)
		}
	}
	jobs.m[key] = job
	jobs.Unlock()
	// The import outlives the request; it keeps the caller as the actor of its changes.
	ctx := context.WithoutCancel(c.R.Context())
	sc := c.Scope
	go func() {
		im := &spreadsheet.Importer{DB: s.DB, Orgs: s.Orgs, Members: s.Members}
		rep, err := im.ImportFile(ctx, sc, name, content, spreadsheet.Options{OrgID: o.ID, Mode: mode, DryRun: dryRun,
			Queued: func() {
				job.mu.Lock()
				job.queued = true
				job.mu.Unlock()
			},
			Progress: func(done, total int) {
				job.mu.Lock()
				job.done, job.total, job.queued = done, total, false
				job.mu.Unlock()
			}})
		job.mu.Lock()
		defer job.mu.Unlock()
		job.finished = true
		if err != nil {
			if ae, ok := apperr.As(err); ok {
				job.err = ae.Message
			} else {
				s.Log.Error("import", "err", err)
				job.err = "导入时发生内部错误,未写入任何一行;请稍后再试"
			}
			return
		}
		job.report = &rep
	}()
	return web.Redirect{To: "/imports/" + key + "?org=" + web.Itoa(o.ID)}
}

func (s *pages) job(r *http.Request, id auth.Identity) (*importJob, error) {
	jobs.Lock()
	job, ok := jobs.m[r.PathValue("job")]
	jobs.Unlock()
	if !ok || job.owner != id.User.ID {
		return nil, apperr.NotFound("导入任务")
	}
	return job, nil
}

// importProgress shows how far an import is; the page reloads itself each
// second until the import ends, then shows the result.
func (s *pages) importProgress(c *web.Call) (web.Answer, error) {
	job, err := s.job(c.R, c.ID)
	if err != nil {
		return nil, err
	}
	job.mu.Lock()
	d := importData{Org: job.org, Job: c.R.PathValue("job"), Done: job.done, Total: job.total, Running: !job.finished,
		Queued: job.queued, Finished: job.finished, Report: job.report, Error: job.err, DryRun: job.dryRun, Mode: "all"}
	d.CanConfirm = confirmable(job)
	job.mu.Unlock()
	v := web.View{Name: "import.html", Title: "导入党员名册", Data: d}
	if d.Running {
		v.Refresh = 1
	}
	return v, nil
}

// confirmable tells whether a finished job was a trial that found nothing
// wrong (its lock held).
func confirmable(job *importJob) bool {
	return job.finished && job.dryRun && !job.confirmed && job.report != nil && len(job.report.Errors) == 0 && !job.report.Refused
}

// importConfirm writes the file of a clean trial run, without choosing it again.
func (s *pages) importConfirm(c *web.Call) (web.Answer, error) {
	job, err := s.job(c.R, c.ID)
	if err != nil {
		return nil, err
	}
	job.mu.Lock()
	ok, name, content, mode, o := confirmable(job), job.file, job.content, job.mode, job.org
	job.confirmed = true // taken once, however many times it is sent
	job.mu.Unlock()
	if !ok {
		return nil, apperr.Conflict("只有检查无误的试导入才能确认导入;请重新选择文件")
	}
	// The organisation is read again: the caller may have lost it since.
	if o, err = s.Orgs.Get(c.R.Context(), c.Scope, o.ID); err != nil {
		return nil, err
	}
	return s.launch(c, o, name, content, mode, false), nil
}

// importReport downloads the checked roster with the bad cells marked.
func (s *pages) importReport(c *web.Call) (web.Answer, error) {
	job, err := s.job(c.R, c.ID)
	if err != nil {
		return nil, err
	}
	job.mu.Lock()
	rep := job.report
	job.mu.Unlock()
	if rep == nil {
		return nil, apperr.Conflict("导入尚未完成")
	}
	return web.Download{Name: "导入检查结果.xlsx", ContentType: web.XlsxType, Stream: true, Write: func(w io.Writer) error {
		sh, err := spreadsheet.Open(job.file, bytes.NewReader(job.content))
		if err != nil {
			return err
		}
		defer sh.Close()
		return spreadsheet.WriteReport(w, sh, *rep)
	}}, nil
}
