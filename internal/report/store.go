package report

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
)

// Custom reads the texts the offices of an organisation's line (itself and
// its parents) set for its summaries; the nearest organisation's text wins.
func Custom(ctx context.Context, db *store.DB, path string) (map[string]string, error) {
	return customOf(ctx, db, store.PathIDs(path))
}

// Inherited is Custom without the organisation's own texts: what its
// summaries use where it sets none.
func Inherited(ctx context.Context, db *store.DB, path string) (map[string]string, error) {
	ids := store.PathIDs(path)
	return customOf(ctx, db, ids[:max(len(ids)-1, 0)])
}

func customOf(ctx context.Context, db *store.DB, ids []int64) (map[string]string, error) {
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
	rows, err := store.Query(ctx, db, scanText, "SELECT t.key, t.text FROM report_templates t JOIN orgs o ON o.id = t.org_id WHERE t.org_id IN ("+
		strings.Join(marks, ", ")+") ORDER BY o.depth", args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.key] = r.text // deeper organisations come later and win
	}
	return out, nil
}

type keyText struct{ key, text string }

func scanText(sc store.Scanner) (keyText, error) {
	var r keyText
	return r, sc.Scan(&r.key, &r.text)
}

// SaveCustom sets an organisation's text of one template for itself and
// the organisations below it; an empty text goes back to the one above
// (or the built-in). Audited.
func SaveCustom(ctx context.Context, db *store.DB, orgID int64, orgPath, key, text string, userID int64, now time.Time) error {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 2000 {
		return apperr.InvalidField(key, "模板不能超过2000个字")
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var before string
		err := tx.QueryRowContext(ctx, "SELECT text FROM report_templates WHERE org_id = $1 AND key = $2", orgID, key).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if before == text {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM report_templates WHERE org_id = $1 AND key = $2", orgID, key); err != nil {
			return err
		}
		if text != "" {
			var by any
			if userID != 0 {
				by = userID
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO report_templates (org_id, key, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
				orgID, key, text, by, now.UTC()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, db, tx, audit.Event{Action: "update", ObjectType: "report_template", ObjectID: orgID, OrgPath: orgPath,
			Detail: map[string]any{"key": key, "changes": map[string][2]any{"text": {before, text}}}})
	})
}

// Own reads the texts an organisation set itself (not those of its parents).
func Own(ctx context.Context, db *store.DB, orgID int64) (map[string]string, error) {
	rows, err := store.Query(ctx, db, scanText, "SELECT key, text FROM report_templates WHERE org_id = $1", orgID)
	out := map[string]string{}
	for _, r := range rows {
		out[r.key] = r.text
	}
	return out, err
}
