package party

import (
	"strconv"

	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

func (s *pages) unitsRoutes() []route {
	return []route{
		{"GET /units", auth.PermUnitRead, 0, s.unitList},
		{"POST /units", auth.PermUnitWrite, 0, s.unitCreate},
	}
}

type unitData struct {
	Org                         org.Org
	Gap                         string
	Tabs                        []web.Tab
	List                        store.List[org.Unit]
	Pager                       web.Pager
	Units, Covered, NoOrg, NoMb int64
	Form                        *web.Form
	Write                       bool
}

// unitList shows the units of a subtree with the coverage figures and the gaps of E2.
func (s *pages) unitList(c *web.Call) (web.Answer, error) {
	return s.unitListWith(c, c.Scope, nil)
}

// unitListWith is the list, read in sc, with f the refused form of a new unit.
func (s *pages) unitListWith(c *web.Call, sc store.Scope, f *web.Form) (web.Answer, error) {
	r := c.R
	d := unitData{Gap: r.URL.Query().Get("gap"), Form: f}
	p := web.PageOf(r)
	oid := web.QueryID(r, "org")
	if oid == 0 {
		roots, err := s.Orgs.Roots(r.Context(), sc)
		if err != nil || len(roots) == 0 {
			return nil, err
		}
		oid = roots[0].ID
	}
	var err error
	if d.Org, err = s.Orgs.Get(r.Context(), sc, oid); err != nil {
		return nil, err
	}
	if d.List, err = s.Orgs.ListUnits(r.Context(), sc, org.UnitFilter{OrgID: oid, Gap: d.Gap, Q: r.URL.Query().Get("q")}, p); err != nil {
		return nil, err
	}
	m, err := stats.Read(r.Context(), s.DB, d.Org.Path)
	if err != nil {
		return nil, err
	}
	d.Units, d.Covered, d.NoOrg, d.NoMb = m[stats.KUnits], m[stats.KCovered], m[stats.KGapNoOrg], m[stats.KGapNoMember]
	for _, g := range []struct{ key, label string }{{"", "全部单位"}, {"no_org", "有党员无组织"}, {"no_member", "有企业无党员"}, {"covered", "已覆盖"}} {
		d.Tabs = append(d.Tabs, web.Tab{Key: g.key, Label: g.label, Href: "/units?org=" + web.Itoa(d.Org.ID) + "&gap=" + g.key, Active: g.key == d.Gap})
	}
	d.Pager = web.NewPager(r, d.List.Total, p)
	d.Write = c.ID.Allows(auth.PermUnitWrite, d.Org.Path)
	return web.View{Name: "units.html", Title: "单位与覆盖", Data: d}, nil
}

func (s *pages) unitCreate(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	orgID := web.QueryID(c.R, "org")
	staff, _ := strconv.Atoi(f.Get("staff"))
	members, _ := strconv.Atoi(f.Get("party_members"))
	nonPublic := f.Get("non_public") == "1"
	in := org.UnitInput{OrgID: &orgID, Name: f.Opt("name"), Type: f.Opt("type"), Staff: &staff, PartyMembers: &members, NonPublic: &nonPublic,
		CreditCode: f.Opt("credit_code"), Address: f.Opt("address")}
	if _, err := s.Orgs.SaveUnit(c.R.Context(), c.Scope, 0, in); err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) {
			sc, err := c.Within(auth.PermUnitRead)
			if err != nil {
				return nil, err
			}
			return s.unitListWith(c, sc, f)
		})
	}
	return web.Redirect{To: "/units?org=" + web.Itoa(orgID), Flash: "已登记单位"}, nil
}
