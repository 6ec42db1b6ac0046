package web

import (
	"net/http"
	"strings"

	"dangjian/internal/committee"
	"dangjian/internal/pinyin"
	"dangjian/internal/store"
)

// A picker of several (附议委员, 会办单位, 分办单位) is the picker of one
// grown: those chosen stand as chips, each a ticked box sending the field
// with its id (a remove button beside it with the script), and a text box
// searching as one types. Without the script one types the names,
// separated by 、 or commas: they are resolved when the form is sent, a
// name matching several comes back as boxes to tick, one matching none
// with its message, the rest of the form kept.

// manyPick is a picker of several as a form shows it.
type manyPick struct {
	ID, Q, Label, Pick, Noun string // the chips' field, the text box's name, its label, the search's address, what it picks (委员, 承办单位)
	Chosen                   []picked
	Text, Err                string
	Choices                  []picked // several matched a name typed: tick those meant
}

// nameSeps split the names typed into a picker of several.
var nameSeps = strings.NewReplacer("、", ",", ",", ",", ";", ",", ";", ",", "\n", ",", "\r", ",")

// matches are the candidates a picker's text finds: by a part of the
// name, or by the start of its pinyin or of its initials.
func matches(all []picked, q string) []picked {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	latin := strings.ToLower(q)
	var out []picked
	for _, c := range all {
		full, initials := pinyin.Name(c.Name)
		if strings.Contains(c.Name, q) || (pinyin.Latin(q) && (strings.HasPrefix(initials, latin) || strings.HasPrefix(full, latin))) {
			out = append(out, c)
		}
	}
	return out
}

// pickMany resolves picker p of form f among the candidates all: the
// chips ticked (those not among the candidates refused), then each name
// typed, the one it is exactly or else the only one it finds. The names
// that find none or several stay in the text box, with the field's
// message (and the choices). It returns the ids chosen, in order.
func pickMany(f *form, p *manyPick, all []picked) []int64 {
	byID := map[int64]picked{}
	for _, c := range all {
		byID[c.ID] = c
	}
	var out []int64
	seen := map[int64]bool{}
	add := func(c picked) {
		if !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c.ID)
			p.Chosen = append(p.Chosen, c)
		}
	}
	var msgs []string
	for _, v := range f.Values[p.ID] {
		if c, ok := byID[parseID(v)]; ok {
			add(c)
		} else if strings.TrimSpace(v) != "" {
			msgs = append(msgs, "所选"+p.Noun+"不存在或不属于本政协,请重新选择")
		}
	}
	var left []string
	for _, name := range strings.Split(nameSeps.Replace(f.Get(p.Q)), ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		var exact []picked
		for _, c := range all {
			if c.Name == name {
				exact = append(exact, c)
			}
		}
		found := exact
		if len(found) == 0 {
			found = matches(all, name)
		}
		switch len(found) {
		case 1:
			add(found[0])
		case 0:
			left = append(left, name)
			msgs = append(msgs, "没有找到“"+name+"”")
		default:
			left = append(left, name)
			msgs = append(msgs, "有多个"+p.Noun+"符合“"+name+"”,请在下面勾选")
			for _, c := range found {
				if !seen[c.ID] {
					p.Choices = append(p.Choices, c)
				}
			}
		}
	}
	p.Text = strings.Join(left, "、")
	if len(msgs) > 0 {
		p.Err = strings.Join(msgs, ";")
		f.Errors[p.Q] = p.Err
	}
	return out
}

// memberPicks are committee members as a picker offers them.
func memberPicks(ms []committee.Member) []picked {
	out := make([]picked, 0, len(ms))
	for _, m := range ms {
		out = append(out, picked{ID: m.ID, Name: m.Name, Type: m.Sector, Path: m.PartyLabel})
	}
	return out
}

// unitPicks are handling units as a picker offers them.
func unitPicks(us []committee.Committee) []picked {
	out := make([]picked, 0, len(us))
	for _, u := range us {
		out = append(out, picked{ID: u.ID, Name: u.Name})
	}
	return out
}

// coSigners are the members a member may ask to co-sign: the other
// active members of their committee.
func (s *Site) coSigners(r *http.Request, sc store.Scope, me committee.Member) ([]committee.Member, error) {
	return s.activeMembers(r, me.CommitteeID, me.ID)
}

// activeMembers are the members in office of a committee, but except.
func (s *Site) activeMembers(r *http.Request, committeeID, except int64) ([]committee.Member, error) {
	l, err := s.Cppcc.Members(r.Context(), store.All, committeeID, "", store.Page{Size: store.MaxSize})
	var out []committee.Member
	for _, m := range l.Items {
		if m.ID != except && m.Status == "active" {
			out = append(out, m)
		}
	}
	return out, err
}

// pickCoSigners answers the co-signers' picker: up to 20 members of the
// caller's own committee; a member of another is not found.
func (s *Site) pickCoSigners(c *Call) (Answer, error) {
	me, err := s.Cppcc.Me(c.R.Context(), c.Scope, c.ID.User.ID)
	if err != nil {
		return nil, err
	}
	ms, err := s.coSigners(c.R, c.Scope, me)
	if err != nil {
		return nil, err
	}
	return JSON{V: first20(matches(memberPicks(ms), c.R.URL.Query().Get("q")))}, nil
}

// pickContacts answers the office's picker of a party's or group's
// contact: up to 20 members in office of the office's own committee.
func (s *Site) pickContacts(c *Call) (Answer, error) {
	cm, err := s.Cppcc.CommitteeOf(c.R.Context(), c.Scope)
	if err != nil {
		return nil, err
	}
	ms, err := s.activeMembers(c.R, cm.ID, 0)
	if err != nil {
		return nil, err
	}
	return JSON{V: first20(matches(memberPicks(ms), c.R.URL.Query().Get("q")))}, nil
}

// pickUnits answers the handling units' picker: up to 20 units of the
// caller's own committee.
func (s *Site) pickUnits(c *Call) (Answer, error) {
	cm, err := s.Cppcc.CommitteeOf(c.R.Context(), c.Scope)
	if err != nil {
		return nil, err
	}
	us, err := s.Cppcc.Units(c.R.Context(), c.Scope, cm.ID)
	if err != nil {
		return nil, err
	}
	return JSON{V: first20(matches(unitPicks(us), c.R.URL.Query().Get("q")))}, nil
}

func first20(ps []picked) []picked {
	if ps == nil {
		return []picked{}
	}
	return ps[:min(len(ps), 20)]
}
