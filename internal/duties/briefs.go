package duties

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/report"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// Brief is an issue of the 《政协简报》, numbered per committee and year
// like the 专刊; it may report one meeting or activity.
type Brief struct {
	ID            int64     `json:"id"`
	CommitteeID   int64     `json:"committee_id"`
	Year          int       `json:"year"`
	Number        int       `json:"number"`
	Label         string    `json:"label"`
	Title         string    `json:"title"`
	Content       string    `json:"content"`
	ActivityID    *int64    `json:"activity_id"`
	ActivityTitle string    `json:"activity_title"`
	Signer        string    `json:"signer"`
	IssuedOn      date.Date `json:"issued_on"`
	month         int
	province      int64
}

// BriefInput is a new issue of the 简报.
type BriefInput struct {
	CommitteeID int64     `json:"committee_id"`
	Title       string    `json:"title"`
	Content     string    `json:"content"`
	ActivityID  int64     `json:"activity_id"`
	Signer      string    `json:"signer"`
	IssuedOn    date.Date `json:"issued_on"`
}

// BriefMax is the longest text of an issue of the 简报.
const BriefMax = 20000

const briefCols = `b.id, b.committee_id, b.year, b.number, b.title, b.content, b.activity_id, COALESCE(a.title, ''), b.signer, b.issued_on, b.month, b.province_id`

const briefFrom = ` FROM cppcc_briefs b LEFT JOIN cppcc_activities a ON a.province_id = b.province_id AND a.id = b.activity_id`

func scanBrief(r store.Scanner) (Brief, error) {
	var b Brief
	var activity sql.NullInt64
	err := r.Scan(&b.ID, &b.CommitteeID, &b.Year, &b.Number, &b.Title, &b.Content, &activity, &b.ActivityTitle, &b.Signer, &b.IssuedOn, &b.month, &b.province)
	if activity.Valid {
		b.ActivityID = &activity.Int64
	}
	b.Label = cppcc.IssueLabel(b.Year, b.Number)
	return b, err
}

// briefDelta is what an issue of the 简报 adds to its committee's figures.
func briefDelta(month int, sign int64) stats.Delta {
	d := stats.Delta{}
	for _, k := range cppcc.WithYears(month, []string{"p|" + strconv.Itoa(month) + "|brief"}) {
		d[k] += sign
	}
	return d
}

// briefTitleRule is the rule of an issue's title.
const briefTitleRule = "简报标题应在 4 到 60 字之间"

// IssueBrief makes the next numbered issue of the year's 简报 of a committee
// in scope (the office); an issue reporting a meeting, left untitled, is
// titled with the meeting's topic.
func (s *Service) IssueBrief(ctx context.Context, sc store.Scope, in BriefInput) (Brief, error) {
	var v apperr.Invalid
	in.Title, in.Content, in.Signer = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content), strings.TrimSpace(in.Signer)
	// An issue of a meeting left untitled takes the meeting's topic, read below.
	untitled := in.Title == "" && in.ActivityID != 0
	if n := utf8.RuneCountInString(in.Title); !untitled && (n < 4 || n > 60) {
		v.Add("title", briefTitleRule)
	}
	if n := utf8.RuneCountInString(in.Content); n < 20 || n > BriefMax {
		v.Add("content", "简报正文应在 20 到 %d 字之间", BriefMax)
	}
	if n := utf8.RuneCountInString(in.Signer); n < 2 || n > 20 {
		v.Add("signer", "请填写签发人")
	}
	if in.IssuedOn.IsZero() {
		in.IssuedOn = s.Today()
	} else if in.IssuedOn.After(s.Today()) {
		v.Add("issued_on", "编发日期不能晚于今天(%s)", s.Today().Chinese())
	}
	if err := v.Err(); err != nil {
		return Brief{}, err
	}
	var id int64
	var c committee.Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = s.InputCommittee(ctx, tx, sc, in.CommitteeID); err != nil {
			return err
		}
		prov := store.InProvince("province_id", c.Province())
		var activity any
		if in.ActivityID != 0 {
			var a Activity
			err := tx.QueryRowContext(ctx, "SELECT kind, title FROM cppcc_activities WHERE id = $1 AND committee_id = $2"+prov, in.ActivityID, c.ID).Scan(&a.Kind, &a.Title)
			if apperr.IsNotFound(err) {
				return apperr.InvalidField("activity_id", "所选的会议或活动不是本政协的")
			}
			if err != nil {
				return fmt.Errorf("issue brief: %w", err)
			}
			if untitled {
				if in.Title = a.Topic(); utf8.RuneCountInString(in.Title) < 4 || utf8.RuneCountInString(in.Title) > 60 {
					return apperr.InvalidField("title", briefTitleRule)
				}
			}
			activity = in.ActivityID
		}
		year := in.IssuedOn.Year()
		number, err := cppcc.YearNumber(ctx, tx, "cppcc_briefs", c, year)
		if err != nil {
			return err
		}
		month := year*100 + int(in.IssuedOn.Time().Month())
		if err := tx.QueryRowContext(ctx, `INSERT INTO cppcc_briefs (province_id, committee_id, year, number, title, content, activity_id, signer, issued_on, month, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`, c.Province(), c.ID, year, number, in.Title, in.Content, activity, in.Signer, in.IssuedOn, month,
			cppcc.NullUser(ctx), s.now()).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("issue brief: %w", err)
			}
			return nil
		}
		if err := cppcc.ApplyDelta(ctx, tx, c.Province(), c.ID, briefDelta(month, 1)); err != nil {
			return err
		}
		return s.Audit(ctx, tx, c, "create", "cppcc_brief", id, map[string]any{"number": cppcc.IssueLabel(year, number), "title": in.Title, "activity_id": activity})
	})
	if err != nil {
		return Brief{}, err
	}
	return s.brief(ctx, s.DB, c, id)
}

func (s *Service) brief(ctx context.Context, q store.Querier, c committee.Committee, id int64) (Brief, error) {
	b, err := scanBrief(q.QueryRowContext(ctx, "SELECT "+briefCols+briefFrom+" WHERE b.id = $1 AND b.committee_id = $2"+store.InProvince("b.province_id", c.Province()), id, c.ID))
	if apperr.IsNotFound(err) {
		return b, apperr.NotFound("简报")
	}
	if err != nil {
		return b, fmt.Errorf("read brief: %w", err)
	}
	return b, nil
}

// Brief reads an issue of the 简报 of a committee in scope.
func (s *Service) Brief(ctx context.Context, sc store.Scope, committeeID, id int64) (Brief, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return Brief{}, err
	}
	return s.brief(ctx, s.DB, c, id)
}

// Briefs are a committee's issues of the 简报 of a year, the latest first.
func (s *Service) Briefs(ctx context.Context, sc store.Scope, committeeID int64, year int) ([]Brief, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return nil, err
	}
	return store.Query(ctx, s.DB, scanBrief, "SELECT "+briefCols+briefFrom+" WHERE b.committee_id = $1 AND b.year = $2"+store.InProvince("b.province_id", c.Province())+" ORDER BY b.number DESC", c.ID, year)
}

// WriteBrief writes an issue of the 简报 as a .docx: the masthead, the
// number, the office and the date, the title, the text, the 签发人.
func (s *Service) WriteBrief(w io.Writer, c committee.Committee, b Brief) error {
	doc := report.Summary{
		Title:    "政协简报",
		Opening:  fmt.Sprintf("%s(总第%d期)    %s办公室编    %s    签发人:%s", b.Label, b.Number, c.Name, b.IssuedOn.Chinese(), b.Signer),
		Subtitle: b.Title,
	}
	doc.Sections = append(doc.Sections, report.Section{Paragraphs: strings.Split(b.Content, "\n")})
	return report.WriteDocx(w, doc, nil)
}

// briefRecount adds every issue of the 简报 to out.
func briefRecount(ctx context.Context, q store.Querier, out stats.Figures) error {
	rows, err := store.Query(ctx, q, func(r store.Scanner) (struct {
		committee int64
		month     int
		n         int64
	}, error) {
		var x struct {
			committee int64
			month     int
			n         int64
		}
		return x, r.Scan(&x.committee, &x.month, &x.n)
	}, "SELECT committee_id, month, COUNT(*) FROM cppcc_briefs GROUP BY committee_id, month")
	for _, x := range rows {
		m := out[x.committee]
		if m == nil {
			m = map[string]int64{}
			out[x.committee] = m
		}
		for k, n := range briefDelta(x.month, x.n) {
			m[k] += n
		}
	}
	if err != nil {
		return fmt.Errorf("recount briefs: %w", err)
	}
	return nil
}

// activityFileTypes are what a meeting's documents may be.
var activityFileTypes = []string{".pdf", ".docx", ".doc", ".ofd", ".xlsx", ".xls", ".jpg", ".jpeg", ".png"}

// AddActivityFile stores a document of an activity of a committee in scope (the office).
func (s *Service) AddActivityFile(ctx context.Context, sc store.Scope, activityID int64, name string, data []byte) (cppcc.File, error) {
	a, err := s.Activity(ctx, sc, activityID)
	if err != nil {
		return cppcc.File{}, err
	}
	if len(data) == 0 {
		return cppcc.File{}, apperr.InvalidField("file", "请选择要上传的会议材料")
	}
	name, typ, sum, err := work.CheckFile(name, data, work.AllowedTypes, activityFileTypes...)
	if err != nil {
		return cppcc.File{}, err
	}
	f := cppcc.File{Name: name, Type: typ, Size: int64(len(data)), SHA256: sum}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.Lookup(ctx, tx, store.All, a.CommitteeID, "committee")
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO cppcc_activity_files (province_id, activity_id, name, content_type, size, sha256, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.province, a.ID, name, typ, len(data), sum, data, s.now()).Scan(&f.ID); err != nil {
			if err != nil {
				return fmt.Errorf("add activity file: %w", err)
			}
			return nil
		}
		return s.Audit(ctx, tx, c, "upload", "cppcc_activity_file", f.ID, map[string]any{"activity_id": a.ID, "name": name, "size": len(data), "sha256": sum})
	})
	return f, err
}

func (s *Service) activityFiles(ctx context.Context, q store.Querier, a Activity) ([]cppcc.File, error) {
	return store.Query(ctx, q, func(r store.Scanner) (cppcc.File, error) {
		var f cppcc.File
		return f, r.Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.SHA256)
	}, "SELECT id, name, content_type, size, sha256 FROM cppcc_activity_files WHERE activity_id = $1"+store.InProvince("province_id", a.province)+" ORDER BY id", a.ID)
}

// ActivityFileData reads a document of an activity of a committee in scope.
func (s *Service) ActivityFileData(ctx context.Context, sc store.Scope, activityID, fileID int64) (cppcc.File, []byte, error) {
	a, err := s.Activity(ctx, sc, activityID)
	if err != nil {
		return cppcc.File{}, nil, err
	}
	var f cppcc.File
	var data []byte
	err = s.DB.QueryRowContext(ctx, "SELECT id, name, content_type, size, sha256, data FROM cppcc_activity_files WHERE id = $1 AND activity_id = $2"+
		store.InProvince("province_id", a.province), fileID, a.ID).Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.SHA256, &data)
	if apperr.IsNotFound(err) {
		return f, nil, apperr.NotFound("会议材料")
	}
	if err != nil {
		return f, data, fmt.Errorf("read activity file: %w", err)
	}
	return f, data, nil
}
