package library

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Kinds are the kinds of documents.
var Kinds = vocab.Enum{
	{Code: "experience", Label: "经验交流材料"},
	{Code: "research", Label: "调研报告"},
	{Code: "summary", Label: "工作总结"},
	{Code: "other", Label: "其他"},
}

// Visibilities are who may read a document.
var Visibilities = vocab.Enum{
	{Code: "system", Label: "全系统"},
	{Code: "subtree", Label: "本组织及上下级"},
	{Code: "public", Label: "公开"},
}

// Doc is a document of the library.
type Doc struct {
	ID              int64     `json:"id"`
	OrgID           int64     `json:"org_id"`
	OrgName         string    `json:"org_name"`
	Kind            string    `json:"kind"`
	KindLabel       string    `json:"kind_label"`
	Title           string    `json:"title"`
	Body            string    `json:"body"`
	Tags            []string  `json:"tags"`
	Visibility      string    `json:"visibility"`
	VisibilityLabel string    `json:"visibility_label"`
	State           string    `json:"state"`
	FileName        string    `json:"file_name"`
	PublishedOn     date.Date `json:"published_on"`
	Views           int64     `json:"views"`
	Downloads       int64     `json:"downloads"`
	UpdatedAt       time.Time `json:"-"`
	// OrgPath is the organisation's path, for the caller's rights on it
	// (empty for a committee's document).
	OrgPath string `json:"-"`
	// CommitteeID and CommitteePath name the committee whose document it is (0: an organisation's).
	CommitteeID   int64  `json:"committee_id,omitempty"`
	CommitteePath string `json:"-"`
}

// Service keeps the library and its index.
type Service struct {
	DB   *store.DB
	Orgs *org.Service
	// Dir is where the index is kept; empty keeps it in memory (tests).
	Dir string
	Now func() time.Time

	mu    sync.Mutex
	index bleve.Index
	// seen is the version (updated_at) of each document indexed, and mark
	// how far the rows were read: a sync reads again from a minute before
	// the mark, so that a row committed late with an earlier time is not missed.
	seen map[int64]time.Time
	mark time.Time
	// looked is when the table was last read.
	looked time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Limits of a document.
const (
	MaxTitle = 100
	MinBody  = 50
	MaxBody  = 200000
	MaxTags  = 10
	MaxTag   = 20
	MaxFile  = 10 << 20
)

// Input is a document to publish.
type Input struct {
	OrgID      int64    `json:"org_id"`
	Kind       string   `json:"kind"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Tags       []string `json:"tags"`
	Visibility string   `json:"visibility"`
	// FileName and File are an uploaded .docx (its text becomes the body
	// when none is written).
	FileName string `json:"-"`
	File     []byte `json:"-"`
}

// Split reads the words of a search or the tags of a document, written
// with any of the separators people use, each once.
func Split(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",\uff0c、;\uff1b \u3000\t\n", r) })
	var out []string
	for _, t := range f {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Publish stores a document of an organisation in the caller's scope and
// indexes it.
func (s *Service) Publish(ctx context.Context, sc store.Scope, in Input) (Doc, error) {
	var v apperr.Invalid
	o, err := s.Orgs.Get(ctx, sc, in.OrgID)
	if apperr.IsNotFound(err) {
		v.Add("org_id", "请选择您管理范围内的党组织")
	} else if err != nil {
		return Doc{}, err
	}
	return s.publish(ctx, v, Publisher{OrgID: o.ID, Path: o.Path}, in)
}

// Publisher is who publishes a document: an organisation (its id and
// path), or a committee (its id and path in the committees' tree), whose
// documents are read by the whole system or the public.
type Publisher struct {
	OrgID, CommitteeID int64
	Path               string
}

// PublishCommittee stores a document of the committee p (the caller has
// checked the right to write for it) and indexes it.
func (s *Service) PublishCommittee(ctx context.Context, p Publisher, in Input) (Doc, error) {
	var v apperr.Invalid
	if in.Visibility == "subtree" {
		v.Add("visibility", "政协的材料只能全系统可见或公开")
	}
	return s.publish(ctx, v, p, in)
}

func (s *Service) publish(ctx context.Context, v apperr.Invalid, p Publisher, in Input) (Doc, error) {
	kind, ok := Kinds.Parse(in.Kind)
	if !ok {
		v.Add("kind", "类型应为 %s 之一", Kinds.Labels())
	}
	vis, ok := Visibilities.Parse(in.Visibility)
	if !ok {
		v.Add("visibility", "公开范围应为 %s 之一", Visibilities.Labels())
	}
	in.Title = strings.TrimSpace(in.Title)
	if n := utf8.RuneCountInString(in.Title); n < 4 || n > MaxTitle {
		v.Add("title", "标题应为4至%d个字,现在是%d个字", MaxTitle, n)
	}
	if len(in.File) > 0 {
		if len(in.File) > MaxFile {
			v.Add("file", "上传的文件不能超过10MB")
		} else if text, err := DocxText(in.File); err != nil {
			v.Add("file", "%s不是可以读取的Word文档(.docx),请另存为.docx后再上传", in.FileName)
		} else if strings.TrimSpace(in.Body) == "" {
			in.Body = text
		}
	}
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if n := utf8.RuneCountInString(in.Body); n < MinBody || n > MaxBody {
		v.Add("body", "正文应为%d至%d个字,现在是%d个字(可以直接填写,也可以上传.docx)", MinBody, MaxBody, n)
	}
	if len(in.Tags) > MaxTags {
		v.Add("tags", "标签最多%d个", MaxTags)
	}
	for _, t := range in.Tags {
		if utf8.RuneCountInString(t) > MaxTag {
			v.Add("tags", "标签“%s”超过%d个字", t, MaxTag)
		}
	}
	if err := v.Err(); err != nil {
		return Doc{}, err
	}
	now := s.now().UTC()
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var file any
		if len(in.File) > 0 {
			file = in.File
		}
		// A committee's document has no organisation: province 0, empty path.
		orgPath, committee := p.Path, any(nil)
		if p.CommitteeID != 0 {
			orgPath, committee = "", p.CommitteeID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO library_docs (province_id, org_id, org_path, kind, title, body, tags, visibility, file_name, file_data,
			published_on, created_by, created_at, updated_at, committee_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id`,
			store.ProvinceOf(orgPath), p.OrgID, orgPath, kind, in.Title, in.Body, strings.Join(in.Tags, ","), vis, fileName(in), file,
			date.Of(now), actor(ctx), now, committee).Scan(&id); err != nil {
			return err
		}
		detail := map[string]any{"title": in.Title, "kind": kind, "visibility": vis}
		if p.CommitteeID != 0 {
			detail["committee_id"] = p.CommitteeID
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "create", ObjectType: "library_doc", ObjectID: id, OrgPath: orgPath, Detail: detail})
	})
	if err != nil {
		return Doc{}, err
	}
	return s.reindex(ctx, id)
}

// reindex reads a document this server just wrote and indexes it.
func (s *Service) reindex(ctx context.Context, id int64) (Doc, error) {
	d, err := s.read(ctx, s.DB, id)
	if err != nil {
		return d, err
	}
	return d, s.put(d)
}

func fileName(in Input) string {
	if len(in.File) == 0 {
		return ""
	}
	return in.FileName
}

func actor(ctx context.Context) any {
	if a := audit.ActorOf(ctx); a.UserID != 0 {
		return a.UserID
	}
	return nil
}

// Withdraw takes a published document of an organisation in scope out of
// the library (its row and number stay): a compare-and-set on its state.
func (s *Service) Withdraw(ctx context.Context, sc store.Scope, id int64) (Doc, error) {
	return s.withdraw(ctx, id, func(d Doc) bool { return d.CommitteeID == 0 && sc.Contains(d.OrgPath) })
}

// WithdrawCommittee takes a published document of the committee
// committeeID (the caller has checked the right to write for it) out of the library.
func (s *Service) WithdrawCommittee(ctx context.Context, committeeID, id int64) (Doc, error) {
	return s.withdraw(ctx, id, func(d Doc) bool { return d.CommitteeID != 0 && d.CommitteeID == committeeID })
}

func (s *Service) withdraw(ctx context.Context, id int64, mine func(Doc) bool) (Doc, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		d, err := s.read(ctx, tx, id)
		if err != nil {
			return err
		}
		if !mine(d) {
			return apperr.NotFound("文档")
		}
		res, err := tx.ExecContext(ctx, "UPDATE library_docs SET state = 'withdrawn', updated_at = $1 WHERE id = $2 AND state = 'published'"+
			store.ProvinceIs("province_id", d.OrgPath), s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Conflict("这篇文档已经撤回")
		}
		detail := map[string]any{"title": d.Title}
		if d.CommitteeID != 0 {
			detail["committee_id"] = d.CommitteeID
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "withdraw", ObjectType: "library_doc", ObjectID: id, OrgPath: d.OrgPath, Detail: detail})
	})
	if err != nil {
		return Doc{}, err
	}
	return s.reindex(ctx, id)
}

const docCols = `d.id, d.org_id, COALESCE(o.name, c.name, ''), d.org_path, d.kind, d.title, d.body, d.tags, d.visibility, d.state, d.file_name,
	d.published_on, d.views, d.downloads, d.updated_at, COALESCE(d.committee_id, 0), COALESCE(c.path, '')`

// docFrom reads a document with its organisation's or committee's name.
const docFrom = " FROM library_docs d LEFT JOIN orgs o ON o.id = d.org_id LEFT JOIN committees c ON c.id = d.committee_id"

func scanDoc(sc store.Scanner) (Doc, error) {
	var d Doc
	var tags string
	err := sc.Scan(&d.ID, &d.OrgID, &d.OrgName, &d.OrgPath, &d.Kind, &d.Title, &d.Body, &tags, &d.Visibility, &d.State, &d.FileName, &d.PublishedOn,
		&d.Views, &d.Downloads, &d.UpdatedAt, &d.CommitteeID, &d.CommitteePath)
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.NotFound("文档")
	}
	d.Tags = Split(tags)
	d.KindLabel, d.VisibilityLabel = Kinds.Label(d.Kind), Visibilities.Label(d.Visibility)
	return d, err
}

func (s *Service) read(ctx context.Context, q store.Querier, id int64) (Doc, error) {
	return scanDoc(q.QueryRowContext(ctx, "SELECT "+docCols+docFrom+" WHERE d.id = $1", id))
}

// Public is the reader without an account, on the public pages: public
// documents only. No organisation has its path (ids begin at 1).
var Public = store.ScopeOf("/0/")

func isPublic(sc store.Scope) bool { return sc.Path == Public.Path }

// visible is the condition of the documents a scope may read: public and
// system-wide ones, and those of its line (its subtree, and its parents'
// documents kept to their subtree); for Public, the public ones.
func visible(w *store.Where, sc store.Scope) {
	if isPublic(sc) {
		w.And("d.visibility = 'public'")
		return
	}
	var line []string
	var args []any
	for _, p := range sc.Parts() {
		lo, hi := store.ScopeOf(p).Range()
		line = append(line, "(d.org_path >= ? AND d.org_path < ?)")
		args = append(args, lo, hi)
		for _, a := range ancestors(p) {
			line = append(line, "d.org_path = ?")
			args = append(args, a)
		}
	}
	cond := "d.visibility IN ('public', 'system')"
	if len(line) > 0 {
		cond = "(" + cond + " OR (d.visibility = 'subtree' AND (" + strings.Join(line, " OR ") + ")))"
	}
	w.And(cond, args...)
}

// ancestors are the paths above path ("/1/7/" → "/1/").
func ancestors(path string) []string {
	var out []string
	ids := store.PathIDs(path)
	p := "/"
	for _, id := range ids[:max(len(ids)-1, 0)] {
		p += strconv.FormatInt(id, 10) + "/"
		out = append(out, p)
	}
	return out
}

// find reads a published document the scope may read.
func (s *Service) find(ctx context.Context, sc store.Scope, id int64) (Doc, error) {
	w := store.NewWhere(id)
	w.And("d.state = 'published'")
	visible(w, sc)
	return scanDoc(s.DB.QueryRowContext(ctx, "SELECT "+docCols+docFrom+" WHERE d.id = $1"+w.String(), w.Args...))
}

// count adds one to a document's views or downloads.
func (s *Service) count(ctx context.Context, d Doc, col string) error {
	_, err := s.DB.ExecContext(ctx, "UPDATE library_docs SET "+col+" = "+col+" + 1 WHERE id = $1"+store.ProvinceIs("province_id", d.OrgPath), d.ID)
	return err
}

// Get reads a published document the scope may read, counting the view.
func (s *Service) Get(ctx context.Context, sc store.Scope, id int64) (Doc, error) {
	d, err := s.find(ctx, sc, id)
	if err != nil {
		return d, err
	}
	d.Views++
	return d, s.count(ctx, d, "views")
}

// File is a document's .docx: the one uploaded, or else written from its
// text in the layout of official documents. The download is counted.
func (s *Service) File(ctx context.Context, sc store.Scope, id int64) (string, []byte, error) {
	d, err := s.find(ctx, sc, id)
	if err != nil {
		return "", nil, err
	}
	var data []byte
	if err := s.DB.QueryRowContext(ctx, "SELECT file_data FROM library_docs WHERE id = $1"+store.ProvinceIs("province_id", d.OrgPath), id).Scan(&data); err != nil {
		return "", nil, err
	}
	if err := s.count(ctx, d, "downloads"); err != nil {
		return "", nil, err
	}
	if len(data) > 0 {
		return d.FileName, data, nil
	}
	data, err = WriteDocx(d)
	return d.Title + ".docx", data, err
}
