// Package committeetest builds what the tests of the consultative work
// start from: two city committees with their terms and sessions, three
// handling units of the first, three members with accounts, the office's
// scope, and a day the test moves.
package committeetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/date"
	"dangjian/internal/secret"
	"dangjian/internal/store"
)

// Fixture is the committees and their people, and the committees' service on Day.
type Fixture struct {
	T          testing.TB
	Ctx        context.Context
	DB         *store.DB
	Committees *committee.Service
	// Day is the service's today (its clock stands at 10:00 in Beijing).
	Day             time.Time
	C, Other        committee.Committee
	Lead, Co, Third committee.Committee // handling units of C
	Office          store.Scope         // C's office
	Members         []committee.Member
	AsMember        []context.Context
	OfficeCtx       context.Context
}

// New is the fixture on db on the day given.
func New(t testing.TB, db *store.DB, y int, m time.Month, d int) *Fixture {
	box, err := secret.New([]byte(strings.Repeat("c", 32)))
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{T: t, Ctx: context.Background(), DB: db, Day: time.Date(y, m, d, 2, 0, 0, 0, time.UTC)}
	f.Committees = &committee.Service{DB: db, Box: box, Now: func() time.Time { return f.Day }}
	f.C = OK(f.Committees.NewCommittee(f.Ctx, nil, "江城市政协", "city"))(t)
	f.Other = OK(f.Committees.NewCommittee(f.Ctx, nil, "河西市政协", "city"))(t)
	f.Office = store.ScopeOf(f.C.Path)
	for _, c := range []committee.Committee{f.C, f.Other} {
		term := OK(f.Committees.NewTerm(f.Ctx, store.All, c.ID, 14, date.New(2022, 1, 1), date.New(2026, 12, 31)))(t)
		OK(f.Committees.NewSession(f.Ctx, store.All, term.ID, 4, date.New(2026, 1, 10), date.New(2026, 1, 14)))(t)
	}
	f.Lead = OK(f.Committees.NewUnit(f.Ctx, f.Office, f.C.ID, "江城市发展和改革委员会"))(t)
	f.Co = OK(f.Committees.NewUnit(f.Ctx, f.Office, f.C.ID, "江城市财政局"))(t)
	f.Third = OK(f.Committees.NewUnit(f.Ctx, f.Office, f.C.ID, "江城市教育局"))(t)
	authn := &auth.Service{DB: db}
	terms := OK(f.Committees.Terms(f.Ctx, store.All, f.C.ID))(t)
	for i, name := range []string{"李明", "王芳", "张伟"} {
		u := OK(authn.CreateUser(f.Ctx, auth.NewUser{Username: fmt.Sprintf("wy%d", i), Password: "Tq7#mwLp2xZa"}))(t)
		m := OK(f.Committees.AddMember(f.Ctx, f.Office, committee.MemberInput{CommitteeID: f.C.ID, TermID: terms[0].ID, Name: name, Sex: "男", Sector: "经济界",
			Party: "中国民主建国会", Phone: fmt.Sprintf("1391234567%d", i), UserID: &u.ID}))(t)
		f.Members = append(f.Members, m)
		f.AsMember = append(f.AsMember, audit.WithActor(f.Ctx, audit.Actor{UserID: u.ID, Username: u.Username}))
	}
	f.OfficeCtx = audit.WithActor(f.Ctx, audit.Actor{Username: "zxbgs"})
	return f
}

// On moves the fixture's day to a day of 2026.
func (f *Fixture) On(m time.Month, d int) { f.Day = time.Date(2026, m, d, 2, 0, 0, 0, time.UTC) }

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
