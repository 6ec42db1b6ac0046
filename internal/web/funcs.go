package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

var funcs = template.FuncMap{
	// when formats an instant in Beijing time.
	"when": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if v.IsZero() {
				return ""
			}
			return v.In(date.Shanghai).Format("2006-01-02 15:04")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.In(date.Shanghai).Format("2006-01-02 15:04")
		}
		return ""
	},
	"stages":      func() vocab.Enum { return vocab.Stages },
	"statuses":    func() vocab.Enum { return member.Statuses },
	"educations":  func() vocab.Enum { return vocab.Education },
	"ethnicities": func() vocab.Enum { return vocab.Ethnicities },
	"orgTypes":    func() vocab.Enum { return vocab.OrgTypes },
	"unitTypes":   func() vocab.Enum { return vocab.UnitTypes },
	"roles":       func() vocab.Enum { return auth.Roles },
	"stageLabel":  vocab.Stages.Label,
	"educationLabel": func(code *string) string {
		if code == nil {
			return ""
		}
		if c, ok := vocab.Education.Parse(*code); ok {
			return vocab.Education.Label(c)
		}
		return *code
	},
	"json": func(v any) (template.JS, error) {
		b, err := json.Marshal(v)
		return template.JS(b), err
	},
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"add":         func(a, b int) int { return a + b },
	"defaultTerm": org.DefaultTerm,
	// letterDays is the 有效期 a letter's form offers.
	"letterDays": func() int { return member.DefaultValidDays },
	"itoa":       Itoa,
	"today":      func() string { return date.Of(time.Now()).Chinese() },
	// todayISO is the value of a date field that defaults to today.
	"todayISO": func() string { return date.Of(time.Now()).String() },
	"helpAreas": func() vocab.Enum {
		return vocab.Enum{{Code: "todo-help", Label: "待办"}, {Code: "orgs-help", Label: "党组织与换届"}, {Code: "members-help", Label: "名册与查找"},
			{Code: "develop-help", Label: "发展党员"}, {Code: "import-help", Label: "导入导出"}, {Code: "transfers-help", Label: "转接"},
			{Code: "work-help", Label: "基层工作"}, {Code: "account-help", Label: "账号与审计"}}
	},
	// num writes a count with thousands separators.
	"num": func(n int64) string { return work.Grouped(n) },
	// share is part's share of whole, "27.3%", or "" of nothing.
	"share": func(part, whole int64) string {
		if whole <= 0 {
			return ""
		}
		return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 1, 64) + "%"
	},
	// dict passes several values to a template: dict "F" form "CSRF" token.
	// monthCN writes a month kept as 1985-03 as 1985年3月 ("" stays "").
	"monthCN": func(m string) string {
		y, mm, ok := strings.Cut(m, "-")
		if !ok {
			return m
		}
		return y + "年" + strings.TrimPrefix(mm, "0") + "月"
	},
	// rows is how many lines a textarea needs to show text whole at a
	// phone's width (about 20 characters a line), at least min: the
	// browsers that cannot size a box to its content (field-sizing) open
	// it as tall.
	"rows": func(min int, text string) int {
		n := 0
		for _, line := range strings.Split(text, "\n") {
			n += utf8.RuneCountInString(line)/20 + 1
		}
		return max(n, min)
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
}

// Form holds what a user typed and the message for each field, so that a
// refused form comes back filled in with the reasons beside the fields.
type Form struct {
	Values url.Values
	Errors map[string]string
	Error  string // a message not tied to a field
	// Labels name this form's fields in the banner where they differ from fieldLabels.
	Labels map[string]string
}

// NewForm is the form posted with r.
func NewForm(r *http.Request) *Form {
	_ = r.ParseForm()
	return &Form{Values: r.PostForm, Errors: map[string]string{}}
}

// Get returns a field's value.
func (f *Form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether v is among a field's posted values: a refused
// form's select, radio or checkbox comes back as it was chosen.
func (f *Form) Has(name, v string) bool {
	if f == nil {
		return false
	}
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Err returns the message of a field.
func (f *Form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// Fail records err on the form; it reports false for an error that is not the user's.
func (f *Form) Fail(err error) bool {
	ae, ok := apperr.As(err)
	if !ok {
		return false
	}
	for _, fe := range ae.Fields {
		f.Errors[fe.Field] = fe.Message
	}
	if len(ae.Fields) == 0 {
		f.Error = ae.Message
	}
	return true
}

// Invalid is the refusal of the fields that did not read (a malformed
// date or number, recorded as the form was read), nil when there are
// none: refused shows the form again with their messages.
func (f *Form) Invalid() error {
	if len(f.Errors) == 0 {
		return nil
	}
	keys := make([]string, 0, len(f.Errors))
	for k := range f.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var v apperr.Invalid
	for _, k := range keys {
		v.Add(k, "%s", f.Errors[k])
	}
	return v.Err()
}

// unkept names, beside each file field and so in the banner, the files
// a refused form did not keep: a browser cannot fill a file field again,
// and nothing of a refused form is stored.
func (f *Form) unkept(r *http.Request) {
	if r.MultipartForm == nil {
		return
	}
	for field, files := range r.MultipartForm.File {
		var names []string
		for _, fh := range files {
			if fh.Filename != "" {
				names = append(names, fh.Filename)
			}
		}
		if len(names) == 0 {
			continue
		}
		msg := "附件未保存,请重新选择文件:" + strings.Join(names, "、")
		if e := f.Errors[field]; e != "" && !strings.Contains(e, msg) {
			msg = e + ";" + msg
		}
		f.Errors[field] = msg
	}
}

// Opt returns a pointer to the trimmed value, or nil for an empty field.
func (f *Form) Opt(name string) *string {
	v := f.Get(name)
	if v == "" {
		return nil
	}
	return &v
}

// Date reads a date field; a malformed one is recorded as the field's error.
func (f *Form) Date(name string) *date.Date {
	v := f.Get(name)
	if v == "" {
		return nil
	}
	d, err := date.Parse(v)
	if err != nil {
		f.Errors[name] = err.Error()
		return nil
	}
	return &d
}

// Count reads a whole number field (nil when empty); a malformed one is
// recorded as the field's error.
func (f *Form) Count(name string) *int {
	v := f.Get(name)
	if v == "" {
		zero := 0
		return &zero
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Errors[name] = "应填写整数,收到“" + v + "”"
		return nil
	}
	return &n
}

// ID reads an id field (0 when empty or malformed).
func (f *Form) ID(name string) int64 { return ParseID(f.Get(name)) }

// ParseID is an id's number, 0 when empty or malformed.
func ParseID(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// QueryID is the id the query value name carries (0 when absent or malformed).
func QueryID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return n
}

// PathID is the {id} of the path, or "not found" for one that is no id.
func PathID(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.NotFound("页面")
	}
	return n, nil
}

// Pager is the paging bar of a list.
type Pager struct {
	Page, Pages int
	Total       int64
	More        bool
	Prev, Next  string
	// Path and Keep are the list's address and its other query values,
	// for the form that jumps to a page.
	Path string
	Keep []keyValue
}

type keyValue struct{ Key, Value string }

// NewPager is the paging bar of the list r asks for, of total rows in pages p.
func NewPager(r *http.Request, total int64, p store.Page) Pager {
	p = p.Normalized()
	pages := int((total + int64(p.Size) - 1) / int64(p.Size))
	pg := Pager{Page: p.Number, Pages: max(pages, 1), Total: total, Path: r.URL.Path}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			if k != "page" {
				pg.Keep = append(pg.Keep, keyValue{k, v})
			}
		}
	}
	sort.Slice(pg.Keep, func(i, j int) bool { return pg.Keep[i].Key < pg.Keep[j].Key })
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Number > 1 {
		pg.Prev = link(p.Number - 1)
	}
	if p.Number < pages {
		pg.Next = link(p.Number + 1)
	}
	return pg
}

// PageOf is the page of a list the query asks for (?page=), 30 rows a page.
func PageOf(r *http.Request) store.Page {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return store.Page{Number: n, Size: 30}
}

// flashStore keeps each session's next success banner for a few minutes.
type flashStore struct {
	mu sync.Mutex
	m  map[string]flash
}

type flash struct {
	msg string
	at  time.Time
}

const flashTTL = 5 * time.Minute

var flashes = flashStore{m: map[string]flash{}}

func (f *flashStore) put(session, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	for k, v := range f.m {
		if now.Sub(v.at) > flashTTL {
			delete(f.m, k)
		}
	}
	f.m[session] = flash{msg, now}
}

// take returns and forgets the session's banner.
func (f *flashStore) take(session string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[session]
	delete(f.m, session)
	if !ok || time.Since(v.at) > flashTTL {
		return ""
	}
	return v.msg
}

// Itoa writes an id or a count in decimal.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Tab is one tab of a list's tab bar: a filter by its link.
type Tab struct {
	Key, Label, Href string
	Active           bool
}

// OptionItem is one choice of a select: the code sent and the label shown.
type OptionItem struct{ Code, Label string }

// Options are a vocabulary's choices as a select offers them.
func Options(e vocab.Enum) []OptionItem {
	out := make([]OptionItem, len(e))
	for i, it := range e {
		out[i] = OptionItem{it.Code, it.Label}
	}
	return out
}
