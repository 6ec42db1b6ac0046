package forum

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/cppcc"
	"dangjian/internal/spam"
	"dangjian/internal/store"
)

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
		m.Comment.Score, m.StateLabel = m.Score, States.Label(m.State)
		return m, err
	}, `SELECT m.id, m.post_id, m.author, m.body, m.original, m.state, m.score, m.reasons, m.reports, p.title FROM forum_comments m
		JOIN forum_posts p ON p.province_id = m.province_id AND p.id = m.post_id WHERE m.committee_id = $1 AND m.state IN ('held', 'hidden')`+prov+" ORDER BY m.id", c.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("read moderation queue: %w", err)
	}
	ps, err := store.Query(ctx, s.DB, scanPost, "SELECT "+postCols+" FROM forum_posts WHERE committee_id = $1 AND state = 'hidden'"+store.InProvince("province_id", c.Province())+" ORDER BY id", c.ID)
	if err != nil {
		return cs, ps, fmt.Errorf("read moderation queue: %w", err)
	}
	return cs, ps, nil
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
	if err != nil {
		return n, fmt.Errorf("count moderation queue: %w", err)
	}
	return n, nil
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
			return fmt.Errorf("moderate forum item: %w", err)
		}
		to, ok := Steps.Next("forum", in.Action, state)
		if !ok {
			return apperr.Conflict("当前状态为“%s”,不能%s", States.Label(state), label(in.Action))
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
			if object == "comment" && state == Held {
				if err := s.Learn(ctx, tx, original, false, filter); err != nil {
					return err
				}
			}
		case "remove":
			if in.Spam {
				if err := s.Learn(ctx, tx, original, true, filter); err != nil {
					return err
				}
			}
		}
		n := len(args)
		q := "UPDATE " + table + " SET state = $1, updated_at = $2" + set + " WHERE id = $" + strconv.Itoa(n+3) + " AND state = $" + strconv.Itoa(n+4) + store.InProvince("province_id", c.Province())
		if err := store.Swap(ctx, tx, "内容", q, append(append([]any{to, s.now()}, args...), id, state)...); err != nil {
			return fmt.Errorf("moderate forum item: %w", err)
		}
		if err := s.forumEvent(ctx, tx, c, object, id, in.Action, state, to, note); err != nil {
			return err
		}
		if object == "post" {
			return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, PostKeys(Post{ID: id, Month: month, State: to}), PostKeys(Post{ID: id, Month: month, State: state}))
		}
		return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, CommentKeys(Comment{ID: id, Month: month, State: to, WasHeld: wasHeld}), CommentKeys(Comment{ID: id, Month: month, State: state, WasHeld: wasHeld}))
	})
}
