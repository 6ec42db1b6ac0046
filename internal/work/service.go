package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// Service stores and reads work records.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

func (s *Service) now() time.Time { return store.Now(s.Now) }

// Today is the current day in Beijing.
func (s *Service) Today() date.Date { return date.Of(s.now()) }

type strictKey struct{}

// StrictJSON returns a context in which numbers must come as JSON numbers
// (the API), not as the text a form posts.
func StrictJSON(ctx context.Context) context.Context {
	return context.WithValue(ctx, strictKey{}, true)
}

func (s *Service) strictJSON(ctx context.Context) bool {
	b, _ := ctx.Value(strictKey{}).(bool)
	return b
}

// Bad is an input value its caller already found wrong (a form's amount
// in yuan, an upload), with the reason; it is reported with the others.
type Bad string

// Input is what a caller sends for a record: values by column, as JSON
// decodes them or as a form's text. "org_id" places a top-level record,
// "parent_id" a child record.
type Input map[string]any

// selectFrom is the query of a kind's records within a path range ($1, $2).
func (k *Kind) selectFrom() string {
	var cols, joins strings.Builder
	parent := "0"
	if k.Parent != "" {
		parent = "t.parent_id"
	}
	cols.WriteString("t.id, t.org_id, o.name, o.path, " + parent + ", t.created_by, COALESCE(NULLIF(u.display_name, ''), u.username, ''), t.created_at, t.updated_at")
	for i, f := range k.Fields {
		cols.WriteString(", t." + f.Col)
		alias := "j" + strconv.Itoa(i)
		on := " " + alias + " ON " + alias + ".id = t." + f.Col
		if f.Type != Org {
			// Rows of the same province, as a Citus cluster joins them (a
			// member received in another province since shows no name).
			on += " AND " + alias + ".province_id = t.province_id"
		}
		switch f.Type {
		case Member:
			joins.WriteString(" LEFT JOIN members" + on)
			cols.WriteString(", " + alias + ".name")
		case Org:
			joins.WriteString(" LEFT JOIN orgs" + on)
			cols.WriteString(", " + alias + ".name")
		case Ref:
			ref := kindsByName[f.Ref]
			joins.WriteString(" LEFT JOIN " + ref.Name + on)
			cols.WriteString(", " + alias + "." + ref.Title())
		case File:
			joins.WriteString(" LEFT JOIN attachments" + on)
			cols.WriteString(", " + alias + ".name")
		}
	}
	return "SELECT " + cols.String() + " FROM " + k.Name + " t JOIN orgs o ON o.id = t.org_id LEFT JOIN users u ON u.id = t.created_by" +
		joins.String() + " WHERE o.path >= $1 AND o.path < $2"
}

func named(t FieldType) bool { return t == Member || t == Org || t == Ref || t == File }

func (k *Kind) scan(sc store.Scanner) (Record, error) {
	r := Record{Kind: k, V: map[string]any{}, Names: map[string]string{}}
	var by sql.NullInt64
	dest := []any{&r.ID, &r.OrgID, &r.OrgName, &r.OrgPath, &r.ParentID, &by, &r.Maker, &r.CreatedAt, &r.UpdatedAt}
	vals := make([]any, len(k.Fields))
	names := make([]*sql.NullString, len(k.Fields))
	for i, f := range k.Fields {
		switch f.Type {
		case Text, Note, Enum:
			vals[i] = new(string)
		case Date:
			vals[i] = new(date.Date)
		case Fen, Int:
			vals[i] = new(int64)
		default:
			vals[i] = new(sql.NullInt64)
		}
		dest = append(dest, vals[i])
		if named(f.Type) {
			names[i] = new(sql.NullString)
			dest = append(dest, names[i])
		}
	}
	if err := sc.Scan(dest...); err != nil {
		return r, err
	}
	r.CreatedBy = by.Int64
	for i, f := range k.Fields {
		switch v := vals[i].(type) {
		case *string:
			r.V[f.Col] = *v
			if f.Type == Enum && *v != "" {
				r.Names[f.Col] = f.Enum.Label(*v)
			}
		case *date.Date:
			r.V[f.Col] = *v
		case *int64:
			r.V[f.Col] = *v
		case *sql.NullInt64:
			r.V[f.Col] = v.Int64
			if names[i].Valid {
				r.Names[f.Col] = names[i].String
			}
		}
	}
	return r, nil
}

// get reads one record in scope.
func (s *Service) get(ctx context.Context, q store.Querier, sc store.Scope, k *Kind, id int64) (Record, error) {
	lo, hi := sc.Range()
	r, err := k.scan(q.QueryRowContext(ctx, k.selectFrom()+sc.Exact("o.path")+sc.ProvinceParam("t.province_id")+" AND t.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound(k.Noun)
	}
	if err == nil && k.Derive != nil {
		k.Derive(&r, s.Today())
	}
	return r, err
}

// Get returns one record in scope.
func (s *Service) Get(ctx context.Context, sc store.Scope, k *Kind, id int64) (Record, error) {
	return s.get(ctx, s.DB, sc, k, id)
}

// Save creates a record (id 0) or changes the fields present in the input.
func (s *Service) Save(ctx context.Context, sc store.Scope, k *Kind, id int64, in Input) (Record, error) {
	var out Record
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var before *Record
		r := Record{Kind: k, V: map[string]any{}, Names: map[string]string{}}
		var parent *Record
		if id != 0 {
			old, err := s.get(ctx, tx, sc, k, id)
			if err != nil {
				return err
			}
			if err := k.locked(old); err != nil {
				return err
			}
			before = &old
			r = old
			r.V = copyMap(old.V)
			if parent, err = s.parentOf(ctx, tx, r); err != nil {
				return err
			}
		} else if k.Parent != "" {
			pid, _ := strconv.ParseInt(text(in["parent_id"]), 10, 64)
			p, err := s.get(ctx, tx, sc, kindsByName[k.Parent], pid)
			if err != nil {
				return err
			}
			parent, r.ParentID, r.OrgID, r.OrgPath = &p, p.ID, p.OrgID, p.OrgPath
		} else {
			oid, _ := strconv.ParseInt(text(in["org_id"]), 10, 64)
			var err error
			if r.OrgPath, err = org.PathIn(ctx, tx, sc, oid, true); err != nil {
				return err
			}
			if r.OrgPath == "" {
				return apperr.InvalidField("org_id", "所属党组织不存在或不在您的管理范围内")
			}
			r.OrgID = oid
		}
		var v apperr.Invalid
		if err := s.fill(ctx, tx, sc, &r, in, id == 0, &v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if id == 0 && k.Status != "" {
			st, _ := k.Field(k.Status)
			r.V[k.Status] = st.Enum[0].Code
		}
		if k.Check != nil {
			k.Check(&r, &v)
			if err := v.Err(); err != nil {
				return err
			}
		}
		if k.Prepare != nil {
			if err := k.Prepare(ctx, tx, before, &r); err != nil {
				return err
			}
		}
		now := s.now()
		var err error
		if id == 0 {
			id, err = s.insert(ctx, tx, r, now)
		} else {
			err = s.update(ctx, tx, r, now)
		}
		if err != nil {
			return err
		}
		r.ID = id
		if k.After != nil {
			if err := k.After(ctx, tx, before, r); err != nil {
				return err
			}
		}
		after, err := s.get(ctx, tx, store.ScopeOf(r.OrgPath), k, id)
		if err != nil {
			return err
		}
		if err := s.refigure(ctx, tx, before, &after, parent); err != nil {
			return err
		}
		if before != nil {
			if err := s.refigureChildren(ctx, tx, *before, after); err != nil {
				return err
			}
		}
		action := "create"
		var old any
		if before != nil {
			action, old = "update", before.V
		}
		out = after
		return audit.Change(ctx, s.DB, tx, action, k.Name, id, r.OrgPath, old, after.V)
	})
	return out, err
}

// locked refuses to change a record its kind locks.
func (k *Kind) locked(r Record) error {
	if k.Lock != nil {
		if why := k.Lock(r); why != "" {
			return apperr.Rule("%s", why)
		}
	}
	return nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *Service) parentOf(ctx context.Context, q store.Querier, r Record) (*Record, error) {
	if r.Kind.Parent == "" {
		return nil, nil
	}
	// A part is kept in its record's organisation: read there, on its province's worker.
	p, err := s.get(ctx, q, store.ScopeOf(r.OrgPath), kindsByName[r.Kind.Parent], r.ParentID)
	return &p, err
}

func args(r Record, cols []string) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		v := r.V[c]
		switch f, _ := r.Kind.Field(c); {
		case named(f.Type):
			if n, _ := v.(int64); n == 0 {
				v = nil
			}
		case v != nil:
		case f.Type == Fen || f.Type == Int:
			v = int64(0)
		case f.Type != Date:
			v = ""
		}
		out[i] = v
	}
	return out
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, r Record, now time.Time) (int64, error) {
	k := r.Kind
	cols := []string{}
	for _, f := range k.Fields {
		cols = append(cols, f.Col)
	}
	vals := append([]any{r.OrgID}, args(r, cols)...)
	names := "org_id"
	if k.Parent != "" {
		names += ", parent_id"
		vals = append([]any{r.OrgID, r.ParentID}, vals[1:]...)
	}
	var by any
	if a := audit.ActorOf(ctx); a.UserID != 0 {
		by = a.UserID
	}
	vals = append(vals, by, now, now, store.ProvinceOf(r.OrgPath))
	ph := make([]string, len(vals))
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	var id int64
	err := tx.QueryRowContext(ctx, "INSERT INTO "+k.Name+" ("+names+", "+strings.Join(cols, ", ")+", created_by, created_at, updated_at, province_id) VALUES ("+
		strings.Join(ph, ", ")+") RETURNING id", vals...).Scan(&id)
	if err != nil {
		return id, fmt.Errorf("insert work record: %w", err)
	}
	return id, nil
}

// update writes every field a form or Check sets; the state and the step
// fields change only through Act, and Managed columns only through the kind.
func (s *Service) update(ctx context.Context, tx *sql.Tx, r Record, now time.Time) error {
	k := r.Kind
	var cols []string
	for _, f := range k.Fields {
		if f.Step == "" && f.Col != k.Status && !k.managed(f.Col) {
			cols = append(cols, f.Col)
		}
	}
	return s.set(ctx, tx, r, cols, now, "")
}

func (k *Kind) managed(col string) bool {
	for _, c := range k.Managed {
		if c == col {
			return true
		}
	}
	return false
}

// set writes cols of r; with from set, only while the state is still from,
// and reports a conflict otherwise.
func (s *Service) set(ctx context.Context, tx *sql.Tx, r Record, cols []string, now time.Time, from string) error {
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = c + " = $" + strconv.Itoa(i+1)
	}
	vals := append(args(r, cols), now, r.ID)
	query := "UPDATE " + r.Kind.Name + " SET " + strings.Join(sets, ", ") + ", updated_at = $" + strconv.Itoa(len(cols)+1) +
		" WHERE id = $" + strconv.Itoa(len(cols)+2) + store.ProvinceIs("province_id", r.OrgPath)
	if from != "" {
		vals = append(vals, from)
		query += " AND " + r.Kind.Status + " = $" + strconv.Itoa(len(cols)+3)
	}
	return store.Swap(ctx, tx, r.Kind.Noun, query, vals...)
}

// Delete removes a record entered by mistake, with its figures; a record
// with records under it, or one its kind locks, stays.
func (s *Service) Delete(ctx context.Context, sc store.Scope, k *Kind, id int64) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.get(ctx, tx, sc, k, id)
		if err != nil {
			return err
		}
		if err := k.locked(r); err != nil {
			return err
		}
		for _, c := range k.Children() {
			var n int64
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.Name+" WHERE parent_id = $1", id).Scan(&n); err != nil {
				return fmt.Errorf("delete work record: %w", err)
			}
			if n > 0 {
				return apperr.Conflict("该%s下还有%d条%s,请先删除它们", k.Noun, n, c.Noun)
			}
		}
		for _, other := range Kinds {
			for _, f := range other.Fields {
				if f.Type != Ref || f.Ref != k.Name {
					continue
				}
				var n int64
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+other.Name+" WHERE "+f.Col+" = $1", id).Scan(&n); err != nil {
					return fmt.Errorf("delete work record: %w", err)
				}
				if n > 0 {
					return apperr.Conflict("该%s已有%d条%s,不能删除", k.Noun, n, other.Noun)
				}
			}
		}
		parent, err := s.parentOf(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := s.refigure(ctx, tx, &r, nil, parent); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+k.Name+" WHERE id = $1"+store.ProvinceIs("province_id", r.OrgPath), id); err != nil {
			return fmt.Errorf("delete work record: %w", err)
		}
		return audit.Change(ctx, s.DB, tx, "delete", k.Name, id, r.OrgPath, r.V, nil)
	})
}

// Act takes a step of a record's state, with the values the step asks for
// (a date left out is today).
func (s *Service) Act(ctx context.Context, sc store.Scope, k *Kind, id int64, name string, in Input) (Record, error) {
	a, ok := k.Action(name)
	if !ok {
		return Record{}, apperr.NotFound("操作")
	}
	var out Record
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, sc, k, id)
		if err != nil {
			return err
		}
		from := before.Str(k.Status)
		if !slices.Contains(a.From, from) {
			return apperr.Rule("该%s当前为“%s”,不能办理“%s”", k.Noun, before.Names[k.Status], a.Label)
		}
		actor := audit.ActorOf(ctx)
		if a.Checker && (actor.UserID == 0 || actor.UserID == before.CreatedBy) {
			return apperr.Rule("“%s”须由录入人以外的另一名用户办理(审核与录入分离)", a.Label)
		}
		r := before
		r.V = copyMap(before.V)
		r.V[k.Status] = a.To
		cols := []string{k.Status}
		if a.Undoes != "" {
			if s.now().Sub(before.UpdatedAt) > UndoWindow {
				return apperr.Rule("“%s”只能在办理后%d小时内撤销;已超过时限,如确需更正请联系上级党组织", k.ActionLabel(a.Undoes), int(UndoWindow.Hours()))
			}
			for _, f := range k.Fields {
				if f.Step == a.Undoes {
					r.V[f.Col] = nil
					cols = append(cols, f.Col)
				}
			}
		}
		var v apperr.Invalid
		for _, f := range k.Fields {
			if f.Step != a.Name {
				continue
			}
			cols = append(cols, f.Col)
			val, msg, err := s.parse(ctx, tx, sc, f, in[f.Col])
			switch {
			case err != nil:
				return err
			case msg != "":
				v.Add(f.Col, "%s", msg)
			case f.Type == Date && empty(val):
				r.V[f.Col] = s.Today()
			case f.Required && empty(val):
				v.Add(f.Col, "请填写%s", f.Label)
			default:
				r.V[f.Col] = val
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if a.Checker {
			r.V["decided_on"], r.V["checker"] = s.Today(), actor.Username
			cols = append(cols, "decided_on", "checker")
		}
		if err := s.set(ctx, tx, r, cols, s.now(), from); err != nil {
			return err
		}
		if a.Do != nil {
			if err := a.Do(ctx, tx, r); err != nil {
				return err
			}
		}
		after, err := s.get(ctx, tx, store.ScopeOf(r.OrgPath), k, id)
		if err != nil {
			return err
		}
		parent, err := s.parentOf(ctx, tx, after)
		if err != nil {
			return err
		}
		if err := s.refigure(ctx, tx, &before, &after, parent); err != nil {
			return err
		}
		out = after
		return audit.Change(ctx, s.DB, tx, name, k.Name, id, after.OrgPath, before.V, after.V)
	})
	return out, err
}
