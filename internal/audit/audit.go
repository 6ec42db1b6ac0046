// Package audit keeps the audit trail: who did what, when, from where, to
// which object, with the changed fields before and after. Entries are only
// ever appended, in the transaction of the change they record, and each is
// chained to the previous one by SHA-256, so that an entry edited or deleted
// afterwards is found by Verify.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
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

// digest is the hash that chains the entry: the SHA-256 of its fields and
// the previous hash, keyed by the signer (an HMAC under a key kept apart
// from the database) when there is one, so that the chain cannot be
// written anew without the key.
func (e Entry) digest(s store.Signer) string {
	sum := e.sum()
	if s != nil {
		return s.MAC(sum)
	}
	return hex.EncodeToString(sum)
}

// keyed tells whether a stored hash was made with a key.
func keyed(hash string) bool { return strings.HasPrefix(hash, "a") && strings.Contains(hash, ":") }

// intact tells whether the entry's stored hash is right for its fields.
func (e Entry) intact(s store.Signer) bool {
	if keyed(e.Hash) {
		return s != nil && s.CheckMAC(e.sum(), e.Hash)
	}
	return e.Hash == hex.EncodeToString(e.sum())
}

func (e Entry) sum() []byte {
	uid := ""
	if e.UserID != nil {
		uid = strconv.FormatInt(*e.UserID, 10)
	}
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), uid, e.Username, e.IP,
		e.Action, e.ObjectType, strconv.FormatInt(e.ObjectID, 10), e.OrgPath, string(e.Detail), e.PrevHash} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return h.Sum(nil)
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

// Problem is one entry Verify finds wrong.
type Problem struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// Verify walks the whole trail and names every entry that was edited, every
// gap where entries were deleted and a head that does not match the last
// entry: the single chain written before (up to audit_head), then each
// province's chain (up to its row of audit_chains).
func Verify(ctx context.Context, db *store.DB) ([]Problem, int64, error) {
	var out []Problem
	legacyLast, err := legacyBoundary(ctx, db, &out)
	if err != nil {
		return nil, 0, err
	}
	v := verifier{db: db, legacyLast: legacyLast, out: out}
	var headID int64
	var headHash string
	err = db.QueryRowContext(ctx, "SELECT last_id, hash FROM audit_head WHERE one = 1").Scan(&headID, &headHash)
	switch {
	case err == nil:
		v.legacyHead = &chainHead{lastID: headID, hash: headHash}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, 0, err
	}
	heads, err := store.Query(ctx, db, func(sc store.Scanner) (chainHead, error) {
		var h chainHead
		return h, sc.Scan(&h.province, &h.lastID, &h.hash)
	}, "SELECT province_id, last_id, hash FROM audit_chains")
	if err != nil {
		return nil, 0, err
	}
	v.heads, v.seen = map[int64]chainHead{}, map[int64]bool{}
	for _, h := range heads {
		v.heads[h.province] = h
	}
	rows, err := db.QueryContext(ctx, selectEntries+" ORDER BY seq IS NOT NULL, province_id, seq, id")
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, v.n, err
		}
		v.entry(e)
	}
	if err := rows.Err(); err != nil {
		return nil, v.n, err
	}
	v.finish(heads)
	sort.SliceStable(v.out, func(i, j int) bool { return v.out[i].ID < v.out[j].ID })
	return v.out, v.n, nil
}

// chainHead is the kept head of a chain: its last entry and that entry's hash.
type chainHead struct {
	province, lastID int64
	hash             string
}

// verifier follows the chains entry by entry, in the order Verify reads them.
type verifier struct {
	db         *store.DB
	legacyLast int64
	legacyHead *chainHead
	heads      map[int64]chainHead
	seen       map[int64]bool
	out        []Problem
	n          int64
	// the chain being followed: legacy (the single one before) or a province's
	started, legacy bool
	province        int64
	lastID, lastSeq int64
	prev            string
}

func (v *verifier) entry(e Entry) {
	legacy := e.Seq == 0
	if v.started && (legacy != v.legacy || e.Province != v.province) {
		v.end()
	}
	if !v.started {
		v.started, v.legacy, v.province = true, legacy, e.Province
		v.lastID, v.lastSeq, v.prev = 0, 0, ""
	}
	v.n++
	if v.db.Signer != nil && !keyed(e.Hash) && e.ID > v.legacyLast {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条记录没有用密钥签名(审计链可能被不持有密钥的人整体改写)", e.ID)})
	}
	// The single chain numbered its entries by their ids; a province's by seq.
	at, last := e.ID, v.lastID
	if !legacy {
		at, last = e.Seq, v.lastSeq
	}
	if at != last+1 {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条之前缺少%d条记录(被删除)", e.ID, at-last-1)})
	}
	if e.PrevHash != v.prev {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条记录的前一条哈希与链不符(前一条被修改或删除)", e.ID)})
	}
	if !e.intact(v.db.Signer) {
		v.out = append(v.out, Problem{e.ID, fmt.Sprintf("第%d条记录的内容与其哈希不符(被修改)", e.ID)})
	}
	v.lastID, v.lastSeq, v.prev = e.ID, e.Seq, e.Hash
}

// finish ends the last chain; a kept head whose chain had no entry left is
// named.
func (v *verifier) finish(heads []chainHead) {
	if v.started {
		v.end()
	}
	if v.legacyHead != nil {
		v.out = append(v.out, Problem{v.legacyHead.lastID, fmt.Sprintf("审计链头指向第%d条,而这条链的记录全部不见了(被删除)", v.legacyHead.lastID)})
	}
	for _, h := range heads {
		if !v.seen[h.province] {
			v.out = append(v.out, Problem{h.lastID, fmt.Sprintf("审计链头指向第%d条,而这条链的记录全部不见了(被删除)", h.lastID)})
		}
	}
}

// end compares the chain followed so far with its kept head.
func (v *verifier) end() {
	var h *chainHead
	if v.legacy {
		h, v.legacyHead = v.legacyHead, nil
	} else if kept, ok := v.heads[v.province]; ok {
		h = &kept
		v.seen[v.province] = true
	}
	switch {
	case h == nil:
		v.out = append(v.out, Problem{v.lastID, "审计链头记录缺失"})
	case h.lastID != v.lastID || h.hash != v.prev:
		v.out = append(v.out, Problem{h.lastID, fmt.Sprintf("审计链头指向第%d条,而最后一条是第%d条(末尾记录被删除或修改)", h.lastID, v.lastID)})
	}
	v.started = false
}

// KeyChain records, once, where the keyed chain begins: the entries written
// so far without a key (an older installation's) are the last ones that
// may be unkeyed. Called at start with the signer set.
func KeyChain(ctx context.Context, db *store.DB) error {
	if db.Signer == nil {
		return nil
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.Serialize(ctx, tx, lockKey); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_keyed").Scan(&n); err != nil || n > 0 {
			return err
		}
		var last int64
		var hash string
		err := tx.QueryRowContext(ctx, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&last, &hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if keyed(hash) {
			last = 0 // keyed from the first entry on
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO audit_keyed (one, legacy_last, mac) VALUES (1, $1, $2)", last, db.Signer.MAC(boundary(last)))
		return err
	})
}

func boundary(last int64) []byte {
	return []byte("audit chain keyed after " + strconv.FormatInt(last, 10))
}

// legacyBoundary is the last entry that may be unkeyed (0 when there is no
// record of one: then every entry must be keyed); a record changed without
// the key is a problem.
func legacyBoundary(ctx context.Context, db *store.DB, out *[]Problem) (int64, error) {
	if db.Signer == nil {
		return 0, nil
	}
	var last int64
	var mac string
	err := db.QueryRowContext(ctx, "SELECT legacy_last, mac FROM audit_keyed WHERE one = 1").Scan(&last, &mac)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !db.Signer.CheckMAC(boundary(last), mac) {
		*out = append(*out, Problem{0, "审计链起点记录与密钥不符(被改动),按全部记录均须签名校验"})
		return 0, nil
	}
	return last, nil
}

// Heads are the last entries of the trail's chains (the single one written
// before, if any, and each province's) with their hashes, to be kept
// outside the system (dangjian audit anchor) and compared later (dangjian
// audit verify --anchor), by id.
func Heads(ctx context.Context, db *store.DB) ([]Anchor, error) {
	return store.Query(ctx, db, func(sc store.Scanner) (Anchor, error) {
		var a Anchor
		return a, sc.Scan(&a.ID, &a.Hash)
	}, "SELECT last_id, hash FROM audit_head UNION ALL SELECT last_id, hash FROM audit_chains ORDER BY 1")
}

// Anchor is an entry and its hash as kept outside the system.
type Anchor struct {
	ID   int64
	Hash string
}

// CheckAnchor tells whether entry id still has the hash kept outside the system.
func CheckAnchor(ctx context.Context, db *store.DB, id int64, hash string) (bool, error) {
	var h string
	err := db.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE id = $1", id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && h == hash, err
}

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
		return out, err
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
		return err
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
		return nil, err
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
		return err
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
	return err
}
