package collection

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet/rostertest"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestCollectionRoundTrip: the collection workbook of a street holds the
// four sheets with the ten items of each organisation and the sixteen of
// each member; imported into an empty database it gives the same
// organisations (names, types, superiors, secretaries, founding dates,
// units) and the same members (every item, their organisation, flowing
// out), and the same figures; a workbook with a wrong row writes nothing
// and names the row; a database already holding organisations is refused.
func TestCollectionRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := rostertest.WithRoster(t, db, 120)
		general := "general_branch"
		if _, err := e.Orgs.Update(ctx, store.All, e.Kids[0].ID, org.Input{Type: &general}); err != nil {
			t.Fatal(err)
		}
		name, typ, sec := "光明社区第一党支部", "branch", "王书记"
		if _, err := e.Orgs.Create(ctx, store.All, org.Input{ParentID: &e.Kids[0].ID, Name: &name, Type: &typ, Secretary: &sec}); err != nil {
			t.Fatal(err)
		}
		un, ut, code := "光明机械厂", "enterprise", "91320102MA1X2Y3Z4A"
		if _, err := e.Orgs.SaveUnit(ctx, store.All, 0, org.UnitInput{OrgID: &e.Kids[1].ID, Name: &un, Type: &ut, CreditCode: &code, CoveringOrgID: &e.Kids[1].ID}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		nOrgs, nMembers, err := WriteCollection(ctx, &buf, db, e.Orgs, e.Members, store.All, e.Root)
		if err != nil {
			t.Fatal(err)
		}
		if nOrgs != 4 || nMembers != int(e.Count(t)) {
			t.Fatalf("wrote %d organisations and %d members, the street has %d", nOrgs, nMembers, e.Count(t))
		}
		raw := buf.Bytes()
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if got := x.GetSheetList(); strings.Join(got, ",") != strings.Join([]string{OrgForms, MemberForms, OrgSummary, MemberSummary}, ",") {
			t.Fatalf("sheets %v", got)
		}
		head, _ := x.GetRows(MemberSummary)
		if len(head[0]) != 1+16+2 || head[0][3] != "公民身份号码" || len(head) != nMembers+1 {
			t.Fatalf("member summary: %q (%d rows)", head[0], len(head))
		}
		forms, _ := x.GetRows(OrgForms)
		if forms[0][0] != "(1)"+e.Root.Name || forms[1][0] != "1.党组织名称" || forms[10][0] != "10.单位建立党组织情况" {
			t.Fatalf("organisation forms: %q", forms[:11])
		}

		fresh := storetest.SQLite(t)
		e2 := rostertest.Services(fresh)
		rep, err := ImportCollection(ctx, fresh, e2.Orgs, e2.Importer, bytes.NewReader(raw))
		if err != nil || len(rep.Errors) > 0 || rep.Orgs != 4 || rep.Members != nMembers {
			t.Fatalf("import: %v %+v", err, rep)
		}
		if a, b := snapshot(t, db, e.Members), snapshot(t, fresh, e2.Members); a != b {
			t.Fatalf("round trip differs:\n%s\n---\n%s", a, b)
		}
		storetest.NoMismatch(t, fresh)

		// A second import, or an import into a database with organisations, is refused.
		if _, err := ImportCollection(ctx, fresh, e2.Orgs, e2.Importer, bytes.NewReader(raw)); err == nil || !strings.Contains(err.Error(), "空的数据库") {
			t.Fatalf("import into a filled database: %v", err)
		}
		// A wrong type in one organisation's row and a wrong ID number in a member's: nothing written, both named.
		_ = x.SetCellValue(OrgSummary, "F3", "党小组")
		_ = x.SetCellValue(MemberSummary, "D4", "320102195001011234")
		var spoilt bytes.Buffer
		if err := x.Write(&spoilt); err != nil {
			t.Fatal(err)
		}
		empty := storetest.SQLite(t)
		e3 := rostertest.Services(empty)
		rep, err = ImportCollection(ctx, empty, e3.Orgs, e3.Importer, bytes.NewReader(spoilt.Bytes()))
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || !strings.Contains(rep.Errors[0].Column, "组织类别") || rep.Orgs != 0 {
			t.Fatalf("spoilt organisation: %v %+v", err, rep)
		}
		_ = x.SetCellValue(OrgSummary, "F3", "党总支")
		spoilt.Reset()
		if err := x.Write(&spoilt); err != nil {
			t.Fatal(err)
		}
		rep, err = ImportCollection(ctx, empty, e3.Orgs, e3.Importer, bytes.NewReader(spoilt.Bytes()))
		if err != nil || len(rep.Errors) == 0 || rep.Errors[0].Row != 4 || !strings.Contains(rep.Errors[0].Column, MemberSummary) || rep.Members != 0 || rep.Orgs != 0 {
			t.Fatalf("spoilt member: %v %+v", err, rep)
		}
		if roots, err := e3.Orgs.Roots(ctx, store.All); err != nil || len(roots) != 0 {
			t.Fatalf("a refused import wrote organisations: %v %v", err, roots)
		}
	})
}

// snapshot is every live organisation and every member of a database in
// words, by name, as the collection carries them.
func snapshot(t *testing.T, db *store.DB, mem *member.Service) string {
	t.Helper()
	ctx := context.Background()
	orgs := &org.Service{DB: db}
	roots, err := orgs.Roots(ctx, store.All)
	if err != nil || len(roots) != 1 {
		t.Fatalf("roots: %v %d", err, len(roots))
	}
	var lines []string
	var walk func(o org.Org, parent string)
	walk = func(o org.Org, parent string) {
		units, _ := orgs.ListUnits(ctx, store.All, org.UnitFilter{OrgID: o.ID}, store.Page{Size: 100})
		var us []string
		for _, u := range units.Items {
			if u.CoveringOrgID != nil && *u.CoveringOrgID == o.ID {
				us = append(us, u.Name+"/"+u.Type+"/"+u.CreditCode)
			}
		}
		lines = append(lines, fmt.Sprintf("组织 %s 上级%s %s 书记%s 成立%s 单位%v", o.Name, parent, o.Type, o.Secretary, o.FoundedOn, us))
		kids, err := orgs.Children(ctx, store.All, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kids {
			walk(k, o.Name)
		}
	}
	walk(roots[0], "")
	err = mem.Each(ctx, store.All, member.Filter{OrgID: roots[0].ID, Category: "member"}, func(m member.Member) error {
		lines = append(lines, fmt.Sprintf("党员 %s %s %s %s %s %s %s %s %s %s %s %v", m.Name, m.IDNumber, m.Sex, m.Ethnicity, m.BirthDate, m.Education,
			m.Stage, m.OrgName, m.JoinedOn, m.FullOn, m.Phone+"/"+m.Post, m.MobileOut))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
