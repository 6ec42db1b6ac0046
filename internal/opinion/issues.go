package opinion

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
)

// Issue is a numbered issue of the 社情民意专刊.
type Issue struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"`
	Year        int       `json:"year"`
	Number      int       `json:"number"`
	Label       string    `json:"label"`
	Title       string    `json:"title"`
	Mode        string    `json:"mode"`
	ModeLabel   string    `json:"mode_label"`
	Signer      string    `json:"signer"`
	IssuedOn    date.Date `json:"issued_on"`
	Forwarded   string    `json:"forwarded"`
	Month       int       `json:"-"`
	Items       []Opinion `json:"items,omitempty"`
}

// issueKeys are the figures of an issue of the 专刊 in the month it was issued.
func issueKeys(i Issue) []string {
	return cppcc.WithYears(i.Month, []string{"s|" + strconv.Itoa(i.Month) + "|o:issue", "s|" + strconv.Itoa(i.Month) + "|o:issue:" + i.Mode})
}

// IssueInput compiles edited items into an issue of the 专刊.
type IssueInput struct {
	CommitteeID int64     `json:"committee_id"`
	Mode        string    `json:"mode"`
	Title       string    `json:"title"`
	Signer      string    `json:"signer"`
	IssuedOn    date.Date `json:"issued_on"`
	Items       []int64   `json:"items"`
}

// Compile makes the next numbered issue of the year from edited items.
func (s *Service) Compile(ctx context.Context, sc store.Scope, in IssueInput) (Issue, error) {
	var v apperr.Invalid
	mode, ok := IssueModes.Parse(in.Mode)
	if !ok {
		v.Add("mode", "编发方式应为 %s 之一", IssueModes.Labels())
	}
	if mode == "single" && len(in.Items) != 1 {
		v.Add("items", "单篇编发只能选一篇信息")
	}
	if mode == "combined" && len(in.Items) < 2 {
		v.Add("items", "综合编发至少选两篇信息")
	}
	if len(in.Items) > 50 {
		v.Add("items", "一期最多编入50篇")
	}
	in.Signer = strings.TrimSpace(in.Signer)
	if n := utf8.RuneCountInString(in.Signer); n < 2 || n > 20 {
		v.Add("signer", "请填写签发人")
	}
	if in.IssuedOn.IsZero() {
		in.IssuedOn = s.Today()
	}
	if err := v.Err(); err != nil {
		return Issue{}, err
	}
	var id int64
	var c committee.Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = s.InputCommittee(ctx, tx, sc, in.CommitteeID); err != nil {
			return err
		}
		var items []Opinion
		for _, oid := range in.Items {
			o, oc, err := s.getOpinion(ctx, tx, store.ScopeOf(c.Path), cppcc.ViewOffice, oid)
			if err != nil || oc.ID != c.ID {
				return apperr.InvalidField("items", "第 %d 号信息不在本政协的信息中", oid)
			}
			if o.State != Edited {
				return apperr.InvalidField("items", "“%s”%s,核稿后才能编入专刊", o.Title, o.StateLabel)
			}
			items = append(items, o)
		}
		title := strings.TrimSpace(in.Title)
		if mode == "single" {
			title = items[0].Title
		} else if n := utf8.RuneCountInString(title); n < 4 || n > 60 {
			return apperr.InvalidField("title", "综合编发须有标题(4 到 60 个字)")
		}
		year := in.IssuedOn.Year()
		number, err := cppcc.YearNumber(ctx, tx, "opinion_issues", c, year)
		if err != nil {
			return err
		}
		month := year*100 + int(in.IssuedOn.Time().Month())
		if err := tx.QueryRowContext(ctx, `INSERT INTO opinion_issues (province_id, committee_id, year, number, title, mode, signer, issued_on, month, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, c.Province(), c.ID, year, number, title, mode, in.Signer, in.IssuedOn, month, cppcc.NullUser(ctx), s.now()).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("compile issue: %w", err)
			}
			return nil
		}
		for _, o := range items {
			// The item is signed as its issue is: the 签发人 is asked once, for the issue.
			if err := store.Swap(ctx, tx, "社情民意信息", "UPDATE opinions SET state = 'compiled', issue_id = $1, updated_at = $2, signer = $3 WHERE id = $4 AND state = 'edited'"+
				store.InProvince("province_id", o.province), id, s.now(), in.Signer, o.ID); err != nil {
				if err != nil {
					return fmt.Errorf("compile issue: %w", err)
				}
				return nil
			}
			if err := s.opinionEvent(ctx, tx, c, o, "compile", o.State, Compiled, cppcc.IssueLabel(year, number)); err != nil {
				return err
			}
			if err := s.reopinion(ctx, tx, c, o, o.ID); err != nil {
				return err
			}
		}
		return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, issueKeys(Issue{Month: month, Mode: mode}), nil)
	})
	if err != nil {
		return Issue{}, err
	}
	return s.issue(ctx, s.DB, c, id)
}

func scanIssue(r store.Scanner) (Issue, error) {
	var i Issue
	err := r.Scan(&i.ID, &i.CommitteeID, &i.Year, &i.Number, &i.Title, &i.Mode, &i.Signer, &i.IssuedOn, &i.Forwarded, &i.Month)
	i.Label, i.ModeLabel = cppcc.IssueLabel(i.Year, i.Number), IssueModes.Label(i.Mode)
	return i, err
}

const issueCols = "id, committee_id, year, number, title, mode, signer, issued_on, forwarded, month"

func (s *Service) issue(ctx context.Context, q store.Querier, c committee.Committee, id int64) (Issue, error) {
	i, err := scanIssue(q.QueryRowContext(ctx, "SELECT "+issueCols+" FROM opinion_issues WHERE id = $1 AND committee_id = $2"+store.InProvince("province_id", c.Province()), id, c.ID))
	if apperr.IsNotFound(err) {
		return i, apperr.NotFound("专刊")
	}
	if err != nil {
		return i, fmt.Errorf("read issue: %w", err)
	}
	i.Items, err = store.Query(ctx, q, scanOpinion, "SELECT "+opinionCols+opinionFrom+" WHERE o.issue_id = $1"+store.InProvince("o.province_id", c.Province())+" ORDER BY o.id", id)
	if err != nil {
		return i, fmt.Errorf("read issue: %w", err)
	}
	return i, nil
}

// Issue reads an issue of a committee in scope.
func (s *Service) Issue(ctx context.Context, sc store.Scope, committeeID, id int64) (Issue, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return Issue{}, err
	}
	return s.issue(ctx, s.DB, c, id)
}

// Issues are a committee's issues of a year.
func (s *Service) Issues(ctx context.Context, sc store.Scope, committeeID int64, year int) ([]Issue, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return nil, err
	}
	return store.Query(ctx, s.DB, scanIssue, "SELECT "+issueCols+" FROM opinion_issues WHERE committee_id = $1 AND year = $2"+store.InProvince("province_id", c.Province())+" ORDER BY number DESC", c.ID, year)
}

// Forward records where an issue was sent upward (报送).
func (s *Service) Forward(ctx context.Context, sc store.Scope, committeeID, id int64, to string) (Issue, error) {
	to = strings.TrimSpace(to)
	if n := utf8.RuneCountInString(to); n < 2 || n > 200 {
		return Issue{}, apperr.InvalidField("text", "请填写报送的单位")
	}
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return Issue{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		i, err := s.issue(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE opinion_issues SET forwarded = $1 WHERE id = $2"+store.InProvince("province_id", c.Province()), cppcc.Joined(i.Forwarded, to), i.ID); err != nil {
			return fmt.Errorf("forward issue: %w", err)
		}
		return s.Audit(ctx, tx, c, "issue_forward", "opinion_issue", i.ID, map[string]any{"to": to})
	})
	if err != nil {
		return Issue{}, fmt.Errorf("forward issue: %w", err)
	}
	return s.issue(ctx, s.DB, c, id)
}

// WriteIssue writes an issue of the 专刊 as a .docx in the layout of
// official documents: the masthead, the number, the office and the date,
// the combined title of a combined issue (综合编发) on a line of its own,
// each item with its author, and where it was sent.
func (s *Service) WriteIssue(w io.Writer, c committee.Committee, i Issue) error {
	doc := report.Summary{
		Title:   "社情民意专刊",
		Opening: fmt.Sprintf("%s(总第%d期)    %s办公室编    %s    签发人:%s", cppcc.IssueLabel(i.Year, i.Number), i.Number, c.Name, i.IssuedOn.Chinese(), i.Signer),
		Closing: "报送:" + i.Forwarded,
	}
	if i.Forwarded == "" {
		doc.Closing = "报送:(待报送)"
	}
	if i.Mode == "combined" {
		doc.Subtitle = i.Title // the combined title, a line of its own over the items
	}
	for _, o := range i.Items {
		paras := strings.Split(o.Content, "\n")
		paras = append(paras, "(反映人:"+o.Author+")")
		doc.Sections = append(doc.Sections, report.Section{Heading: o.Title, Paragraphs: paras})
	}
	return report.WriteDocx(w, doc, nil)
}

// Recount counts the 社情民意's figures of every committee from their rows.
func Recount(ctx context.Context, q store.Querier, out stats.Figures) error {
	ops, err := store.Query(ctx, q, scanOpinion, "SELECT "+opinionCols+opinionFrom)
	if err != nil {
		return fmt.Errorf("recount opinion items: %w", err)
	}
	for _, o := range ops {
		out.Add(o.CommitteeID, Keys(o), 1)
	}
	type row struct {
		committee int64
		a         Adoption
		i         Issue
	}
	for _, x := range []struct {
		query string
		scan  func(r store.Scanner) (row, error)
		keys  func(row) []string
	}{
		{"SELECT committee_id, kind, level, month FROM opinion_adoptions", func(r store.Scanner) (row, error) {
			var x row
			return x, r.Scan(&x.committee, &x.a.Kind, &x.a.Level, &x.a.Month)
		}, func(x row) []string { return adoptionKeys(x.a) }},
		{"SELECT committee_id, mode, month FROM opinion_issues", func(r store.Scanner) (row, error) {
			var x row
			return x, r.Scan(&x.committee, &x.i.Mode, &x.i.Month)
		}, func(x row) []string { return issueKeys(x.i) }},
	} {
		rows, err := store.Query(ctx, q, x.scan, x.query)
		if err != nil {
			return fmt.Errorf("recount opinion items: %w", err)
		}
		for _, r := range rows {
			out.Add(r.committee, x.keys(r), 1)
		}
	}
	return nil
}
