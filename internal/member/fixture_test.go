package member

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

var fixedNow = time.Date(2026, 6, 30, 4, 0, 0, 0, time.UTC)

type fixture struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	orgs *org.Service
	mem  *Service
	// The tree: city → districts A, B → streets A1, B1 → branches.
	city, distA, distB, streetA1, streetB1, branchA1a, branchA1b, branchB1a org.Org
	seq                                                                     int
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	box, err := secret.New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return fixedNow }
	f := &fixture{t: t, ctx: context.Background(), db: db}
	f.orgs = &org.Service{DB: db, Now: now}
	f.mem = &Service{DB: db, Box: box, Orgs: f.orgs, Now: now}
	f.city = f.org(nil, "示范市委", "committee")
	f.distA = f.org(&f.city, "东城区委", "committee")
	f.distB = f.org(&f.city, "西城区委", "committee")
	f.streetA1 = f.org(&f.distA, "和平街道党工委", "working_committee")
	f.streetB1 = f.org(&f.distB, "新华街道党工委", "working_committee")
	f.branchA1a = f.org(&f.streetA1, "和平社区党支部", "branch")
	f.branchA1b = f.org(&f.streetA1, "上钢市场党支部", "branch")
	f.branchB1a = f.org(&f.streetB1, "新华社区党支部", "branch")
	return f
}

func (f *fixture) org(parent *org.Org, name, typ string) org.Org {
	f.t.Helper()
	in := org.Input{Name: &name, Type: &typ}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	o, err := f.orgs.Create(f.ctx, store.All, in)
	if err != nil {
		f.t.Fatalf("create org %s: %v", name, err)
	}
	return o
}

// idNumber makes a valid citizen ID number for a birth date and sex.
func (f *fixture) idNumber(birth string, male bool) string {
	f.seq++
	seq := f.seq*2%1000 + map[bool]int{true: 1, false: 0}[male]
	first := fmt.Sprintf("110105%s%03d", strings.ReplaceAll(birth, "-", ""), seq)
	return first + string(cnid.CheckChar(first))
}

func d(s string) *date.Date {
	v, err := date.Parse(s)
	if err != nil {
		panic(err)
	}
	return &v
}

func sp(s string) *string { return &s }

// fullMember returns the input of a full member of o born on birth.
func (f *fixture) fullMember(o org.Org, name, birth string, male bool) Input {
	return Input{
		OrgID: &o.ID, Name: sp(name), IDNumber: sp(f.idNumber(birth, male)), Ethnicity: sp("汉族"),
		Education: sp("大学本科"), Stage: sp("full"), JoinedOn: d("2010-07-01"), FullOn: d("2011-07-01"),
	}
}

func (f *fixture) add(in Input) Member {
	f.t.Helper()
	m, err := f.mem.Create(f.ctx, store.All, in)
	if err != nil {
		f.t.Fatalf("create member %s: %v", *in.Name, err)
	}
	return m
}

// figure reads one maintained figure of an organisation.
func (f *fixture) figure(o org.Org, key string) int64 {
	f.t.Helper()
	m, err := stats.Read(f.ctx, f.db, o.Path)
	if err != nil {
		f.t.Fatal(err)
	}
	return m[key]
}

// noMismatch asserts that the maintained figures equal a full recount.
func (f *fixture) noMismatch() {
	f.t.Helper()
	storetest.NoMismatch(f.t, f.db)
}

var wantErr = storetest.WantErr
