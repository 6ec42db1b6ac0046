package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

func scan(sc store.Scanner) (Entry, error) {
	var e Entry
	var uid sql.NullInt64
	var detail string
	err := sc.Scan(&e.ID, &e.At, &uid, &e.Username, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.OrgPath, &detail, &e.PrevHash, &e.Hash,
		&e.Province, &e.Seq)
	if uid.Valid {
		e.UserID = &uid.Int64
	}
	e.At = e.At.UTC()
	e.Detail = json.RawMessage(detail)
	return e, err
}

// Filter narrows the trail.
type Filter struct {
	Username   string
	Action     string
	ObjectType string
	ObjectID   int64
	From, To   time.Time // To exclusive
	// ByRole keeps the entries of users who hold or held the role.
	ByRole string
	// OrgID keeps the entries about an organisation and those below it.
	OrgID int64
}

// FilterOf reads a filter from a page's or a request's query: user,
// action, object_type, org, and the days from and to (both included).
func FilterOf(q url.Values) (Filter, error) {
	f := Filter{Username: strings.TrimSpace(q.Get("user")), Action: q.Get("action"), ObjectType: q.Get("object_type")}
	f.OrgID, _ = strconv.ParseInt(q.Get("org"), 10, 64)
	var err error
	f.From, f.To, err = Days(q.Get("from"), q.Get("to"))
	return f, err
}

// List returns one page of the trail within the scope, newest first. Entries
// about the system as a whole (logins, users) are seen only by the whole-tree scope.
func List(ctx context.Context, db *store.DB, sc store.Scope, f Filter, p store.Page) (store.List[Entry], error) {
	out, p := store.NewList[Entry](p)
	w := where(sc, f)
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE 1=1"+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list audit entries: %w", err)
	}
	limit, args := w.Limit(p)
	err := each(ctx, db, selectEntries+w.String()+" ORDER BY id DESC"+limit, args, func(e Entry) error {
		out.Items = append(out.Items, e)
		return nil
	})
	return out, err
}

const selectEntries = `SELECT id, at, user_id, username, ip, action, object_type, object_id, org_path, detail, prev_hash, hash,
	province_id, COALESCE(seq, 0) FROM audit_log WHERE 1=1`

func where(sc store.Scope, f Filter) *store.Where {
	w := store.NewWhere()
	if !sc.IsAll() {
		lo, hi := sc.Range()
		w.And("org_path >= ? AND org_path < ?", lo, hi)
		w.Exact(sc, "org_path")
		w.Province(sc, "province_id")
	}
	if f.Username != "" {
		w.And("username = ?", f.Username)
	}
	if f.Action != "" {
		w.And("action = ?", f.Action)
	}
	if f.ByRole != "" {
		w.And("user_id IN (SELECT user_id FROM grants WHERE role = ?)", f.ByRole)
	}
	if f.ObjectType != "" {
		w.And("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != 0 {
		w.And("object_id = ?", f.ObjectID)
	}
	if f.OrgID != 0 {
		// The organisation's path is a prefix of the paths below it.
		w.And("org_path LIKE (SELECT path FROM orgs WHERE id = ?) || '%'", f.OrgID)
	}
	if !f.From.IsZero() {
		w.And("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		w.And("at < ?", f.To.UTC())
	}
	return w
}

// Each calls fn for every entry matching f within the scope, oldest first;
// it streams, for exports of any size.
func Each(ctx context.Context, db *store.DB, sc store.Scope, f Filter, fn func(Entry) error) error {
	w := where(sc, f)
	return each(ctx, db, selectEntries+w.String()+" ORDER BY id", w.Args, fn)
}

func each(ctx context.Context, db *store.DB, query string, args []any, fn func(Entry) error) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read audit entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Days turns a range of Beijing days given as "2006-01-02" (either may be
// empty) into the instants [from, to) a Filter takes.
func Days(from, to string) (time.Time, time.Time, error) {
	var out [2]time.Time
	for i, v := range []string{from, to} {
		if v == "" {
			continue
		}
		d, err := date.Parse(v)
		if err != nil {
			return time.Time{}, time.Time{}, apperr.InvalidField([]string{"from", "to"}[i], "%s", err.Error())
		}
		y, m, day := d.Time().Date()
		out[i] = time.Date(y, m, day+i, 0, 0, 0, 0, date.Shanghai)
	}
	return out[0], out[1], nil
}
