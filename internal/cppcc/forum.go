package cppcc

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mfonda/simhash"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/flow"
	"dangjian/internal/spam"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// ForumStates are the states of a forum post or comment.
var ForumStates = vocab.Enum{
	{Code: "held", Label: "待审核"},
	{Code: "published", Label: "已公开"},
	{Code: "hidden", Label: "被举报隐藏,待复核"},
	{Code: "removed", Label: "已删除"},
}

// ForumSteps are the moderation steps.
var ForumSteps = flow.NewTable([]flow.Step{
	{Object: "forum", Action: "hide", Label: "举报隐藏", From: []string{"published"}, To: "hidden", By: "system", Rule: "被举报达到设定次数后隐藏,待审核,并告知作者"},
	{Object: "forum", Action: "release", Label: "放行", From: []string{"held", "hidden"}, To: "published", By: "office", Rule: "审核后公开(分类器从中学习)"},
	{Object: "forum", Action: "remove", Label: "删除", From: []string{"held", "hidden", "published"}, To: "removed", By: "office", Rule: "审核后删除(确认为垃圾信息的,分类器从中学习)"},
	{Object: "forum", Action: "moderate", Label: "修改后公开", From: []string{"held", "hidden", "published"}, To: "published", By: "office", Rule: "版主修改后公开,原文保留"},
}, map[string]string{"publish": "公开到论坛", "comment": "评论"})

// forumLabel is a step of a post or a comment in words.
func forumLabel(action string) string { return ForumSteps.Label("forum", action) }

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
	c.StateLabel = ForumStates.Label(c.State)
	return c, err
}

// PostKeys and CommentKeys are the forum's figures in the month of publication.
func PostKeys(p Post) []string {
	if p.ID == 0 {
		return nil
	}
	m := "s|" + strconv.Itoa(p.Month) + "|f:"
	return WithYears(p.Month, []string{m + "post", m + "post:" + p.State})
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
		if c.State == "published" {
			keys = append(keys, m+"released")
		}
	}
	return WithYears(c.Month, keys)
}

// Publish puts a replied letter whose sender agreed into the forum, with
// the name only if they agreed to that too.
func (s *Service) Publish(ctx context.Context, sc store.Scope, caseID int64) (Post, error) {
	var id int64
	var c Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, cc, err := s.getCase(ctx, tx, sc, ViewOffice, caseID)
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
		author := "匿名"
		if x.NameOK && x.name != "" {
			author = x.name
		}
		today := s.today()
		month := today.Year()*100 + int(today.Time().Month())
		err = tx.QueryRowContext(ctx, `INSERT INTO forum_posts (province_id, committee_id, case_id, title, body, reply, author, state, month, published_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'published', $8, $9, $9) ON CONFLICT DO NOTHING RETURNING id`,
			c.Province(), c.ID, x.ID, x.Title, x.Content, x.Reply, author, month, s.now()).Scan(&id)
		if apperr.IsNotFound(err) {
			return apperr.Conflict("这封来信已经公开过了")
		}
		if err != nil {
			return err
		}
		if err := s.forumEvent(ctx, tx, c, "post", id, "publish", "", "published", ""); err != nil {
			return err
		}
		return ApplyFigures(ctx, tx, c.Province(), c.ID, PostKeys(Post{ID: id, Month: month, State: "published"}), nil)
	})
	if err != nil {
		return Post{}, err
	}
	return s.post(ctx, s.DB, c, id, false)
}

func (s *Service) forumEvent(ctx context.Context, tx *sql.Tx, c Committee, object string, id int64, action, from, to, note string) error {
	a := audit.ActorOf(ctx)
	if _, err := tx.ExecContext(ctx, `INSERT INTO public_events (province_id, committee_id, object, object_id, action, from_state, to_state, note, notice, by_user, by_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $10, $11)`, c.Province(), c.ID, object, id, action, from, to, note, NullUser(ctx), a.Username, s.now()); err != nil {
		return err
	}
	return s.Audit(ctx, tx, c, "forum_"+action, object, id, map[string]any{"from": from, "to": to, "note": note})
}

// post reads a post; public: only a published one, with its published comments.
func (s *Service) post(ctx context.Context, q store.Querier, c Committee, id int64, public bool) (Post, error) {
	where := ""
	if public {
		where = " AND state = 'published'"
	}
	p, err := scanPost(q.QueryRowContext(ctx, "SELECT "+postCols+" FROM forum_posts WHERE id = $1 AND committee_id = $2"+where+store.InProvince("province_id", c.Province()), id, c.ID))
	if apperr.IsNotFound(err) {
		return p, apperr.NotFound("公开的建议")
	}
	if err != nil {
		return p, err
	}
	p.Comments, err = store.Query(ctx, q, scanComment, "SELECT "+commentCols+" FROM forum_comments WHERE post_id = $1 AND state = 'published'"+store.InProvince("province_id", c.Province())+" ORDER BY id", id)
	return p, err
}

// publicCommittee is a committee by id for a visitor (no scope: the forum is public).
func (s *Service) publicCommittee(ctx context.Context, q store.Querier, id int64) (Committee, error) {
	c, err := s.Lookup(ctx, q, store.All, id, "committee")
	if apperr.IsNotFound(err) {
		return c, apperr.NotFound("政协")
	}
	return c, err
}

// PublicCommittee is a committee's name and id for the public pages.
func (s *Service) PublicCommittee(ctx context.Context, id int64) (Committee, error) {
	return s.publicCommittee(ctx, s.DB, id)
}

// Post is a published post with its published comments, for anyone.
func (s *Service) Post(ctx context.Context, committeeID, id int64) (Post, error) {
	c, err := s.publicCommittee(ctx, s.DB, committeeID)
	if err != nil {
		return Post{}, err
	}
	return s.post(ctx, s.DB, c, id, true)
}

// Posts are a committee's published posts, newest first, for anyone.
func (s *Service) Posts(ctx context.Context, committeeID int64, pg store.Page) (store.List[Post], error) {
	out, pg := store.NewList[Post](pg)
	c, err := s.publicCommittee(ctx, s.DB, committeeID)
	if err != nil {
		return out, err
	}
	w := store.NewWhere(c.ID)
	w.And("state = 'published'" + store.InProvince("province_id", c.Province()))
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM forum_posts WHERE committee_id = $1"+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, err
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, scanPost, "SELECT "+postCols+" FROM forum_posts WHERE committee_id = $1"+w.String()+" ORDER BY id DESC"+limit, args...)
	out.Items = append(out.Items, items...)
	return out, err
}

// CommentInput is a visitor's comment.
type CommentInput struct {
	Author string `json:"author"`
	Body   string `json:"body"`
}

// CommentReceipt is a comment's code (to follow it) and its state.
type CommentReceipt struct {
	Code    string  `json:"code"`
	Comment Comment `json:"comment"`
}

// AddComment takes a visitor's comment on a published post: checked for
// spam and near duplicates of the post's comments; a held one waits for a
// moderator, and its author still gets a code to follow it.
func (s *Service) AddComment(ctx context.Context, committeeID, postID int64, in CommentInput, filter *spam.Model) (CommentReceipt, error) {
	in.Author, in.Body = strings.TrimSpace(in.Author), strings.TrimSpace(in.Body)
	var v apperr.Invalid
	if n := utf8.RuneCountInString(in.Body); n < 2 || n > 500 {
		v.Add("body", "评论应为 2 到 500 个字,现在是 %d 个字", n)
	}
	if utf8.RuneCountInString(in.Author) > 20 {
		v.Add("author", "昵称不超过 20 个字")
	}
	if err := v.Err(); err != nil {
		return CommentReceipt{}, err
	}
	if in.Author == "" {
		in.Author = "网友"
	}
	c, err := s.publicCommittee(ctx, s.DB, committeeID)
	if err != nil {
		return CommentReceipt{}, err
	}
	var verdict spam.Verdict
	if filter != nil {
		verdict = filter.Check(in.Author, in.Body)
	}
	fp := fingerprint(in.Body)
	code := newReceipt(c.ID)
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := spend(ctx, tx); err != nil {
			return err
		}
		if _, err := s.post(ctx, tx, c, postID, true); err != nil {
			return err
		}
		prints, err := store.Query(ctx, tx, func(r store.Scanner) (int64, error) {
			var x int64
			return x, r.Scan(&x)
		}, "SELECT simhash FROM forum_comments WHERE post_id = $1 AND state <> 'removed'"+store.InProvince("province_id", c.Province())+" ORDER BY id DESC LIMIT 500", postID)
		if err != nil {
			return err
		}
		for _, p := range prints {
			if simhash.Compare(uint64(p), uint64(fp)) <= NearDuplicate && utf8.RuneCountInString(in.Body) >= 8 {
				verdict.Held = true
				verdict.Reasons = append(verdict.Reasons, spam.Reason{Rule: "duplicate", Label: "与本帖已有评论重复或近似", Weight: 0})
				break
			}
		}
		state := "published"
		if verdict.Held {
			state = "held"
		}
		reasons, _ := json.Marshal(verdict.Reasons)
		today := s.today()
		month := today.Year()*100 + int(today.Time().Month())
		if err := tx.QueryRowContext(ctx, `INSERT INTO forum_comments (province_id, committee_id, post_id, author, body, original, state, was_held, score, reasons, simhash, receipt_hash, month, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`, c.Province(), c.ID, postID, in.Author, in.Body, state, verdict.Held,
			verdict.Score, string(reasons), fp, s.Box.Hash(code), month, s.now()).Scan(&id); err != nil {
			return err
		}
		if err := s.forumEvent(ctx, tx, c, "comment", id, "comment", "", state, ""); err != nil {
			return err
		}
		return ApplyFigures(ctx, tx, c.Province(), c.ID, CommentKeys(Comment{ID: id, Month: month, State: state, WasHeld: verdict.Held}), nil)
	})
	if err != nil {
		return CommentReceipt{}, err
	}
	cm, err := scanComment(s.DB.QueryRowContext(ctx, "SELECT "+commentCols+" FROM forum_comments WHERE id = $1"+store.InProvince("province_id", c.Province()), id))
	return CommentReceipt{Code: code, Comment: cm}, err
}

// CommentByCode is a comment as its author follows it, with the notices it had.
func (s *Service) CommentByCode(ctx context.Context, code string) (Comment, []Event, error) {
	c, where, args, err := s.receipt(ctx, s.DB, code, "", "评论")
	if err != nil {
		return Comment{}, nil, err
	}
	cm, err := scanComment(s.DB.QueryRowContext(ctx, "SELECT "+commentCols+" FROM forum_comments WHERE "+where, args...))
	if apperr.IsNotFound(err) {
		return cm, nil, apperr.NotFound("评论")
	}
	if err != nil {
		return cm, nil, err
	}
	ev, err := s.PublicEvents(ctx, s.DB, c, "comment", cm.ID, true, forumLabel, ForumStates)
	for i := range ev {
		ev[i].ToLabel = ForumStates.Label(ev[i].To)
	}
	return cm, ev, err
}

// cast records a visitor's kind of vote (support, rating, report) on an
// object once: false when the visitor cast it already. The visitor is kept
// as a keyed hash and found under every key of the ring, so that a key
// rotation does not let anyone vote again (the visitor itself is not
// stored, so its hash cannot be made anew under the new key).
func (s *Service) cast(ctx context.Context, tx *sql.Tx, c Committee, object string, id int64, visitor, kind string, value int) (bool, error) {
	voter := "forum-voter|" + visitor
	cond, args := s.UnderEveryKey("voter", voter, []any{object, id, kind})
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM forum_votes WHERE object = $1 AND object_id = $2 AND kind = $3 AND "+cond+
		store.InProvince("province_id", c.Province()), args...).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO forum_votes (province_id, committee_id, object, object_id, voter, kind, value, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT DO NOTHING`, c.Province(), c.ID, object, id, s.Box.Hash(voter), kind, value, s.now())
	if err != nil {
		return false, err
	}
	n64, err := res.RowsAffected()
	return n64 == 1, err
}

// Vote is a visitor's support (value 1) or rating (1 to 5) of a post,
// once a visitor (visitor: who counts once, the channel's key of the
// address; kept as its keyed hash).
func (s *Service) Vote(ctx context.Context, committeeID, postID int64, visitor, kind string, value int) (Post, error) {
	if (kind != "support" && kind != "rating") || (kind == "support" && value != 1) || (kind == "rating" && (value < 1 || value > 5)) {
		return Post{}, apperr.InvalidField("value", "评分应为 1 到 5 分")
	}
	c, err := s.publicCommittee(ctx, s.DB, committeeID)
	if err != nil {
		return Post{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.post(ctx, tx, c, postID, true); err != nil {
			return err
		}
		cast, err := s.cast(ctx, tx, c, "post", postID, visitor, kind, value)
		if err != nil {
			return err
		}
		if !cast {
			return apperr.Conflict("%s", map[string]string{"support": "您已经支持过这条建议了", "rating": "您已经评过分了"}[kind])
		}
		set := "supports = supports + 1"
		if kind == "rating" {
			set = "rating_sum = rating_sum + $3, ratings = ratings + 1"
		}
		args := []any{postID, s.now()}
		if kind == "rating" {
			args = append(args, value)
		}
		_, err = tx.ExecContext(ctx, "UPDATE forum_posts SET "+set+", updated_at = $2 WHERE id = $1"+store.InProvince("province_id", c.Province()), args...)
		return err
	})
	if err != nil {
		return Post{}, err
	}
	return s.post(ctx, s.DB, c, postID, true)
}

// Report is a visitor's report (举报) of a post or a comment, once a
// visitor; at the committee's limit the item is hidden pending review and
// its author told.
func (s *Service) Report(ctx context.Context, committeeID int64, object string, id int64, visitor string) error {
	table := map[string]string{"post": "forum_posts", "comment": "forum_comments"}[object]
	if table == "" {
		return apperr.NotFound("举报的内容")
	}
	c, err := s.publicCommittee(ctx, s.DB, committeeID)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var state string
		var reports, month int
		var caseID int64
		err := tx.QueryRowContext(ctx, "SELECT state, reports, month, "+map[string]string{"post": "case_id", "comment": "0"}[object]+" FROM "+table+" WHERE id = $1 AND committee_id = $2 AND state = 'published'"+
			store.InProvince("province_id", c.Province()), id, c.ID).Scan(&state, &reports, &month, &caseID)
		if apperr.IsNotFound(err) {
			return apperr.NotFound("举报的内容")
		}
		if err != nil {
			return err
		}
		cast, err := s.cast(ctx, tx, c, object, id, visitor, "report", 1)
		if err != nil {
			return err
		}
		if !cast {
			return apperr.Conflict("您已经举报过了,我们会尽快审核")
		}
		reports++
		if reports < c.Rules.reportLimit() {
			_, err := tx.ExecContext(ctx, "UPDATE "+table+" SET reports = $1 WHERE id = $2"+store.InProvince("province_id", c.Province()), reports, id)
			return err
		}
		if err := store.Swap(ctx, tx, "内容", "UPDATE "+table+" SET reports = $1, state = 'hidden', updated_at = $2 WHERE id = $3 AND state = 'published'"+store.InProvince("province_id", c.Province()),
			reports, s.now(), id); err != nil {
			return err
		}
		note := "被举报 " + strconv.Itoa(reports) + " 次,已暂时隐藏,待审核"
		if err := s.forumEvent(ctx, tx, c, object, id, "hide", "published", "hidden", note); err != nil {
			return err
		}
		if object == "post" { // the letter's sender reads it with the receipt code
			if err := s.caseEvent(ctx, tx, c, Case{ID: caseID, province: c.Province()}, "hide", "", "", "您公开到论坛的来信"+note, true); err != nil {
				return err
			}
			return ApplyFigures(ctx, tx, c.Province(), c.ID, PostKeys(Post{ID: id, Month: month, State: "hidden"}), PostKeys(Post{ID: id, Month: month, State: "published"}))
		}
		before, err := scanComment(tx.QueryRowContext(ctx, "SELECT "+commentCols+" FROM forum_comments WHERE id = $1"+store.InProvince("province_id", c.Province()), id))
		if err != nil {
			return err
		}
		after := before
		before.State = "published"
		return ApplyFigures(ctx, tx, c.Province(), c.ID, CommentKeys(after), CommentKeys(before))
	})
}

// Queue is the moderation queue of the committees in scope: comments held
// or hidden, with their scores and reasons; posts hidden by reports.
func (s *Service) Queue(ctx context.Context, sc store.Scope, committeeID int64) ([]Moderated, []Post, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return nil, nil, err
	}
	prov := store.InProvince("m.province_id", c.Province())
	cs, err := store.Query(ctx, s.DB, func(r store.Scanner) (Moderated, error) {
		var m Moderated
		var reasons string
		err := r.Scan(&m.ID, &m.PostID, &m.Author, &m.Body, &m.Original, &m.State, &m.Score, &reasons, &m.Reports, &m.PostTitle)
		_ = json.Unmarshal([]byte(reasons), &m.Reasons)
		m.Comment.Score, m.StateLabel = m.Score, ForumStates.Label(m.State)
		return m, err
	}, `SELECT m.id, m.post_id, m.author, m.body, m.original, m.state, m.score, m.reasons, m.reports, p.title FROM forum_comments m
		JOIN forum_posts p ON p.province_id = m.province_id AND p.id = m.post_id WHERE m.committee_id = $1 AND m.state IN ('held', 'hidden')`+prov+" ORDER BY m.id", c.ID)
	if err != nil {
		return nil, nil, err
	}
	ps, err := store.Query(ctx, s.DB, scanPost, "SELECT "+postCols+" FROM forum_posts WHERE committee_id = $1 AND state = 'hidden'"+store.InProvince("province_id", c.Province())+" ORDER BY id", c.ID)
	return cs, ps, err
}

// QueueSize is how many items wait in a committee's moderation queue
// (the comments held or hidden, the posts hidden), counted alone.
func (s *Service) QueueSize(ctx context.Context, sc store.Scope, committeeID int64) (int64, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return 0, err
	}
	prov := store.InProvince("province_id", c.Province())
	var n int64
	err = s.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM forum_comments WHERE committee_id = $1 AND state IN ('held', 'hidden')`+prov+`)
		+ (SELECT COUNT(*) FROM forum_posts WHERE committee_id = $1 AND state = 'hidden'`+prov+`)`, c.ID).Scan(&n)
	return n, err
}

// ModerateInput is a moderator's decision: release, remove (spam: true
// when it is spam) or moderate (Body: the text as edited).
type ModerateInput struct {
	Action string `json:"action"`
	Body   string `json:"body"`
	Spam   bool   `json:"spam"`
}

// Moderate decides on a post or a comment of a committee in scope.
func (s *Service) Moderate(ctx context.Context, sc store.Scope, committeeID int64, object string, id int64, in ModerateInput, filter *spam.Model) error {
	table := map[string]string{"post": "forum_posts", "comment": "forum_comments"}[object]
	if table == "" {
		return apperr.NotFound("审核的内容")
	}
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var state, body, original string
		var month int
		var wasHeld bool
		cols := map[string]string{"post": "state, body, body, month, FALSE", "comment": "state, body, original, month, was_held"}[object]
		err := tx.QueryRowContext(ctx, "SELECT "+cols+" FROM "+table+" WHERE id = $1 AND committee_id = $2"+store.InProvince("province_id", c.Province()), id, c.ID).Scan(&state, &body, &original, &month, &wasHeld)
		if apperr.IsNotFound(err) {
			return apperr.NotFound("审核的内容")
		}
		if err != nil {
			return err
		}
		to, ok := ForumSteps.Next("forum", in.Action, state)
		if !ok {
			return apperr.Conflict("当前状态为“%s”,不能%s", ForumStates.Label(state), forumLabel(in.Action))
		}
		set, args, note := "", []any{}, ""
		switch in.Action {
		case "moderate":
			nb := strings.TrimSpace(in.Body)
			if n := utf8.RuneCountInString(nb); n < 2 || n > 3000 {
				return apperr.InvalidField("body", "修改后的内容应为 2 到 3000 个字")
			}
			set, args, note = ", body = $3", []any{nb}, "版主修改了内容,原文保留"
		case "release":
			if object == "comment" && state == "held" {
				if err := s.learn(ctx, tx, original, false, filter); err != nil {
					return err
				}
			}
		case "remove":
			if in.Spam {
				if err := s.learn(ctx, tx, original, true, filter); err != nil {
					return err
				}
			}
		}
		n := len(args)
		q := "UPDATE " + table + " SET state = $1, updated_at = $2" + set + " WHERE id = $" + strconv.Itoa(n+3) + " AND state = $" + strconv.Itoa(n+4) + store.InProvince("province_id", c.Province())
		if err := store.Swap(ctx, tx, "内容", q, append(append([]any{to, s.now()}, args...), id, state)...); err != nil {
			return err
		}
		if err := s.forumEvent(ctx, tx, c, object, id, in.Action, state, to, note); err != nil {
			return err
		}
		if object == "post" {
			return ApplyFigures(ctx, tx, c.Province(), c.ID, PostKeys(Post{ID: id, Month: month, State: to}), PostKeys(Post{ID: id, Month: month, State: state}))
		}
		return ApplyFigures(ctx, tx, c.Province(), c.ID, CommentKeys(Comment{ID: id, Month: month, State: to, WasHeld: wasHeld}), CommentKeys(Comment{ID: id, Month: month, State: state, WasHeld: wasHeld}))
	})
}
