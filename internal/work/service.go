package work

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/stats"
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

// text turns a JSON or form value into trimmed text.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// parse checks one field's value and returns it typed; msg says what is
// wrong with it, err is a failure of the database.
func (s *Service) parse(ctx context.Context, q store.Querier, sc store.Scope, f Field, raw any) (val any, msg string, err error) {
	if b, ok := raw.(Bad); ok {
		return nil, string(b), nil
	}
	if nf, ok := raw.(NewFile); ok && f.Type == File {
		tx, _ := q.(*sql.Tx)
		a, err := s.attach(ctx, tx, sc, nf)
		if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
			return nil, ae.Fields[0].Message, nil
		}
		if err != nil {
			return nil, "", err
		}
		raw = a.ID
	}
	t := text(raw)
	if named(f.Type) {
		if t == "" || t == "0" {
			return int64(0), "", nil
		}
		return s.resolve(ctx, q, sc, f, t)
	}
	if num, isNum := raw.(float64); (f.Type == Fen || f.Type == Int) && raw != nil && !isNum {
		if _, isText := raw.(string); isText && s.strictJSON(ctx) {
			return nil, f.Label + "应为数字,不应加引号", nil
		}
	} else if isNum && num != math.Trunc(num) {
		return nil, f.Label + "应为整数", nil
	}
	val, msg = value(f, t, s.Today())
	return val, msg, nil
}

// The domains of numbers: money up to 100亿元 (10^12 fen), whole numbers
// of fields without a stated maximum up to a billion. Sums over the whole
// tree stay far inside int64.
const (
	MaxFen = 1_000_000_000_000
	maxInt = 1_000_000_000
)

// value checks a value of a field that refers to nothing else.
func value(f Field, t string, today date.Date) (any, string) {
	switch f.Type {
	case Text, Note:
		limit := 200
		if f.Type == Note {
			limit = 2000
		}
		if utf8.RuneCountInString(t) > limit {
			return nil, f.Label + "不能超过" + strconv.Itoa(limit) + "个字"
		}
		return t, ""
	case Enum:
		if t == "" {
			return "", ""
		}
		code, ok := f.Enum.Parse(t)
		if !ok {
			return nil, f.Label + "“" + t + "”无效,应为" + f.Enum.Labels() + "之一"
		}
		return code, ""
	case Date:
		d, err := date.Parse(t)
		if err != nil {
			return nil, f.Label + ":" + err.Error()
		}
		if f.Past && d.After(today) {
			return nil, f.Label + d.String() + "晚于今天"
		}
		return d, ""
	case Fen, Int:
		if t == "" {
			return int64(0), ""
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			n, err = math.MaxInt64, nil
		}
		if err != nil {
			if f.Type == Fen {
				return nil, f.Label + "“" + t + "”不是以分为单位的整数金额"
			}
			return nil, f.Label + "“" + t + "”不是整数"
		}
		if f.Type == Fen && n < 0 {
			return nil, f.Label + "不能为负数"
		}
		if f.Type == Fen && n > MaxFen {
			return nil, f.Label + "超过100亿元的上限,请核对金额(以分为单位)"
		}
		if hi := f.Max; f.Type == Int && (n < f.Min || n > cmp.Or(hi, maxInt)) {
			return nil, f.Label + "应在" + strconv.FormatInt(f.Min, 10) + "到" + strconv.FormatInt(cmp.Or(hi, maxInt), 10) + "之间"
		}
		return n, ""
	}
	return nil, f.Label + "的类型无法识别"
}

// resolve finds the person, organisation, record or file a reference field
// names, by id or (persons and organisations) by exact name, in scope.
func (s *Service) resolve(ctx context.Context, q store.Querier, sc store.Scope, f Field, t string) (any, string, error) {
	lo, hi := sc.Range()
	var table, nameCol, what string
	switch f.Type {
	case Member:
		table, nameCol, what = "members", "name", "党员"
	case Org:
		table, nameCol, what = "orgs", "name", "党组织"
	case Ref:
		ref := kindsByName[f.Ref]
		table, nameCol, what = ref.Name, ref.Title(), ref.Noun
	default:
		table, nameCol, what = "attachments", "name", "附件"
	}
	join, routed := " JOIN orgs o ON o.id = t.org_id", sc.ProvinceParam("t.province_id")
	if f.Type == Org {
		join, routed = " JOIN orgs o ON o.id = t.id", ""
	}
	query := "SELECT t.id FROM " + table + " t" + join + " WHERE o.path >= $1 AND o.path < $2" + sc.Exact("o.path") + routed + " AND "
	id, err := strconv.ParseInt(t, 10, 64)
	var ids []int64
	if err == nil {
		ids, err = store.Query(ctx, q, scanID, query+"t.id = $3", lo, hi, id)
	} else if f.Type == Member || f.Type == Org {
		cond := "t." + nameCol + " = $3"
		if f.Type == Member {
			cond += " AND t.status = 'active'"
		}
		ids, err = store.Query(ctx, q, scanID, query+cond+" LIMIT 3", lo, hi, t)
	}
	switch {
	case err != nil:
		return nil, "", err
	case len(ids) == 0:
		return nil, f.Label + ":您的管理范围内没有" + what + "“" + t + "”", nil
	case len(ids) > 1:
		return nil, f.Label + ":您的管理范围内有不止一名" + what + "叫“" + t + "”,请从候选中选择(接口调用请给出编号)", nil
	}
	return ids[0], "", nil
}

func scanID(sc store.Scanner) (int64, error) {
	var id int64
	return id, sc.Scan(&id)
}

// fill applies an input to a record: on creation every form field, on
// change only the fields present. Step and Auto fields are left alone.
func (s *Service) fill(ctx context.Context, q store.Querier, sc store.Scope, r *Record, in Input, creating bool, v *apperr.Invalid) error {
	for _, f := range r.Kind.Fields {
		if f.Step != "" || f.Auto {
			continue
		}
		raw, present := in[f.Col]
		if !present && !creating {
			continue
		}
		val, msg, err := s.parse(ctx, q, sc, f, raw)
		if err != nil {
			return err
		}
		if msg != "" {
			v.Add(f.Col, "%s", msg)
			continue
		}
		r.V[f.Col] = val
	}
	for _, f := range r.Kind.Fields {
		if f.Step == "" && !f.Auto && f.Required && empty(r.V[f.Col]) && !hasField(v, f.Col) {
			v.Add(f.Col, "请填写%s", f.Label)
		}
	}
	return nil
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case date.Date:
		return x.IsZero()
	case int64:
		return x == 0
	}
	return false
}

func hasField(v *apperr.Invalid, col string) bool {
	err, _ := apperr.As(v.Err())
	if err == nil {
		return false
	}
	for _, f := range err.Fields {
		if f.Field == col {
			return true
		}
	}
	return false
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
	return id, err
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

// figures lists what a record adds to the figures.
func figures(r *Record, parent *Record) stats.Delta {
	d := stats.Delta{}
	if r == nil || r.Kind.Figures == nil {
		return d
	}
	for _, f := range r.Kind.Figures(*r, parent) {
		d[f.Key] += f.N
	}
	return d
}

// refigure moves the figures of the record's organisation path from what
// before counted to what after counts.
func (s *Service) refigure(ctx context.Context, tx *sql.Tx, before, after *Record, parent *Record) error {
	d := figures(after, parent)
	for k, n := range figures(before, parent) {
		d[k] -= n
	}
	path := ""
	if after != nil {
		path = after.OrgPath
	} else {
		path = before.OrgPath
	}
	return stats.ApplyPath(ctx, s.DB, tx, path, d)
}

// refigureChildren recounts the children whose figures depend on a changed parent.
func (s *Service) refigureChildren(ctx context.Context, tx *sql.Tx, before, after Record) error {
	for _, c := range before.Kind.Children() {
		if c.Figures == nil {
			continue
		}
		var kids []Record
		err := s.each(ctx, tx, store.ScopeOf(before.OrgPath), c, Filter{ParentID: before.ID}, func(r Record) error {
			kids = append(kids, r)
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range kids {
			d := figures(&r, &after)
			for k, n := range figures(&r, &before) {
				d[k] -= n
			}
			if err := stats.ApplyPath(ctx, s.DB, tx, r.OrgPath, d); err != nil {
				return err
			}
		}
	}
	return nil
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
				return err
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
					return err
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
			return err
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
