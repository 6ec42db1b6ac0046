package forum

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mfonda/simhash"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/spam"
	"dangjian/internal/store"
)

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
	c, err := s.PublicCommittee(ctx, committeeID)
	if err != nil {
		return CommentReceipt{}, err
	}
	var verdict spam.Verdict
	if filter != nil {
		verdict = filter.Check(in.Author, in.Body)
	}
	fp := cppcc.Fingerprint(in.Body)
	code := cppcc.NewReceipt(c.ID)
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := cppcc.Spend(ctx, tx); err != nil {
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
			return fmt.Errorf("add comment: %w", err)
		}
		for _, p := range prints {
			if simhash.Compare(uint64(p), uint64(fp)) <= cppcc.NearDuplicate && utf8.RuneCountInString(in.Body) >= 8 {
				verdict.Held = true
				verdict.Reasons = append(verdict.Reasons, spam.Reason{Rule: "duplicate", Label: "与本帖已有评论重复或近似", Weight: 0})
				break
			}
		}
		state := Published
		if verdict.Held {
			state = Held
		}
		reasons, _ := json.Marshal(verdict.Reasons)
		today := s.Today()
		month := today.Year()*100 + int(today.Time().Month())
		if err := tx.QueryRowContext(ctx, `INSERT INTO forum_comments (province_id, committee_id, post_id, author, body, original, state, was_held, score, reasons, simhash, receipt_hash, month, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`, c.Province(), c.ID, postID, in.Author, in.Body, state, verdict.Held,
			verdict.Score, string(reasons), fp, s.Box.Hash(code), month, s.now()).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("add comment: %w", err)
			}
			return nil
		}
		if err := s.forumEvent(ctx, tx, c, "comment", id, "comment", "", state, ""); err != nil {
			return err
		}
		return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, CommentKeys(Comment{ID: id, Month: month, State: state, WasHeld: verdict.Held}), nil)
	})
	if err != nil {
		return CommentReceipt{}, err
	}
	cm, err := scanComment(s.DB.QueryRowContext(ctx, "SELECT "+commentCols+" FROM forum_comments WHERE id = $1"+store.InProvince("province_id", c.Province()), id))
	if err != nil {
		return CommentReceipt{Code: code, Comment: cm}, fmt.Errorf("add comment: %w", err)
	}
	return CommentReceipt{Code: code, Comment: cm}, nil
}

// CommentByCode is a comment as its author follows it, with the notices it had.
func (s *Service) CommentByCode(ctx context.Context, code string) (Comment, []cppcc.Event, error) {
	c, where, args, err := s.FindReceipt(ctx, s.DB, code, "", "评论")
	if err != nil {
		return Comment{}, nil, err
	}
	cm, err := scanComment(s.DB.QueryRowContext(ctx, "SELECT "+commentCols+" FROM forum_comments WHERE "+where, args...))
	if apperr.IsNotFound(err) {
		return cm, nil, apperr.NotFound("评论")
	}
	if err != nil {
		return cm, nil, fmt.Errorf("comment by code: %w", err)
	}
	ev, err := s.PublicEvents(ctx, s.DB, c, "comment", cm.ID, true, label, States)
	for i := range ev {
		ev[i].ToLabel = States.Label(ev[i].To)
	}
	return cm, ev, err
}

// cast records a visitor's kind of vote (support, rating, report) on an
// object once: false when the visitor cast it already. The visitor is kept
// as a keyed hash and found under every key of the ring, so that a key
// rotation does not let anyone vote again (the visitor itself is not
// stored, so its hash cannot be made anew under the new key).
func (s *Service) cast(ctx context.Context, tx *sql.Tx, c committee.Committee, object string, id int64, visitor, kind string, value int) (bool, error) {
	voter := "forum-voter|" + visitor
	cond, args := s.UnderEveryKey("voter", voter, []any{object, id, kind})
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM forum_votes WHERE object = $1 AND object_id = $2 AND kind = $3 AND "+cond+
		store.InProvince("province_id", c.Province()), args...).Scan(&n); err != nil || n > 0 {
		if err != nil {
			return false, fmt.Errorf("cast vote: %w", err)
		}
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO forum_votes (province_id, committee_id, object, object_id, voter, kind, value, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT DO NOTHING`, c.Province(), c.ID, object, id, s.Box.Hash(voter), kind, value, s.now())
	if err != nil {
		return false, fmt.Errorf("cast vote: %w", err)
	}
	n64, err := res.RowsAffected()
	if err != nil {
		return n64 == 1, fmt.Errorf("cast vote: %w", err)
	}
	return n64 == 1, nil
}

// Vote is a visitor's support (value 1) or rating (1 to 5) of a post,
// once a visitor (visitor: who counts once, the channel's key of the
// address; kept as its keyed hash).
func (s *Service) Vote(ctx context.Context, committeeID, postID int64, visitor, kind string, value int) (Post, error) {
	if (kind != "support" && kind != "rating") || (kind == "support" && value != 1) || (kind == "rating" && (value < 1 || value > 5)) {
		return Post{}, apperr.InvalidField("value", "评分应为 1 到 5 分")
	}
	c, err := s.PublicCommittee(ctx, committeeID)
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
		if err != nil {
			return fmt.Errorf("vote on forum item: %w", err)
		}
		return nil
	})
	if err != nil {
		return Post{}, fmt.Errorf("vote on forum item: %w", err)
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
	c, err := s.PublicCommittee(ctx, committeeID)
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
			return fmt.Errorf("report forum item: %w", err)
		}
		cast, err := s.cast(ctx, tx, c, object, id, visitor, "report", 1)
		if err != nil {
			return err
		}
		if !cast {
			return apperr.Conflict("您已经举报过了,我们会尽快审核")
		}
		reports++
		if reports < c.Rules.HideAfter() {
			_, err := tx.ExecContext(ctx, "UPDATE "+table+" SET reports = $1 WHERE id = $2"+store.InProvince("province_id", c.Province()), reports, id)
			if err != nil {
				return fmt.Errorf("report forum item: %w", err)
			}
			return nil
		}
		if err := store.Swap(ctx, tx, "内容", "UPDATE "+table+" SET reports = $1, state = 'hidden', updated_at = $2 WHERE id = $3 AND state = 'published'"+store.InProvince("province_id", c.Province()),
			reports, s.now(), id); err != nil {
			if err != nil {
				return fmt.Errorf("report forum item: %w", err)
			}
			return nil
		}
		note := "被举报 " + strconv.Itoa(reports) + " 次,已暂时隐藏,待审核"
		if err := s.forumEvent(ctx, tx, c, object, id, "hide", Published, Hidden, note); err != nil {
			return err
		}
		if object == "post" { // the letter's sender reads it with the receipt code
			if err := s.Letters.Notify(ctx, tx, c, caseID, "hide", "您公开到论坛的来信"+note); err != nil {
				return err
			}
			return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, PostKeys(Post{ID: id, Month: month, State: Hidden}), PostKeys(Post{ID: id, Month: month, State: Published}))
		}
		before, err := scanComment(tx.QueryRowContext(ctx, "SELECT "+commentCols+" FROM forum_comments WHERE id = $1"+store.InProvince("province_id", c.Province()), id))
		if err != nil {
			return fmt.Errorf("report forum item: %w", err)
		}
		after := before
		before.State = Published
		return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, CommentKeys(after), CommentKeys(before))
	})
}
