package report

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
)

// Holder is a tree whose nodes keep their own texts of the templates: the
// Party organisations (their work summaries) or the committees (theirs).
type Holder struct {
	table, col, tree, object string
	// renamed rewrites what texts were saved with before a placeholder
	// was renamed; every stored text is read through it.
	renamed *strings.Replacer
}

// The two trees that keep templates.
var (
	Orgs       = Holder{"report_templates", "org_id", "orgs", "report_template", orgPlaceholders}
	Committees = Holder{"committee_templates", "committee_id", "committees", "committee_template", strings.NewReplacer()}
)

// Custom reads the texts the offices of a node's line (itself and its
// parents) set for its summaries; the nearest node's text wins.
func (h Holder) Custom(ctx context.Context, db *store.DB, path string) (map[string]string, error) {
	return h.customOf(ctx, db, store.PathIDs(path))
}

// Inherited is Custom without the node's own texts: what its summaries
// use where it sets none.
func (h Holder) Inherited(ctx context.Context, db *store.DB, path string) (map[string]string, error) {
	ids := store.PathIDs(path)
	return h.customOf(ctx, db, ids[:max(len(ids)-1, 0)])
}

func (h Holder) customOf(ctx context.Context, db *store.DB, ids []int64) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i] = id
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	rows, err := store.Query(ctx, db, scanText, "SELECT t.key, t.text FROM "+h.table+" t JOIN "+h.tree+" o ON o.id = t."+h.col+" WHERE t."+h.col+" IN ("+
		strings.Join(marks, ", ")+") ORDER BY LENGTH(o.path)", args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.key] = h.renamed.Replace(r.text) // deeper nodes (longer paths) come later and win
	}
	return out, nil
}

type keyText struct{ key, text string }

func scanText(sc store.Scanner) (keyText, error) {
	var r keyText
	return r, sc.Scan(&r.key, &r.text)
}

// SaveCustom sets a node's text of one template for itself and the nodes
// below it; an empty text goes back to the one above (or the built-in).
// Audited (a committee's change with the committee's path in the detail).
func (h Holder) SaveCustom(ctx context.Context, db *store.DB, id int64, path, key, text string, userID int64, now time.Time) error {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 2000 {
		return apperr.InvalidField(key, "模板不能超过2000个字")
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var before string
		err := tx.QueryRowContext(ctx, "SELECT text FROM "+h.table+" WHERE "+h.col+" = $1 AND key = $2", id, key).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if before == text {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+h.table+" WHERE "+h.col+" = $1 AND key = $2", id, key); err != nil {
			return err
		}
		if text != "" {
			var by any
			if userID != 0 {
				by = userID
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO "+h.table+" ("+h.col+", key, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
				id, key, text, by, now.UTC()); err != nil {
				return err
			}
		}
		detail := map[string]any{"key": key, "changes": map[string][2]any{"text": {before, text}}}
		ev := audit.Event{Action: "update", ObjectType: h.object, ObjectID: id, Detail: detail}
		if h.tree == "orgs" {
			ev.OrgPath = path // the organisations' audit trail is read by subtree
		} else {
			detail["committee_id"] = id // as the consultative work's entries name it
		}
		return audit.Record(ctx, db, tx, ev)
	})
}

// Own reads the texts a node set itself (not those of its parents).
func (h Holder) Own(ctx context.Context, db *store.DB, id int64) (map[string]string, error) {
	rows, err := store.Query(ctx, db, scanText, "SELECT key, text FROM "+h.table+" WHERE "+h.col+" = $1", id)
	out := map[string]string{}
	for _, r := range rows {
		out[r.key] = h.renamed.Replace(r.text)
	}
	return out, err
}

// DraftOf is a summary's saved draft: the texts as the form sent them.
type DraftOf struct {
	Texts url.Values
	Saved time.Time
}

// holderKind names the holder in summary_drafts.
func (h Holder) holderKind() string { return strings.TrimSuffix(h.col, "_id") }

// Draft reads the draft a node saved for the period, if any.
func (h Holder) Draft(ctx context.Context, db *store.DB, id int64, period string) (DraftOf, bool, error) {
	var texts string
	var d DraftOf
	err := db.QueryRowContext(ctx, "SELECT texts, updated_at FROM summary_drafts WHERE holder = $1 AND holder_id = $2 AND period = $3",
		h.holderKind(), id, period).Scan(&texts, &d.Saved)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	if d.Texts, err = url.ParseQuery(texts); err != nil {
		return d, false, err
	}
	for _, vs := range d.Texts {
		for i, v := range vs {
			vs[i] = h.renamed.Replace(v)
		}
	}
	return d, true, nil
}

// SaveDraft keeps the texts of a node's summary of the period (nil: drops
// the draft, so that the next visit drafts afresh). Audited as the
// templates are.
func (h Holder) SaveDraft(ctx context.Context, db *store.DB, id int64, path, period string, texts url.Values, userID int64, now time.Time) error {
	if n := utf8.RuneCountInString(texts.Encode()); n > 200000 {
		return apperr.InvalidField("title", "草稿过长(超过20万字),未保存")
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM summary_drafts WHERE holder = $1 AND holder_id = $2 AND period = $3", h.holderKind(), id, period); err != nil {
			return err
		}
		action := "discard"
		if texts != nil {
			var by any
			if userID != 0 {
				by = userID
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO summary_drafts (holder, holder_id, period, texts, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
				h.holderKind(), id, period, texts.Encode(), by, now.UTC()); err != nil {
				return err
			}
			action = "save"
		}
		detail := map[string]any{"period": period, "title": texts.Get("title")}
		ev := audit.Event{Action: action, ObjectType: "summary_draft", ObjectID: id, Detail: detail}
		if h.tree == "orgs" {
			ev.OrgPath = path
		} else {
			detail["committee_id"] = id
		}
		return audit.Record(ctx, db, tx, ev)
	})
}
