package web

import (
	"context"
	"net/http"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// An organisation picker is a text box (name, pinyin initials or code)
// with a hidden field for the organisation chosen: a script offers the
// matches as one types, each with its parent path; without it, the text is
// resolved when the form is sent, and several matches come back as a
// choice, the rest of the form kept.

// pickFor is the permission whose scopes a picker searches; "transfer"
// searches the whole tree (a letter goes anywhere), for one who may issue
// letters, and "audit" too, for the audit administrator's filter.
var pickFor = map[string]auth.Perm{
	"org": auth.PermOrgRead, "member": auth.PermMemberWrite, "grant": auth.PermGrantAdmin, "transfer": auth.PermMemberWrite,
	"audit": auth.PermAuditRead, "library": auth.PermWorkWrite,
}

// pickScope is the scope the picker "for" searches, or false.
func pickScope(id auth.Identity, forWhat string, fn func(sc store.Scope) error) error {
	perm, ok := pickFor[forWhat]
	if !ok || len(id.ScopesFor(perm)) == 0 {
		return auth.ErrForbidden
	}
	if forWhat == "transfer" || forWhat == "audit" {
		// A letter goes anywhere; the trail is read system-wide: names and parents only.
		return fn(store.All)
	}
	return id.Within(perm, fn)
}

// Picked is one organisation as a picker offers it.
type Picked struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Code string `json:"code"`
	Path string `json:"path"` // the names of its parents, "滨江市委 › 和平区委"
}

// Offer lays out found organisations with their parents' names.
func (s *Site) Offer(ctx context.Context, found []org.Org) ([]Picked, error) {
	ids := map[int64]bool{}
	for _, o := range found {
		for _, a := range store.PathIDs(o.Path) {
			ids[a] = true
		}
	}
	names, err := org.Names(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Picked, 0, len(found))
	for _, o := range found {
		var path []string
		for _, a := range store.PathIDs(o.Path) {
			if a != o.ID {
				path = append(path, names[a])
			}
		}
		out = append(out, Picked{ID: o.ID, Name: o.Name, Type: o.TypeLabel, Code: o.Code, Path: strings.Join(path, " › ")})
	}
	return out, nil
}

// pickOrgs answers a picker's search with up to 20 organisations as JSON.
func (s *Site) pickOrgs(c *Call) (Answer, error) {
	r := c.R
	var out []Picked
	err := pickScope(c.ID, r.URL.Query().Get("for"), func(sc store.Scope) error {
		found, err := s.Orgs.Search(r.Context(), sc, r.URL.Query().Get("q"), 20)
		if err != nil {
			return err
		}
		out, err = s.Offer(r.Context(), found)
		return err
	})
	if err != nil {
		return nil, err
	}
	return JSON{V: out}, nil
}

// OrgPick is a picker as a form shows it.
type OrgPick struct {
	ID, Q, Label, For, Hint string // the hidden field's name, the text box's name, …
	Value                   int64
	Text, Err               string
	Choices                 []Picked // several matched the text: choose one
}

// PickOrg resolves a picker of form f: the organisation chosen (the hidden
// field, checked to be in scope), or else the only one the text finds. It
// reports 0 with the field's message (and the choices) when the text finds
// none or several, 0 and no message when both are empty.
func (s *Site) PickOrg(ctx context.Context, id auth.Identity, f *Form, p *OrgPick) (int64, error) {
	p.Text = strings.TrimSpace(f.Get(p.Q))
	var chosen int64
	for _, v := range f.Values[p.ID] {
		if n := ParseID(v); n > 0 {
			chosen = n
			break
		}
	}
	err := pickScope(id, p.For, func(sc store.Scope) error {
		if chosen != 0 {
			o, err := s.Orgs.Get(ctx, sc, chosen)
			if err != nil {
				return err
			}
			p.Value, p.Text = o.ID, o.Name
			return nil
		}
		if p.Text == "" {
			return nil
		}
		match, found, err := s.matchOrg(ctx, sc, p.Text)
		switch {
		case err != nil:
		case match.ID != 0:
			p.Value, p.Text = match.ID, match.Name
		case len(found) == 0:
			p.Err = "没有找到名称、拼音首字母或代码为“" + p.Text + "”的党组织"
		default:
			p.Err = "有多个党组织符合“" + p.Text + "”,请在下面选择一个"
			p.Choices, err = s.Offer(ctx, found)
		}
		return err
	})
	if _, ok := apperr.As(err); ok && chosen != 0 {
		p.Err, err = "所选党组织不存在或不在您的管理范围内,请重新选择", nil
	}
	if p.Err != "" {
		f.Errors[p.Q] = p.Err
	}
	return p.Value, err
}

// OfferPeople lays out people as a picker offers them: the name, the
// category, and the organisation and birth month that tell namesakes apart.
func OfferPeople(ms []member.Member) []Picked {
	out := make([]Picked, 0, len(ms))
	for _, m := range ms {
		out = append(out, Picked{ID: m.ID, Name: m.Name, Type: m.StageLabel, Path: m.OrgName + " · " + m.BirthMonth})
	}
	return out
}

// PersonChoices are the people of organisation orgID (and below) whose
// name is exactly name: those a refused name could mean.
func (s *Site) PersonChoices(r *http.Request, sc store.Scope, orgID int64, name string) ([]Picked, error) {
	l, err := s.Members.List(r.Context(), sc, member.Filter{OrgID: orgID, Q: name}, store.Page{Size: 20})
	if err != nil {
		return nil, err
	}
	var exact []member.Member
	for _, m := range l.Items {
		if m.Name == name {
			exact = append(exact, m)
		}
	}
	return OfferPeople(exact), nil
}

// pickPeople answers a person picker of a work form: up to 20 people of the
// organisation (and below) in the caller's scope for recording work, found
// by name or pinyin.
func (s *Site) pickPeople(c *Call) (Answer, error) {
	q := strings.TrimSpace(c.R.URL.Query().Get("q"))
	if q == "" || member.PartSearch(q) {
		return JSON{V: []Picked{}}, nil // a picker finds people by name, never by numbers
	}
	l, err := s.Members.List(c.R.Context(), c.Scope, member.Filter{OrgID: QueryID(c.R, "org"), Q: q}, store.Page{Size: 20})
	if err != nil {
		return nil, err
	}
	return JSON{V: OfferPeople(l.Items)}, nil
}

// OrgFromQuery is the organisation a list is filtered by: ?org=, or the
// one organisation in sc the picker's text ?org_q= names (typed without
// the script); 0 for neither.
func (s *Site) OrgFromQuery(r *http.Request, sc store.Scope) (int64, error) {
	if id := QueryID(r, "org"); id != 0 {
		return id, nil
	}
	q := strings.TrimSpace(r.URL.Query().Get("org_q"))
	if q == "" {
		return 0, nil
	}
	match, _, err := s.matchOrg(r.Context(), sc, q)
	if err == nil && match.ID == 0 {
		err = apperr.InvalidField("org_q", "没有找到唯一的党组织“%s”:请输入完整名称或组织代码,或从列表中选择", q)
	}
	return match.ID, err
}

// matchOrg finds the organisation in sc a picker's text names: the one
// whose name or code it is exactly, or else the only one it finds; with
// the organisations found (up to 20) when it names none or several.
func (s *Site) matchOrg(ctx context.Context, sc store.Scope, text string) (org.Org, []org.Org, error) {
	found, err := s.Orgs.Search(ctx, sc, text, 20)
	if err != nil {
		return org.Org{}, nil, err
	}
	var exact []org.Org
	for _, o := range found {
		if o.Name == text || o.Code == text {
			exact = append(exact, o)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], found, nil
	case len(found) == 1:
		return found[0], found, nil
	}
	return org.Org{}, found, nil
}

// FilterPicker is the organisation picker of a list's filters.
func FilterPicker(o org.Org) OrgPick {
	p := OrgPick{ID: "org", Q: "org_q", Label: "党组织(含下级)", For: "org", Hint: "输入名称、拼音首字母或组织代码,从列表中选择"}
	if o.ID != 0 {
		p.Value, p.Text = o.ID, o.Name
	}
	return p
}
