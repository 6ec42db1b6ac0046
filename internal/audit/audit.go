package audit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/store"
)

// Actor is who a change is made by.
type Actor struct {
	UserID   int64
	Username string
	IP       string
}

type actorKey struct{}

// WithActor returns a context whose changes are recorded as made by a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor of ctx; changes without one are the system's.
func ActorOf(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Username: "system"}
}

// Entry is one line of the trail.
type Entry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	UserID     *int64          `json:"user_id"`
	Username   string          `json:"username"`
	IP         string          `json:"ip"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   int64           `json:"object_id"`
	OrgPath    string          `json:"-"`
	Detail     json.RawMessage `json:"detail"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
	// Province is the entry's chain and Seq its place in it (0: an entry of
	// the single chain written before the trail was kept a chain a province).
	Province int64 `json:"-"`
	Seq      int64 `json:"-"`
}

// Event is what a caller records.
type Event struct {
	Action     string // create, update, delete, move, login, login_failed, reveal, export, grant, …
	ObjectType string // org, unit, member, transfer, mobile, user, grant, token, session, …
	ObjectID   int64
	OrgPath    string // the path of the organisation the object belongs to ("" for the system)
	Detail     any    // encoded as JSON
}

// lockKey serialises the start of the keyed chain; lockKey plus a province
// serialises the appends to the province's chain, so that it never forks.
const lockKey = 0x6a756469740a

// Clock gives the time entries are stamped with; tests replace it.
var Clock = func() time.Time { return time.Now() }

// Record appends an event to the trail inside tx.
func Record(ctx context.Context, db *store.DB, tx *sql.Tx, ev Event) error {
	detail, encoded := ev.Detail.(json.RawMessage)
	if !encoded {
		var err error
		if detail, err = json.Marshal(ev.Detail); err != nil {
			return err
		}
	}
	a := ActorOf(ctx)
	e := Entry{At: Clock().UTC().Truncate(time.Microsecond), Username: a.Username, IP: a.IP,
		Action: ev.Action, ObjectType: ev.ObjectType, ObjectID: ev.ObjectID, OrgPath: ev.OrgPath, Detail: detail}
	if a.UserID != 0 {
		e.UserID = &a.UserID
	}
	if p, _ := ctx.Value(pendingKey{}).(*Pending); p != nil {
		p.entries = append(p.entries, e)
		return nil
	}
	return (&Pending{entries: []Entry{e}}).Flush(ctx, db, tx)
}

// Append records an event in a transaction of its own (logins, reveals, exports).
func Append(ctx context.Context, db *store.DB, ev Event) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return Record(ctx, db, tx, ev) })
}

// Changes returns the JSON fields that differ between before and after as
// {"field": [before, after]}; either may be nil for a creation or a removal.
// Values are compared as their JSON encodings, so personal fields appear
// as the masked forms the types encode.
func Changes(before, after any) map[string][2]any {
	a, b := toMap(before), toMap(after)
	out := map[string][2]any{}
	for _, m := range []map[string]json.RawMessage{a, b} {
		for k := range m {
			v, w := field(a, k), field(b, k)
			if !bytes.Equal(v, w) && k != "created_at" && k != "updated_at" {
				out[k] = [2]any{v, w}
			}
		}
	}
	return out
}

var null = json.RawMessage("null")

// field is the encoding of a field, null when there is none.
func field(m map[string]json.RawMessage, k string) json.RawMessage {
	if v, ok := m[k]; ok {
		return v
	}
	return null
}

// toMap is the top-level fields of v's JSON encoding, each still encoded.
func toMap(v any) map[string]json.RawMessage {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(raw, &m)
	return m
}

// Change records a change of an object with the fields that differ between
// before and after (nil before for a creation).
func Change(ctx context.Context, db *store.DB, tx *sql.Tx, action, objectType string, id int64, orgPath string, before, after any) error {
	if before == nil {
		c, err := NewCreation(after)
		if err != nil {
			return err
		}
		return Create(ctx, db, tx, action, objectType, id, orgPath, c)
	}
	return Record(ctx, db, tx, Event{Action: action, ObjectType: objectType, ObjectID: id, OrgPath: orgPath,
		Detail: map[string]any{"changes": Changes(before, after)}})
}

// Creation is the detail of a creation, {"changes":{"field":[null,value],…}}
// as Changes(nil, after) gives it, encoded before the object has its id
// (an import encodes thousands while others are being written).
type Creation struct{ fields []byte }

// NewCreation encodes the creation of after; its "id" is given to Create.
func NewCreation(after any) (Creation, error) {
	raw, err := json.Marshal(after)
	if err != nil {
		return Creation{}, err
	}
	var b bytes.Buffer
	err = eachField(raw, func(key, value []byte) {
		switch string(key) {
		case `"id"`, `"created_at"`, `"updated_at"`:
			return
		}
		if bytes.Equal(value, null) {
			return
		}
		b.WriteByte(',')
		b.Write(key)
		b.WriteString(":[null,")
		b.Write(value)
		b.WriteByte(']')
	})
	return Creation{b.Bytes()}, err
}

// Detail is the creation's detail for the object's id.
func (c Creation) Detail(id int64) json.RawMessage {
	b := make([]byte, 0, len(c.fields)+40)
	b = append(b, `{"changes":{"id":[null,`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, ']')
	b = append(b, c.fields...)
	return append(b, "}}"...)
}

// Create records the creation of object id.
func Create(ctx context.Context, db *store.DB, tx *sql.Tx, action, objectType string, id int64, orgPath string, c Creation) error {
	return Record(ctx, db, tx, Event{Action: action, ObjectType: objectType, ObjectID: id, OrgPath: orgPath, Detail: c.Detail(id)})
}

// eachField calls fn with the key (quoted) and the value of each field of
// the JSON object raw, as encoding/json wrote them.
func eachField(raw []byte, fn func(key, value []byte)) error {
	if len(raw) < 2 || raw[0] != '{' {
		return fmt.Errorf("audit: %.20s… is not an object", raw)
	}
	i := 1
	for i < len(raw) && raw[i] != '}' {
		k := skipValue(raw, i)
		if k >= len(raw) || raw[k] != ':' {
			return fmt.Errorf("audit: malformed object at %d", k)
		}
		v := skipValue(raw, k+1)
		fn(raw[i:k], raw[k+1:v])
		i = v
		if i < len(raw) && raw[i] == ',' {
			i++
		}
	}
	return nil
}

// skipValue returns the index just past the compact JSON value at raw[i:].
func skipValue(raw []byte, i int) int {
	depth, inString := 0, false
	for ; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
				if depth == 0 {
					return i + 1
				}
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case depth == 0 && (c == ',' || c == ':'):
			return i
		}
	}
	return i
}

// Pending collects the events of a long run of changes in one transaction
// (an import) to write them together at the end, chained as if written one
// by one: Record adds to it instead of writing when its context carries one.
type Pending struct{ entries []Entry }

type pendingKey struct{}

// Defer returns a context in which Record collects into the returned Pending.
func Defer(ctx context.Context) (context.Context, *Pending) {
	p := &Pending{}
	return context.WithValue(ctx, pendingKey{}, p), p
}

// Merge adds what q collected to p.
func (p *Pending) Merge(q *Pending) { p.entries = append(p.entries, q.entries...) }

// Len is the number of events collected.
func (p *Pending) Len() int { return len(p.entries) }

// Flush writes what p collected at the ends of their provinces' chains, in
// batches, and empties p. The chains are locked in the order of their
// provinces, so that two flushes never wait on each other in a circle.
func (p *Pending) Flush(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	if len(p.entries) == 0 {
		return nil
	}
	ids, err := nextIDs(ctx, db, tx, len(p.entries))
	if err != nil {
		return err
	}
	chains := map[int64][]*Entry{}
	for i := range p.entries {
		e := &p.entries[i]
		e.ID, e.Province = ids[i], store.ProvinceOf(e.OrgPath)
		chains[e.Province] = append(chains[e.Province], e)
	}
	provinces := make([]int64, 0, len(chains))
	for prov := range chains {
		provinces = append(provinces, prov)
	}
	sort.Slice(provinces, func(i, j int) bool { return provinces[i] < provinces[j] })
	for _, prov := range provinces {
		if err := appendChain(ctx, db, tx, prov, chains[prov]); err != nil {
			return err
		}
	}
	p.entries = nil
	return nil
}

// nextIDs are n new ids of entries: from the sequence on PostgreSQL, after
// the last entry on SQLite (whose writers take turns).
func nextIDs(ctx context.Context, db *store.DB, tx *sql.Tx, n int) ([]int64, error) {
	if db.Dialect == store.Postgres {
		return store.Query(ctx, tx, func(sc store.Scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, "SELECT nextval('audit_ids') FROM generate_series(1, $1) ORDER BY 1", n)
	}
	var last int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&last); err != nil {
		return nil, fmt.Errorf("next audit ids: %w", err)
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = last + int64(i) + 1
	}
	return ids, nil
}

// appendChain writes entries at the end of province prov's chain and moves its head.
func appendChain(ctx context.Context, db *store.DB, tx *sql.Tx, prov int64, entries []*Entry) error {
	if err := db.Serialize(ctx, tx, lockKey+prov); err != nil {
		return err
	}
	var seq, lastID int64
	prev := ""
	err := tx.QueryRowContext(ctx, "SELECT last_seq, last_id, hash FROM audit_chains WHERE province_id = $1", prov).Scan(&seq, &lastID, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("append chain: %w", err)
	}
	const batch = 100
	for start := 0; start < len(entries); start += batch {
		end := min(start+batch, len(entries))
		var sb strings.Builder
		sb.WriteString("INSERT INTO audit_log (id, at, user_id, username, ip, action, object_type, object_id, org_path, detail, prev_hash, hash, province_id, seq) VALUES ")
		db.Values(&sb, end-start, 14)
		args := make([]any, 0, 14*(end-start))
		for _, e := range entries[start:end] {
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = e.digest(db.Signer)
			prev, lastID = e.Hash, e.ID
			var uid any
			if e.UserID != nil {
				uid = *e.UserID
			}
			args = append(args, e.ID, e.At, uid, e.Username, e.IP, e.Action, e.ObjectType, e.ObjectID, e.OrgPath, string(e.Detail), e.PrevHash, e.Hash, prov, e.Seq)
		}
		if _, err := store.BulkExec(ctx, tx, sb.String(), args...); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_chains (province_id, last_seq, last_id, hash) VALUES ($1, $2, $3, $4)
		ON CONFLICT (province_id) DO UPDATE SET last_seq = excluded.last_seq, last_id = excluded.last_id, hash = excluded.hash`, prov, seq, lastID, prev)
	if err != nil {
		return fmt.Errorf("append chain: %w", err)
	}
	return nil
}
