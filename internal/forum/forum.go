package forum

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/flow"
	"dangjian/internal/letters"
	"dangjian/internal/spam"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// The states of a post or a comment.
const (
	Held      = "held"
	Published = "published"
	Hidden    = "hidden"
	Removed   = "removed"
)

// States are the states of a forum post or comment in words.
var States = vocab.Enum{
	{Code: Held, Label: "待审核"},
	{Code: Published, Label: "已公开"},
	{Code: Hidden, Label: "被举报隐藏,待复核"},
	{Code: Removed, Label: "已删除"},
}

// Steps are the moderation steps.
var Steps = flow.NewTable([]flow.Step{
	{Object: "forum", Action: "hide", Label: "举报隐藏", From: []string{Published}, To: Hidden, By: "system", Rule: "被举报达到设定次数后隐藏,待审核,并告知作者"},
	{Object: "forum", Action: "release", Label: "放行", From: []string{Held, Hidden}, To: Published, By: "office", Rule: "审核后公开(分类器从中学习)"},
	{Object: "forum", Action: "remove", Label: "删除", From: []string{Held, Hidden, Published}, To: Removed, By: "office", Rule: "审核后删除(确认为垃圾信息的,分类器从中学习)"},
	{Object: "forum", Action: "moderate", Label: "修改后公开", From: []string{Held, Hidden, Published}, To: Published, By: "office", Rule: "版主修改后公开,原文保留"},
}, map[string]string{"publish": "公开到论坛", "comment": "评论"})

// label is a step of a post or a comment in words.
func label(action string) string { return Steps.Label("forum", action) }

// Service keeps the forum on the consultative work's core.
type Service struct {
	*cppcc.Service
	// Letters are the letters it publishes.
	Letters *letters.Service
}

// now is the service's time.
func (s *Service) now() time.Time { return store.Now(s.Now) }

// Post is a published letter and its reply in the forum.
type Post struct {
	ID          int64     `json:"id"`
	CommitteeID int64     `json:"committee_id"`
	CaseID      int64     `json:"-"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	Reply       string    `json:"reply"`
	Author      string    `json:"author"`
	State       string    `json:"state"`
	Reports     int       `json:"-"`
	Supports    int       `json:"supports"`
	Rating      float64   `json:"rating"`
	Ratings     int       `json:"ratings"`
	Month       int       `json:"-"`
	Comments    []Comment `json:"comments,omitempty"`
	province    int64
}

// Comment is a citizen's comment on a post.
type Comment struct {
	ID         int64         `json:"id"`
	PostID     int64         `json:"post_id"`
	Author     string        `json:"author"`
	Body       string        `json:"body"`
	Original   string        `json:"-"`
	State      string        `json:"state"`
	StateLabel string        `json:"state_label"`
	WasHeld    bool          `json:"-"`
	Score      int           `json:"-"`
	Reasons    []spam.Reason `json:"-"`
	Reports    int           `json:"-"`
	Month      int           `json:"-"`
	province   int64
}

// Moderated is a comment as the moderator sees it: with the score, the
// reasons and the text as written.
type Moderated struct {
	Comment
	PostTitle string        `json:"post_title"`
	Original  string        `json:"original"`
	Score     int           `json:"score"`
	Reasons   []spam.Reason `json:"reasons"`
	Reports   int           `json:"reports"`
}

const postCols = "id, committee_id, case_id, title, body, reply, author, state, reports, supports, rating_sum, ratings, month, province_id"

func scanPost(r store.Scanner) (Post, error) {
	var p Post
	var sum int
	err := r.Scan(&p.ID, &p.CommitteeID, &p.CaseID, &p.Title, &p.Body, &p.Reply, &p.Author, &p.State, &p.Reports, &p.Supports, &sum, &p.Ratings, &p.Month, &p.province)
	if p.Ratings > 0 {
		p.Rating = float64(sum) / float64(p.Ratings)
	}
	return p, err
}

const commentCols = "id, post_id, author, body, original, state, was_held, score, reasons, reports, month, province_id"

func scanComment(r store.Scanner) (Comment, error) {
	var c Comment
	var reasons string
	err := r.Scan(&c.ID, &c.PostID, &c.Author, &c.Body, &c.Original, &c.State, &c.WasHeld, &c.Score, &reasons, &c.Reports, &c.Month, &c.province)
	_ = json.Unmarshal([]byte(reasons), &c.Reasons)
	c.StateLabel = States.Label(c.State)
	return c, err
}

// PostKeys and CommentKeys are the forum's figures in the month of publication.
func PostKeys(p Post) []string {
	if p.ID == 0 {
		return nil
	}
	m := "s|" + strconv.Itoa(p.Month) + "|f:"
	return cppcc.WithYears(p.Month, []string{m + "post", m + "post:" + p.State})
}

// CommentKeys are a comment's figures: all, by state, held now, released after being held.
func CommentKeys(c Comment) []string {
	if c.ID == 0 {
		return nil
	}
	m := "s|" + strconv.Itoa(c.Month) + "|f:"
	keys := []string{m + "comment", m + "comment:" + c.State}
	if c.WasHeld {
		keys = append(keys, m+"was_held")
		if c.State == Published {
			keys = append(keys, m+"released")
		}
	}
	return cppcc.WithYears(c.Month, keys)
}

// Publish puts a replied letter whose sender agreed into the forum, with
// the name only if they agreed to that too.
func (s *Service) Publish(ctx context.Context, sc store.Scope, caseID int64) (Post, error) {
	var id int64
	var c committee.Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, cc, err := s.Letters.GetCase(ctx, tx, sc, cppcc.ViewOffice, caseID)
		if err != nil {
			return err
		}
		c = cc
		switch {
		case !x.PublicOK:
			return apperr.Rule("来信人没有同意公开,不能发布到论坛")
		case x.Reply == "":
			return apperr.Rule("答复后才能连同答复一起公开")
		case x.Held:
			return apperr.Rule("被拦截的来信须先审核放行")
		}
		author := x.Author()
		today := s.Today()
		month := today.Year()*100 + int(today.Time().Month())
		err = tx.QueryRowContext(ctx, `INSERT INTO forum_posts (province_id, committee_id, case_id, title, body, reply, author, state, month, published_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'published', $8, $9, $9) ON CONFLICT DO NOTHING RETURNING id`,
			c.Province(), c.ID, x.ID, x.Title, x.Content, x.Reply, author, month, s.now()).Scan(&id)
		if apperr.IsNotFound(err) {
			return apperr.Conflict("这封来信已经公开过了")
		}
		if err != nil {
			return fmt.Errorf("publish letter: %w", err)
		}
		if err := s.forumEvent(ctx, tx, c, "post", id, "publish", "", Published, ""); err != nil {
			return err
		}
		return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, PostKeys(Post{ID: id, Month: month, State: Published}), nil)
	})
	if err != nil {
		return Post{}, err
	}
	return s.post(ctx, s.DB, c, id, false)
}

func (s *Service) forumEvent(ctx context.Context, tx *sql.Tx, c committee.Committee, object string, id int64, action, from, to, note string) error {
	a := audit.ActorOf(ctx)
	if _, err := tx.ExecContext(ctx, `INSERT INTO public_events (province_id, committee_id, object, object_id, action, from_state, to_state, note, notice, by_user, by_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $10, $11)`, c.Province(), c.ID, object, id, action, from, to, note, cppcc.NullUser(ctx), a.Username, s.now()); err != nil {
		if err != nil {
			return fmt.Errorf("record forum event: %w", err)
		}
		return nil
	}
	return s.Audit(ctx, tx, c, "forum_"+action, object, id, map[string]any{"from": from, "to": to, "note": note})
}

// post reads a post; public: only a published one, with its published comments.
func (s *Service) post(ctx context.Context, q store.Querier, c committee.Committee, id int64, public bool) (Post, error) {
	where := ""
	if public {
		where = " AND state = 'published'"
	}
	p, err := scanPost(q.QueryRowContext(ctx, "SELECT "+postCols+" FROM forum_posts WHERE id = $1 AND committee_id = $2"+where+store.InProvince("province_id", c.Province()), id, c.ID))
	if apperr.IsNotFound(err) {
		return p, apperr.NotFound("公开的建议")
	}
	if err != nil {
		return p, fmt.Errorf("read forum post: %w", err)
	}
	p.Comments, err = store.Query(ctx, q, scanComment, "SELECT "+commentCols+" FROM forum_comments WHERE post_id = $1 AND state = 'published'"+store.InProvince("province_id", c.Province())+" ORDER BY id", id)
	if err != nil {
		return p, fmt.Errorf("read forum post: %w", err)
	}
	return p, nil
}

// Post is a published post with its published comments, for anyone.
func (s *Service) Post(ctx context.Context, committeeID, id int64) (Post, error) {
	c, err := s.PublicCommittee(ctx, committeeID)
	if err != nil {
		return Post{}, err
	}
	return s.post(ctx, s.DB, c, id, true)
}

// Posts are a committee's published posts, newest first, for anyone.
func (s *Service) Posts(ctx context.Context, committeeID int64, pg store.Page) (store.List[Post], error) {
	out, pg := store.NewList[Post](pg)
	c, err := s.PublicCommittee(ctx, committeeID)
	if err != nil {
		return out, err
	}
	w := store.NewWhere(c.ID)
	w.And("state = 'published'" + store.InProvince("province_id", c.Province()))
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM forum_posts WHERE committee_id = $1"+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list forum posts: %w", err)
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, scanPost, "SELECT "+postCols+" FROM forum_posts WHERE committee_id = $1"+w.String()+" ORDER BY id DESC"+limit, args...)
	out.Items = append(out.Items, items...)
	if err != nil {
		return out, fmt.Errorf("list forum posts: %w", err)
	}
	return out, nil
}

// Recount counts the forum's figures of every committee from its rows.
func Recount(ctx context.Context, q store.Querier, out stats.Figures) error {
	posts, err := store.Query(ctx, q, func(r store.Scanner) (Post, error) {
		var p Post
		return p, r.Scan(&p.CommitteeID, &p.ID, &p.State, &p.Month)
	}, "SELECT committee_id, id, state, month FROM forum_posts")
	if err != nil {
		return fmt.Errorf("recount forum: %w", err)
	}
	for _, p := range posts {
		out.Add(p.CommitteeID, PostKeys(p), 1)
	}
	type row struct {
		committee int64
		c         Comment
	}
	cs, err := store.Query(ctx, q, func(r store.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.committee, &x.c.ID, &x.c.State, &x.c.WasHeld, &x.c.Month)
	}, "SELECT committee_id, id, state, was_held, month FROM forum_comments")
	for _, x := range cs {
		out.Add(x.committee, CommentKeys(x.c), 1)
	}
	if err != nil {
		return fmt.Errorf("recount forum: %w", err)
	}
	return nil
}
