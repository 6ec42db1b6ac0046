package dues

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// fixture is a tree with two provinces, the services over it, and three users.
type fixture struct {
	t    *testing.T
	db   *store.DB
	now  time.Time
	orgs *org.Service
	mem  *member.Service
	dues *Service
	// The tree: the root → province A → street A → branches A1, A2;
	// the root → province B → branch B1.
	root, provA, streetA, branchA1, branchA2, provB, branchB1 org.Org
	// The contexts of three users: the branch's dues officer (maker), its
	// secretary (checker), and a member recording their own payment.
	maker, checker, self context.Context
	seq                  int
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	box, err := secret.New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, now: time.Date(2026, 6, 15, 4, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	f.orgs = &org.Service{DB: db, Now: clock}
	f.dues = &Service{DB: db, Now: clock}
	f.mem = &member.Service{DB: db, Box: box, Orgs: f.orgs, Now: clock, Ledger: f.dues}
	f.root = f.org(nil, "中共示范委员会", "committee")
	f.provA = f.org(&f.root, "甲省委", "committee")
	f.streetA = f.org(&f.provA, "和平街道党工委", "working_committee")
	f.branchA1 = f.org(&f.streetA, "和平社区党支部", "branch")
	f.branchA2 = f.org(&f.streetA, "上钢市场党支部", "branch")
	f.provB = f.org(&f.root, "乙省委", "committee")
	f.branchB1 = f.org(&f.provB, "新华社区党支部", "branch")
	users := &auth.Service{DB: db}
	as := func(name string) context.Context {
		u, err := users.CreateUser(context.Background(), auth.NewUser{Username: name, Password: "Tq7#mwLp2xZa"})
		if err != nil {
			t.Fatal(err)
		}
		return audit.WithActor(context.Background(), audit.Actor{UserID: u.ID, Username: name})
	}
	f.maker, f.checker, f.self = as("zuzhi"), as("shuji"), as("dangyuan")
	return f
}

func (f *fixture) org(parent *org.Org, name, typ string) org.Org {
	f.t.Helper()
	in := org.Input{Name: &name, Type: &typ}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	o, err := f.orgs.Create(context.Background(), store.All, in)
	if err != nil {
		f.t.Fatalf("create org %s: %v", name, err)
	}
	return o
}

// member adds a full member (joined 2010) to o.
func (f *fixture) member(o org.Org, name string) member.Member {
	return f.joined(o, name, date.New(2010, 7, 1), "full")
}

// joined adds a member of stage (full or probationary) admitted on joined.
func (f *fixture) joined(o org.Org, name string, joined date.Date, stage string) member.Member {
	f.t.Helper()
	f.seq++
	first := fmt.Sprintf("11010519800101%03d", f.seq%1000)
	idn := first + string(cnid.CheckChar(first))
	ethnic, edu := "汉族", "大学本科"
	in := member.Input{OrgID: &o.ID, Name: &name, IDNumber: &idn, Ethnicity: &ethnic, Education: &edu, Stage: &stage, JoinedOn: &joined}
	if stage == "full" {
		full := joined.AddYears(1)
		in.FullOn = &full
	}
	m, err := f.mem.Create(context.Background(), store.All, in)
	if err != nil {
		f.t.Fatalf("create member %s: %v", name, err)
	}
	return m
}

// base sets and confirms (as the member) a base of kind for year from a month.
func (f *fixture) base(m member.Member, year, from int, kind string, fen int64) Base {
	f.t.Helper()
	in := BaseInput{Year: year, FromMonth: from, Kind: kind, BaseFen: fen}
	if k, _ := kindOf(kind); len(k.Bands) == 0 {
		in.BaseFen, in.AmountFen = 0, fen
	}
	if kind == KindHardship {
		in.Approval = "上级党委批准"
	}
	b, err := f.dues.SetBase(f.maker, store.All, m.ID, in)
	if err != nil {
		f.t.Fatalf("set base: %v", err)
	}
	if b, err = f.dues.ActOnOwnBase(f.self, m.ID, b.ID, "confirm", ActInput{}); err != nil {
		f.t.Fatalf("confirm base: %v", err)
	}
	return b
}

// pay records a payment of m through the month thru (yyyy-mm) with extra fen.
func (f *fixture) pay(m member.Member, thru string, extra int64) Payment {
	f.t.Helper()
	p, err := f.dues.Record(f.maker, store.All, m.ID, f.payment(thru, extra))
	if err != nil {
		f.t.Fatalf("pay %s through %s: %v", m.Name, thru, err)
	}
	return p
}

// payment is the input of a payment in cash with a fresh receipt number, made today.
func (f *fixture) payment(thru string, extra int64) PaymentInput {
	f.seq++
	return PaymentInput{Through: thru, ExtraFen: extra, Method: "cash", ReceiptNo: fmt.Sprintf("DF%05d", f.seq), PaidOn: date.Of(f.now)}
}

// ledger reads m's dues.
func (f *fixture) ledger(m member.Member) Ledger {
	f.t.Helper()
	l, err := f.dues.Ledger(context.Background(), store.All, m.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

// report is the year's dues report of o.
func (f *fixture) report(o org.Org, year int) Report {
	f.t.Helper()
	r, err := f.dues.Report(context.Background(), store.All, o.ID, year)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// at sets the clock to a day.
func (f *fixture) at(y int, m time.Month, d int) { f.now = time.Date(y, m, d, 4, 0, 0, 0, time.UTC) }

// noMismatch asserts the figures equal a recount with the dues', every row
// is in its province, and every ledger and account equals its rows.
func (f *fixture) noMismatch() {
	f.t.Helper()
	storetest.NoMismatch(f.t, f.db, Recount)
	ms, err := Check(context.Background(), f.db)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range ms {
		f.t.Errorf("dues mismatch: %+v", m)
	}
}

// figure is one maintained figure of o's subtree.
func (f *fixture) figure(o org.Org, key string) int64 {
	f.t.Helper()
	m, err := stats.Read(context.Background(), f.db, o.Path)
	if err != nil {
		f.t.Fatal(err)
	}
	return m[key]
}

var wantErr = storetest.WantErr
