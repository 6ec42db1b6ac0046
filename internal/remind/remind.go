// Package remind keeps the reminders (催办) recorded against things that
// are due: a work record, a letter, an organisation's term. The caller
// finds the thing in its own scope first; a reminder is then kept under
// the thing's organisation and read back only within a scope that holds it.
package remind

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
)

// Reminder is one 催办.
type Reminder struct {
	ID         int64     `json:"id"`
	ObjectType string    `json:"object_type"`
	ObjectID   int64     `json:"object_id"`
	ToWhom     string    `json:"to_whom"`
	Note       string    `json:"note"`
	ByName     string    `json:"by_name"`
	CreatedAt  time.Time `json:"created_at"`
}

// Object is the thing reminded of, as the caller found it in scope.
type Object struct {
	Type    string // "pairing_items" and the other work kinds, "transfer", "org"
	ID      int64
	OrgID   int64
	OrgPath string
}

// Service records and lists reminders.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

// Add records a reminder to whom about o, with a note, audited in the
// same transaction.
func (s *Service) Add(ctx context.Context, o Object, toWhom, note string) (Reminder, error) {
	toWhom, note = strings.TrimSpace(toWhom), strings.TrimSpace(note)
	var v apperr.Invalid
	switch {
	case toWhom == "":
		v.Add("to_whom", "请填写催办对象(人或党组织)")
	case utf8.RuneCountInString(toWhom) > 50:
		v.Add("to_whom", "催办对象不能超过50个字")
	}
	if utf8.RuneCountInString(note) > 200 {
		v.Add("note", "催办说明不能超过200个字")
	}
	if err := v.Err(); err != nil {
		return Reminder{}, err
	}
	actor := audit.ActorOf(ctx)
	r := Reminder{ObjectType: o.Type, ObjectID: o.ID, ToWhom: toWhom, Note: note, ByName: actor.Username, CreatedAt: store.Now(s.Now)}
	var by any
	if actor.UserID != 0 {
		by = actor.UserID
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO reminders (object_type, object_id, org_id, to_whom, note, created_by, by_name, created_at, province_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, o.Type, o.ID, o.OrgID, toWhom, note, by, r.ByName, r.CreatedAt,
			store.ProvinceOf(o.OrgPath)).Scan(&r.ID); err != nil {
			return err
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "remind", ObjectType: o.Type, ObjectID: o.ID, OrgPath: o.OrgPath,
			Detail: map[string]any{"to_whom": toWhom, "note": note}})
	})
	return r, err
}

// List returns the reminders about a thing, newest first, those under an
// organisation in sc.
func (s *Service) List(ctx context.Context, sc store.Scope, objectType string, id int64) ([]Reminder, error) {
	lo, hi := sc.Range()
	return store.Query(ctx, s.DB, func(row store.Scanner) (Reminder, error) {
		var r Reminder
		return r, row.Scan(&r.ID, &r.ObjectType, &r.ObjectID, &r.ToWhom, &r.Note, &r.ByName, &r.CreatedAt)
	}, `SELECT r.id, r.object_type, r.object_id, r.to_whom, r.note, r.by_name, r.created_at FROM reminders r JOIN orgs o ON o.id = r.org_id
		WHERE o.path >= $1 AND o.path < $2`+sc.Exact("o.path")+sc.ProvinceParam("r.province_id")+` AND r.object_type = $3 AND r.object_id = $4 ORDER BY r.id DESC LIMIT 50`,
		lo, hi, objectType, id)
}
