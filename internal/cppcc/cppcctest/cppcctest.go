// Package cppcctest builds what the tests of the packages built on cppcc
// (duties, letters, opinion, forum) work on: two city committees with their terms
// and sessions, three handling units of the first, three members with
// accounts, the office's scope, and a day the test moves.
package cppcctest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// Fixture is the committees and their people, and the core service on Day.
type Fixture struct {
	T    testing.TB
	Ctx  context.Context
	DB   *store.DB
	Core *cppcc.Service
	// Day is the service's today (its clock stands at 10:00 in Beijing).
	Day             time.Time
	C, Other        cppcc.Committee
	Lead, Co, Third cppcc.Committee // handling units of C
	Office          store.Scope     // C's office
	Members         []cppcc.Member
	AsMember        []context.Context
	OfficeCtx       context.Context
}

// New is the fixture on db on the day given, with the Labour Day holiday of
// 2026 as a notice gives it: 1–5 May off, Saturday 9 May worked.
func New(t testing.TB, db *store.DB, y int, m time.Month, d int) *Fixture {
	box, err := secret.New([]byte(strings.Repeat("c", 32)))
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{T: t, Ctx: context.Background(), DB: db, Day: time.Date(y, m, d, 2, 0, 0, 0, time.UTC)}
	f.Core = &cppcc.Service{DB: db, Box: box, Now: func() time.Time { return f.Day }}
	f.C = OK(f.Core.NewCommittee(f.Ctx, nil, "江城市政协", "city"))(t)
	f.Other = OK(f.Core.NewCommittee(f.Ctx, nil, "河西市政协", "city"))(t)
	f.Office = store.ScopeOf(f.C.Path)
	for _, c := range []cppcc.Committee{f.C, f.Other} {
		term := OK(f.Core.NewTerm(f.Ctx, store.All, c.ID, 14, date.New(2022, 1, 1), date.New(2026, 12, 31)))(t)
		OK(f.Core.NewSession(f.Ctx, store.All, term.ID, 4, date.New(2026, 1, 10), date.New(2026, 1, 14)))(t)
	}
	f.Lead = OK(f.Core.NewUnit(f.Ctx, f.Office, f.C.ID, "江城市发展和改革委员会"))(t)
	f.Co = OK(f.Core.NewUnit(f.Ctx, f.Office, f.C.ID, "江城市财政局"))(t)
	f.Third = OK(f.Core.NewUnit(f.Ctx, f.Office, f.C.ID, "江城市教育局"))(t)
	authn := &auth.Service{DB: db}
	terms := OK(f.Core.Terms(f.Ctx, store.All, f.C.ID))(t)
	for i, name := range []string{"李明", "王芳", "张伟"} {
		u := OK(authn.CreateUser(f.Ctx, auth.NewUser{Username: fmt.Sprintf("wy%d", i), Password: "Tq7#mwLp2xZa"}))(t)
		m := OK(f.Core.AddMember(f.Ctx, f.Office, cppcc.MemberInput{CommitteeID: f.C.ID, TermID: terms[0].ID, Name: name, Sex: "男", Sector: "经济界",
			Party: "中国民主建国会", Phone: fmt.Sprintf("1391234567%d", i), UserID: &u.ID}))(t)
		f.Members = append(f.Members, m)
		f.AsMember = append(f.AsMember, audit.WithActor(f.Ctx, audit.Actor{UserID: u.ID, Username: u.Username}))
	}
	f.OfficeCtx = audit.WithActor(f.Ctx, audit.Actor{Username: "zxbgs"})
	OK(f.Core.SetCalendar(f.OfficeCtx, store.All, 2026, []cppcc.CalendarDay{
		{Day: date.New(2026, 5, 1), Off: true, Note: "劳动节"}, {Day: date.New(2026, 5, 4), Off: true, Note: "劳动节"},
		{Day: date.New(2026, 5, 5), Off: true, Note: "劳动节"}, {Day: date.New(2026, 5, 9), Off: false, Note: "劳动节调休上班"},
	}))(t)
	return f
}

// On moves the fixture's day to a day of 2026.
func (f *Fixture) On(m time.Month, d int) { f.Day = time.Date(2026, m, d, 2, 0, 0, 0, time.UTC) }

// Recounted fails the test unless every committee's figures agree with a
// recount by the domains' recounters.
func (f *Fixture) Recounted(recount ...cppcc.Recounter) {
	f.T.Helper()
	storetest.NoMismatch(f.T, f.DB)
	ms, err := cppcc.Check(f.Ctx, f.DB, recount...)
	if err != nil {
		f.T.Fatal(err)
	}
	if len(ms) > 0 {
		f.T.Fatalf("figures differ from a recount: %+v", ms)
	}
}

// Figures are C's figures of 2026, once every committee's figures agree
// with a recount by the domains' recounters.
func (f *Fixture) Figures(recount ...cppcc.Recounter) map[string]int64 {
	f.T.Helper()
	f.Recounted(recount...)
	fig, err := f.Core.Figures(f.Ctx, f.Office, f.C.ID, cppcc.Period{From: 202601, To: 202612}, true)
	if err != nil {
		f.T.Fatal(err)
	}
	return fig.Counts
}

// PublicFigures are C's figures of the public channel in 2026, once every
// committee's figures agree with a recount by the domains' recounters.
func (f *Fixture) PublicFigures(recount ...cppcc.Recounter) map[string]int64 {
	f.T.Helper()
	f.Recounted(recount...)
	pf, err := f.Core.PublicFigures(f.Ctx, f.Office, f.C.ID, cppcc.Period{From: 202601, To: 202612})
	if err != nil {
		f.T.Fatal(err)
	}
	return pf.Counts
}

// OK is the value of a call that must succeed: OK(call())(t) fails the test on its error.
func OK[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
