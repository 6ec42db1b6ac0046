package web

import (
	"net/http"
	"strconv"

	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

func (s *Site) unitsRoutes() []route {
	return []route{
		{"GET /units", auth.PermUnitRead, 0, s.unitList},
		{"POST /units", auth.PermUnitWrite, 0, s.unitCreate},
	}
}

type unitData struct {
	Org                         org.Org
	Gap                         string
	Tabs                        []tab
	List                        store.List[org.Unit]
	Pager                       pager
	Units, Covered, NoOrg, NoMb int64
	Form                        *form
	Write                       bool
}

// unitList shows the units of a subtree with the coverage figures and the gaps of E2.
func (s *Site) unitList(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.unitListWith(w, r, id, nil, http.StatusOK)
}

func (s *Site) unitListWith(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := unitData{Gap: r.URL.Query().Get("gap"), Form: f}
	p := pageOf(r)
	err := id.Within(auth.PermUnitRead, func(sc store.Scope) error {
		var err error
		oid := queryID(r, "org")
		if oid == 0 {
			roots, err := s.Orgs.Roots(r.Context(), sc)
			if err != nil || len(roots) == 0 {
				return err
			}
			oid = roots[0].ID
		}
		if d.Org, err = s.Orgs.Get(r.Context(), sc, oid); err != nil {
			return err
		}
		d.List, err = s.Orgs.ListUnits(r.Context(), sc, org.UnitFilter{OrgID: oid, Gap: d.Gap, Q: r.URL.Query().Get("q")}, p)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := stats.Read(r.Context(), s.DB, d.Org.Path)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Units, d.Covered, d.NoOrg, d.NoMb = m[stats.KUnits], m[stats.KCovered], m[stats.KGapNoOrg], m[stats.KGapNoMember]
	for _, g := range []struct{ key, label string }{{"", "全部单位"}, {"no_org", "有党员无组织"}, {"no_member", "有企业无党员"}, {"covered", "已覆盖"}} {
		d.Tabs = append(d.Tabs, tab{g.key, g.label, "/units?org=" + itoa(d.Org.ID) + "&gap=" + g.key, g.key == d.Gap})
	}
	d.Pager = newPager(r, d.List.Total, p)
	d.Write = id.Allows(auth.PermUnitWrite, d.Org.Path)
	s.show(w, r, id, status, "units.html", "单位与覆盖", d)
}

func (s *Site) unitCreate(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	orgID := queryID(r, "org")
	staff, _ := strconv.Atoi(f.Get("staff"))
	members, _ := strconv.Atoi(f.Get("party_members"))
	nonPublic := f.Get("non_public") == "1"
	in := org.UnitInput{OrgID: &orgID, Name: f.opt("name"), Type: f.opt("type"), Staff: &staff, PartyMembers: &members, NonPublic: &nonPublic,
		CreditCode: f.opt("credit_code"), Address: f.opt("address")}
	err := id.Within(auth.PermUnitWrite, func(sc store.Scope) error {
		_, err := s.Orgs.SaveUnit(r.Context(), sc, 0, in)
		return err
	})
	if err == nil {
		done(w, r, "/units?org="+itoa(orgID), "已登记单位")
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	s.unitListWith(w, r, id, f, http.StatusBadRequest)
}
