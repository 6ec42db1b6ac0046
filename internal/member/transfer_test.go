package member

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// membersIn counts the active people whose organisation is id, from the raw rows.
func (f *fixture) membersIn(id int64) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM members WHERE org_id = $1 AND status = 'active'", id).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestTransferInsideSystem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := f.add(f.fullMember(f.branchA1a, "转接人", "1980-01-01", true))
		streetA := store.ScopeOf(f.streetA1.Path)
		streetB := store.ScopeOf(f.streetB1.Path)
		tr, err := f.mem.Issue(f.ctx, streetA, IssueInput{MemberID: m.ID, ToOrgID: f.branchB1a.ID, IssuedOn: *d("2026-06-01"), Reason: "工作调动"})
		if err != nil {
			t.Fatal(err)
		}
		if tr.LetterNo != fmt.Sprintf("20260601-%06d", tr.ID) || tr.Status != TransferPending || tr.ToName != "新华社区党支部" {
			t.Fatalf("letter: %+v", tr)
		}
		if f.figure(f.streetA1, stats.KTransferOut) != 1 || f.figure(f.streetB1, stats.KTransferIn) != 1 {
			t.Fatal("pending letters not counted on both sides")
		}
		_, err = f.mem.Issue(f.ctx, streetA, IssueInput{MemberID: m.ID, ToOrgID: f.branchA1b.ID, IssuedOn: *d("2026-06-02")})
		wantErr(t, err, "", "已有一封未办结")
		// The issuing side cannot receive for the receiving one.
		_, err = f.mem.Receive(f.ctx, streetA, tr.ID, *d("2026-06-10"))
		wantErr(t, err, "", "应由接收的党组织办理接收")

		// A failure half-way through receiving leaves the member where they were.
		testHookAfterMove = func() error { return errors.New("disk full") }
		_, err = f.mem.Receive(f.ctx, streetB, tr.ID, *d("2026-06-10"))
		testHookAfterMove = nil
		if err == nil {
			t.Fatal("the injected failure did not fail the receipt")
		}
		if f.membersIn(f.branchA1a.ID) != 1 || f.membersIn(f.branchB1a.ID) != 0 {
			t.Fatal("after a failed receipt the member is not in exactly the old organisation")
		}
		if got, _ := f.mem.GetTransfer(f.ctx, streetB, tr.ID); got.Status != TransferPending {
			t.Fatalf("letter status after failure: %s", got.Status)
		}
		f.noMismatch()

		got, err := f.mem.Receive(f.ctx, streetB, tr.ID, *d("2026-06-10"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != TransferReceived || got.ReceivedOn.String() != "2026-06-10" {
			t.Fatalf("received letter: %+v", got)
		}
		if f.membersIn(f.branchA1a.ID) != 0 || f.membersIn(f.branchB1a.ID) != 1 {
			t.Fatal("member not moved")
		}
		if f.figure(f.streetA1, stats.KMembers) != 0 || f.figure(f.streetB1, stats.KMembers) != 1 || f.figure(f.city, stats.KMembers) != 1 {
			t.Fatal("member figures did not follow the member")
		}
		if f.figure(f.city, stats.KTransferOut) != 0 || f.figure(f.city, stats.KTransferIn) != 0 {
			t.Fatal("received letter still counted as pending")
		}
		if _, err := f.mem.Get(f.ctx, streetA, m.ID); err == nil {
			t.Fatal("the old street still sees the member")
		}
		_, err = f.mem.Receive(f.ctx, streetB, tr.ID, *d("2026-06-11"))
		wantErr(t, err, "", "不能再次接收")
		f.noMismatch()

		// Taken back by the receiving side the same day: the member returns, the letter waits again.
		_, err = f.mem.UndoReceive(f.ctx, streetA, tr.ID)
		wantErr(t, err, "", "应由接收的党组织撤销接收")
		back, err := f.mem.UndoReceive(f.ctx, streetB, tr.ID)
		if err != nil || back.Status != TransferPending || !back.ReceivedOn.IsZero() {
			t.Fatalf("undo: %+v %v", back, err)
		}
		if f.membersIn(f.branchA1a.ID) != 1 || f.membersIn(f.branchB1a.ID) != 0 || f.figure(f.streetA1, stats.KTransferOut) != 1 || f.figure(f.streetB1, stats.KTransferIn) != 1 {
			t.Fatal("after the undo the member and the letter are not back")
		}
		_, err = f.mem.UndoReceive(f.ctx, streetB, tr.ID)
		wantErr(t, err, "", "未被接收")
		f.noMismatch()
		// Received again, then past the window: it stands.
		if _, err := f.mem.Receive(f.ctx, streetB, tr.ID, *d("2026-06-12")); err != nil {
			t.Fatal(err)
		}
		late := *f.mem
		late.Now = func() time.Time { return time.Now().Add(UndoWindow + time.Hour) }
		_, err = late.UndoReceive(f.ctx, streetB, tr.ID)
		wantErr(t, err, "", "24小时内才能撤销")
		// A person changed since (moved on by another letter) is not taken back either.
		if _, err := f.mem.Issue(f.ctx, streetB, IssueInput{MemberID: m.ID, ToText: "外省某支部", IssuedOn: *d("2026-06-13")}); err != nil {
			t.Fatal(err)
		}
		_, err = f.mem.UndoReceive(f.ctx, streetB, tr.ID)
		wantErr(t, err, "", "已有其他变动")
		f.noMismatch()
	})
}

// A pending letter is a 口袋党员 risk once past its own 有效期, with the
// days since; one still valid is not, whatever the configured period; one
// without a 有效期 (issued before it was kept) is after the period.
func TestTransferOutsideAndPocketRisk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		a := f.add(f.fullMember(f.branchA1a, "外转甲", "1970-01-01", true))
		b := f.add(f.fullMember(f.branchA1a, "外转乙", "1971-01-01", false))
		c := f.add(f.fullMember(f.branchA1a, "外转丙", "1972-01-01", true))
		// Today is 2026-06-30. 30 days from 1 May end on 31 May: 30 days past.
		old, err := f.mem.Issue(f.ctx, store.All, IssueInput{MemberID: a.ID, ToText: "江苏省某市某党支部", LetterNo: "外字001", IssuedOn: *d("2026-05-01")})
		if err != nil {
			t.Fatal(err)
		}
		// 90 days from 1 April end today: still valid.
		valid, err := f.mem.Issue(f.ctx, store.All, IssueInput{MemberID: b.ID, ToText: "浙江省某县某党支部", IssuedOn: *d("2026-04-01"), ValidDays: 90})
		if err != nil {
			t.Fatal(err)
		}
		// A letter from before the 有效期 was kept: three months before today is 30 March.
		legacy, err := f.mem.Issue(f.ctx, store.All, IssueInput{MemberID: c.ID, ToText: "安徽省某县某党支部", IssuedOn: *d("2026-03-29")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(f.ctx, "UPDATE transfers SET valid_days = 0 WHERE id = $1", legacy.ID); err != nil {
			t.Fatal(err)
		}
		risks := func() map[int64]int {
			t.Helper()
			l, err := f.mem.ListTransfers(f.ctx, store.All, TransferFilter{Risk: true}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]int{}
			for _, tr := range l.Items {
				if !tr.PocketRisk {
					t.Fatalf("the risk list holds a letter not at risk: %+v", tr)
				}
				out[tr.ID] = tr.OverdueDays
			}
			if int(l.Total) != len(out) {
				t.Fatalf("the risk list counts %d, lists %d", l.Total, len(out))
			}
			return out
		}
		want := map[int64]int{old.ID: 30, legacy.ID: 1}
		if got := risks(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("pocket risks (letter: days past): %v, want %v", got, want)
		}
		if got, _ := f.mem.GetTransfer(f.ctx, store.All, valid.ID); got.PocketRisk || got.OverdueDays != 0 || got.ExpiresOn.String() != "2026-06-30" {
			t.Fatalf("a letter valid to today: %+v", got)
		}
		if got, _ := f.mem.GetTransfer(f.ctx, store.All, old.ID); got.ExpiresOn.String() != "2026-05-31" || !got.PocketRisk {
			t.Fatalf("a letter past its 有效期: %+v", got)
		}
		// A shorter period touches only the letter without a 有效期.
		f.mem.PocketMonths = 2
		if got, want := risks(), map[int64]int{old.ID: 30, legacy.ID: 32}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("with a 2-month period: %v, want %v", got, want)
		}
		// The receipt from outside removes the person from the roster.
		if _, err := f.mem.Receive(f.ctx, store.ScopeOf(f.branchA1a.Path), old.ID, *d("2026-06-20")); err != nil {
			t.Fatal(err)
		}
		if f.figure(f.city, stats.KMembers) != 2 || f.figure(f.branchA1a, stats.KTransferOut) != 2 {
			t.Fatal("figures after receipt of an outgoing letter")
		}
		// A letter from outside adds the person in one step.
		in := f.fullMember(f.branchB1a, "外来丙", "1992-02-02", false)
		in.OrgID = nil
		tr, err := f.mem.ReceiveIncoming(f.ctx, store.ScopeOf(f.streetB1.Path), IncomingInput{
			ToOrgID: f.branchB1a.ID, FromText: "河北省某县委组织部", IssuedOn: *d("2026-06-01"), ReceivedOn: *d("2026-06-05"), Member: in})
		if err != nil {
			t.Fatal(err)
		}
		if tr.FromName != "河北省某县委组织部" || tr.Status != TransferReceived || f.figure(f.streetB1, stats.KMembers) != 1 {
			t.Fatalf("incoming letter: %+v", tr)
		}
		f.noMismatch()
	})
}

// A letter between two organisations is one entry of the trail per step.
func TestLetterStepsAuditedOnce(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	m := f.add(f.fullMember(f.branchA1a, "转接人", "1980-01-01", true))
	tr, err := f.mem.Issue(f.ctx, store.All, IssueInput{MemberID: m.ID, ToOrgID: f.branchB1a.ID, IssuedOn: *d("2026-06-01")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.mem.Receive(f.ctx, store.ScopeOf(f.streetB1.Path), tr.ID, *d("2026-06-10")); err != nil {
		t.Fatal(err)
	}
	l, err := audit.List(f.ctx, f.db, store.All, audit.Filter{ObjectType: "transfer", ObjectID: tr.ID}, store.Page{})
	if err != nil || l.Total != 2 || l.Items[0].Action != "receive" || l.Items[1].Action != "issue" {
		t.Fatalf("the letter's trail: %v %+v", err, l.Items)
	}
}

// TestLetterValidityAndDues: a letter keeps the 有效期 and the 党费交到
// month the paper form carries; a month by default, at most three, the
// month checked and written as 2026-05.
func TestLetterValidityAndDues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		streetA := store.ScopeOf(f.streetA1.Path)
		m := f.add(f.fullMember(f.branchA1a, "有效期人", "1980-01-01", true))
		_, err := f.mem.Issue(f.ctx, streetA, IssueInput{MemberID: m.ID, ToText: "中共某县委组织部", IssuedOn: *d("2026-06-01"), ValidDays: 120})
		wantErr(t, err, "valid_days", "有效期应为1至90天")
		_, err = f.mem.Issue(f.ctx, streetA, IssueInput{MemberID: m.ID, ToText: "中共某县委组织部", IssuedOn: *d("2026-06-01"), DuesPaidTo: "五月"})
		wantErr(t, err, "dues_paid_to", "党费交到的年月“五月”格式不对")
		tr, err := f.mem.Issue(f.ctx, streetA, IssueInput{MemberID: m.ID, ToText: "中共某县委组织部", IssuedOn: *d("2026-06-01"), ValidDays: 60, DuesPaidTo: "2026-5"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.mem.GetTransfer(f.ctx, streetA, tr.ID)
		if err != nil || got.ValidDays != 60 || got.DuesPaidTo != "2026-05" {
			t.Fatalf("letter kept 有效期 %d, 党费交到 %q: %v", got.ValidDays, got.DuesPaidTo, err)
		}
		if _, err := f.mem.Cancel(f.ctx, streetA, tr.ID); err != nil {
			t.Fatal(err)
		}
		// Unwritten, the 有效期 is a month and the dues month stays blank.
		tr, err = f.mem.Issue(f.ctx, streetA, IssueInput{MemberID: m.ID, ToOrgID: f.branchB1a.ID, IssuedOn: *d("2026-06-02")})
		if err != nil || tr.ValidDays != DefaultValidDays || tr.DuesPaidTo != "" {
			t.Fatalf("default letter: %+v %v", tr, err)
		}
		l, err := f.mem.ListTransfers(f.ctx, streetA, TransferFilter{Member: m.ID}, store.Page{Size: 10})
		if err != nil || l.Total != 2 {
			t.Fatalf("list: %+v %v", l, err)
		}
	})
}
