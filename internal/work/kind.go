package work

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/vocab"
)

// FieldType is how a field is typed, stored and shown.
type FieldType int

// Field types.
const (
	Text   FieldType = iota // one line, at most 200 characters
	Note                    // free text, at most 2000 characters
	Date                    // a calendar day
	Enum                    // one code of a closed vocabulary
	Fen                     // money in fen (the forms take yuan)
	Int                     // a whole number within Min..Max
	Member                  // a person on the roster in scope, by id or by name
	Org                     // an organisation in scope, by id or by name
	Ref                     // a record of another kind in scope
	File                    // an attachment in scope
)

// Field is one column of a record kind.
type Field struct {
	Col      string
	Label    string
	Type     FieldType
	Enum     vocab.Enum // Enum fields
	Ref      string     // Ref fields: the kind referred to
	Required bool
	Min, Max int64 // Int fields (Max 0: no upper bound)
	// Step names the action that sets the field; "" for the create and edit forms.
	Step string
	// Past dates are of something that has happened: not after today.
	Past bool
	// Auto fields are worked out by the kind and never typed.
	Auto bool
	// Self fields name the one recording (a visit's 走访人): a new record's
	// form offers the signed-in user's name, to keep or change.
	Self bool
	// List puts the field in list columns.
	List bool
	Hint string
	// Added names the migration that added the column after the first
	// one (the "*_<Added>.sql" file of each dialect); "" for 00003.
	Added string
}

// Action is a step of a record's state, such as approving a disbursement.
type Action struct {
	Name, Label string
	From        []string // the states the step may start from
	To          string
	// Checker steps must be taken by a user other than the record's maker;
	// the record's decided_on and checker fields say when and by whom.
	Checker bool
	// Do is any further effect of the step, inside its transaction.
	Do func(ctx context.Context, tx *sql.Tx, r Record) error
	// Undoes names the step this one takes back (clearing the fields that
	// step set), allowed within UndoWindow of the record's last change.
	Undoes string
}

// UndoWindow is how long after a step it may be taken back (撤销).
const UndoWindow = 24 * time.Hour

// Fig is one figure a record contributes to its organisation's subtree figures.
type Fig struct {
	Key string
	N   int64
}

// Record is one stored record of a kind.
type Record struct {
	Kind      *Kind
	ID        int64
	OrgID     int64
	OrgName   string
	OrgPath   string
	ParentID  int64
	V         map[string]any    // by column: string, date.Date, int64
	Names     map[string]string // display names of Member, Org, Ref and File fields
	CreatedBy int64
	Maker     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Kind declares one kind of record.
type Kind struct {
	Name  string // the table, and the name in URLs and the audit trail
	Label string // the section's name, such as 走访慰问
	Noun  string // one record, such as 走访记录
	Group string // the menu group
	// Parent is the kind this kind's records belong to (column parent_id);
	// a child record lives in its parent's organisation.
	Parent string
	Fields []Field
	// Dated is the date column that orders the list and places the record in a period.
	Dated string
	// Status is the column of the state the Actions move; its first value is the initial state.
	Status  string
	Actions []Action
	// Figures lists what the record adds to the figures; parent is the parent record or nil.
	Figures func(r Record, parent *Record) []Fig
	// Check validates the whole record and fills Auto fields.
	Check func(r *Record, v *apperr.Invalid)
	// Prepare checks what needs the database and fills Auto fields that do,
	// before the record is written; before is nil on creation.
	Prepare func(ctx context.Context, tx *sql.Tx, before, r *Record) error
	// Managed columns are written on creation only; After keeps them.
	Managed []string
	// After runs once the record is written, in the same transaction.
	After func(ctx context.Context, tx *sql.Tx, before *Record, r Record) error
	// Lock says why a record may no longer be edited or deleted ("" if it may).
	Lock func(r Record) string
	// Views are named filters of the list, with their SQL condition; "?" is today.
	Views []View
	// Derive adds values worked out at read time (such as overdue), by today.
	Derive func(r *Record, today date.Date)
}

// View is a named filter of a list.
type View struct {
	Name, Label, Cond string
	Days              int // the condition's second "?" is today plus Days
}

// Field returns the field with a column name.
func (k *Kind) Field(col string) (Field, bool) {
	for _, f := range k.Fields {
		if f.Col == col {
			return f, true
		}
	}
	return Field{}, false
}

// Title is the column that names a record in lists of references.
func (k *Kind) Title() string {
	for _, f := range k.Fields {
		if f.Type == Text || f.Type == Member {
			return f.Col
		}
	}
	return k.Fields[0].Col
}

// Action returns the action with a name.
func (k *Kind) Action(name string) (Action, bool) {
	for _, a := range k.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// ActionLabel is the words of a step ("" for no such step).
func (k *Kind) ActionLabel(name string) string {
	a, _ := k.Action(name)
	return a.Label
}

// Str returns a text, note or enum value.
func (r Record) Str(col string) string { s, _ := r.V[col].(string); return s }

// Int returns a number, money or reference value.
func (r Record) Int(col string) int64 { n, _ := r.V[col].(int64); return n }

// Date returns a date value.
func (r Record) Date(col string) date.Date { d, _ := r.V[col].(date.Date); return d }

// month is the period key suffix of a date: "@2026-03".
func month(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	return "@" + d.String()[:7]
}

// monthly returns a figure counted in the month of d (none for an unset date).
func monthly(key string, d date.Date, n int64) []Fig {
	if d.IsZero() || n == 0 {
		return nil
	}
	return []Fig{{key + month(d), n}}
}

// Yuan formats fen as yuan with two decimals.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + Grouped(fen/100) + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
}

// wan is 10,000 yuan in fen: larger amounts read in 万元.
const wan = 1_000_000

// WanYuan writes fen in 万元 to two decimals, rounded: 2,180,000.00 元 → "218.00".
func WanYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	hundredths := (fen + wan/200) / (wan / 100)
	return sign + Grouped(hundredths/100) + "." + strconv.FormatInt(hundredths%100/10, 10) + strconv.FormatInt(hundredths%10, 10)
}

// Grouped writes a whole number with thousands separators: 1,642.
func Grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// ParseYuan reads an amount of yuan such as "1200", "12.5", "1,200.00元" into fen.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.NewReplacer(",", "", ",", "", " ", "").Replace(s), "元"))
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" && frac == "" {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil && whole != "" || w < 0 || w > 1e12 {
		return 0, false
	}
	frac += strings.Repeat("0", 2-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return w*100 + f, true
}
