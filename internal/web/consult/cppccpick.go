package consult

import (
	"net/http"

	"dangjian/internal/committee"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// memberPicks are committee members as a picker offers them.
func memberPicks(ms []committee.Member) []web.Picked {
	out := make([]web.Picked, 0, len(ms))
	for _, m := range ms {
		out = append(out, web.Picked{ID: m.ID, Name: m.Name, Type: m.Sector, Path: m.PartyLabel})
	}
	return out
}

// unitPicks are handling units as a picker offers them.
func unitPicks(us []committee.Committee) []web.Picked {
	out := make([]web.Picked, 0, len(us))
	for _, u := range us {
		out = append(out, web.Picked{ID: u.ID, Name: u.Name})
	}
	return out
}

// coSigners are the members a member may ask to co-sign: the other
// active members of their committee.
func (s *pages) coSigners(r *http.Request, sc store.Scope, me committee.Member) ([]committee.Member, error) {
	return s.activeMembers(r, me.CommitteeID, me.ID)
}

// activeMembers are the members in office of a committee, but except.
func (s *pages) activeMembers(r *http.Request, committeeID, except int64) ([]committee.Member, error) {
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
func (s *pages) pickCoSigners(c *web.Call) (web.Answer, error) {
	me, err := s.Cppcc.Me(c.R.Context(), c.Scope, c.ID.User.ID)
	if err != nil {
		return nil, err
	}
	ms, err := s.coSigners(c.R, c.Scope, me)
	if err != nil {
		return nil, err
	}
	return web.JSON{V: first20(web.Matches(memberPicks(ms), c.R.URL.Query().Get("q")))}, nil
}

// pickContacts answers the office's picker of a party's or group's
// contact: up to 20 members in office of the office's own committee.
func (s *pages) pickContacts(c *web.Call) (web.Answer, error) {
	cm, err := s.Cppcc.CommitteeOf(c.R.Context(), c.Scope)
	if err != nil {
		return nil, err
	}
	ms, err := s.activeMembers(c.R, cm.ID, 0)
	if err != nil {
		return nil, err
	}
	return web.JSON{V: first20(web.Matches(memberPicks(ms), c.R.URL.Query().Get("q")))}, nil
}

// pickUnits answers the handling units' picker: up to 20 units of the
// caller's own committee.
func (s *pages) pickUnits(c *web.Call) (web.Answer, error) {
	cm, err := s.Cppcc.CommitteeOf(c.R.Context(), c.Scope)
	if err != nil {
		return nil, err
	}
	us, err := s.Cppcc.Units(c.R.Context(), c.Scope, cm.ID)
	if err != nil {
		return nil, err
	}
	return web.JSON{V: first20(web.Matches(unitPicks(us), c.R.URL.Query().Get("q")))}, nil
}

func first20(ps []web.Picked) []web.Picked {
	if ps == nil {
		return []web.Picked{}
	}
	return ps[:min(len(ps), 20)]
}
