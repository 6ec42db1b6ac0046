package dues

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A random walk of bases set, confirmed, disputed and withdrawn, payments
// recorded, reported, confirmed, rejected and voided, remittances entered,
// approved and rejected, members transferred (also to another province),
// suspended and restored, and months passing across a year's end: after
// every few steps the maintained figures equal a recount, every ledger and
// 党费交到 equals its rows, and every refusal is one a user reads.
func TestFiguresSurviveARandomWalk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.at(2025, 11, 10)
		rng := rand.New(rand.NewPCG(28, 2026))
		branches := []org.Org{f.branchA1, f.branchA2, f.branchB1}
		var people []member.Member
		for i, name := range []string{"甲一", "乙二", "丙三", "丁四", "戊五", "己六"} {
			people = append(people, f.member(branches[i%3], name))
		}
		kinds := []string{KindWage, KindAnnual, KindSelfEmployed, KindRetired, KindFarmer, KindStudent, KindHardship}
		// Each ledger opens in November 2025; half the members have next year's base already.
		for i, m := range people {
			fen, raise := int64(200_000+300_000*i), int64(100_000)
			if k, _ := kindOf(kinds[i]); len(k.Bands) == 0 {
				fen, raise = 50, 10
			}
			f.base(m, 2025, 11, kinds[i], fen)
			if i%2 == 0 {
				f.base(m, 2026, 1, kinds[i], fen+raise)
			}
		}
		var bases, claims, payments, remits []int64
		pick := func(ids []int64) int64 {
			if len(ids) == 0 {
				return 999999
			}
			return ids[rng.IntN(len(ids))]
		}
		// month is a month to pay m through: a few after their 党费交到, at times too far.
		month := func(m member.Member) string {
			if l := f.ledger(m); l.Open && rng.IntN(5) > 0 {
				pt, _ := ParseMonth(l.PaidTo)
				return pt.Add(1 + rng.IntN(4)).String()
			}
			return MonthOf(date.Of(f.now)).Add(rng.IntN(10) - 3).String()
		}
		done := map[string]int{}
		steps := 0
		for steps < 200 {
			m := people[rng.IntN(len(people))]
			var err error
			var what string
			switch op := rng.IntN(14); op {
			case 0, 1:
				what = "set a base"
				kind := kinds[rng.IntN(len(kinds))]
				in := BaseInput{Year: MonthOf(date.Of(f.now)).Year() + rng.IntN(2), FromMonth: max(1, rng.IntN(24)-11), Kind: kind,
					BaseFen: int64(100_000 + rng.IntN(1_500_000)), AmountFen: int64(20 + rng.IntN(81)), Approval: "上级党委批准"}
				var b Base
				if b, err = f.dues.SetBase(f.maker, store.All, m.ID, in); err == nil {
					bases = append(bases, b.ID)
				}
			case 2, 3:
				what = "confirm a base"
				id := pick(bases)
				for _, b := range f.ledger(m).Bases {
					if b.Status == BasePending {
						id = b.ID
					}
				}
				_, err = f.dues.ActOnOwnBase(f.self, m.ID, id, "confirm", ActInput{})
			case 4:
				what = "dispute or withdraw a base"
				if rng.IntN(2) == 0 {
					_, err = f.dues.ActOnOwnBase(f.self, m.ID, pick(bases), "dispute", ActInput{Reason: "基数有误"})
				} else {
					_, err = f.dues.ActOnBase(f.maker, store.All, pick(bases), "withdraw", ActInput{Reason: "重新核定"})
				}
			case 5, 6:
				what = "record a payment"
				var p Payment
				if p, err = f.dues.Record(f.maker, store.All, m.ID, f.payment(month(m), int64(rng.IntN(3)*rng.IntN(120_000)))); err == nil {
					payments = append(payments, p.ID)
				}
			case 7:
				what = "report a payment"
				in := f.payment(month(m), 0)
				in.Method = "transfer"
				var p Payment
				if p, err = f.dues.Claim(f.self, m.ID, in); err == nil {
					claims = append(claims, p.ID)
				}
			case 8:
				what = "decide a report"
				action := []string{"confirm", "reject"}[rng.IntN(2)]
				var p Payment
				if p, err = f.dues.ActOnPayment(f.checker, store.All, pick(claims), action, ActInput{Reason: "未收到"}); err == nil && action == "confirm" {
					payments = append(payments, p.ID)
				}
			case 9:
				what = "void a payment"
				_, err = f.dues.ActOnPayment(f.maker, store.All, pick(payments), "void", ActInput{Reason: "登记有误"})
			case 10:
				what = "remit"
				o := []org.Org{f.branchA1, f.branchA2, f.branchB1, f.streetA, f.provA}[rng.IntN(5)]
				var r Remittance
				if r, err = f.dues.Remit(f.maker, store.All, o.ID, RemitInput{AmountFen: int64(1 + rng.IntN(30_000)), RemittedOn: date.Of(f.now)}); err == nil {
					remits = append(remits, r.ID)
				}
			case 11:
				what = "decide a remittance"
				action := []string{"approve", "approve", "reject"}[rng.IntN(3)]
				_, err = f.dues.Decide(f.checker, store.All, pick(remits), action, ActInput{Reason: "金额有误"})
			case 12:
				what = "transfer"
				to := branches[rng.IntN(len(branches))]
				var tr member.Transfer
				if tr, err = f.mem.Issue(ctx, store.All, member.IssueInput{MemberID: m.ID, ToOrgID: to.ID, IssuedOn: date.Of(f.now)}); err == nil {
					_, err = f.mem.Receive(ctx, store.All, tr.ID, date.Of(f.now))
				}
			case 13:
				what = "a month passes, or a member is suspended or restored"
				switch rng.IntN(3) {
				case 0:
					f.now = f.now.AddDate(0, 1, 0)
				case 1:
					_, err = f.mem.Advance(ctx, store.All, m.ID, member.Step{Action: "suspend", On: date.Of(f.now)})
				default:
					_, err = f.mem.Advance(ctx, store.All, m.ID, member.Step{Action: "restore", On: date.Of(f.now)})
				}
			}
			if _, user := apperr.As(store.Explain(err)); err != nil && !user {
				t.Fatalf("step %d (%s): %v", steps, what, err)
			}
			if err == nil {
				done[what]++
			}
			// A member moved by a step is read again (their organisation's path).
			for i := range people {
				if people[i], err = f.mem.Get(ctx, store.All, people[i].ID); err != nil {
					t.Fatal(err)
				}
			}
			steps++
			if steps%10 == 0 {
				f.noMismatch()
				if t.Failed() {
					t.Fatalf("after step %d (%s)", steps, what)
				}
			}
		}
		if f.now.Before(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("the walk did not cross a year's end: %v", f.now)
		}
		t.Logf("steps taken: %v", done)
		var paid int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dues_payments WHERE status = 'confirmed'").Scan(&paid); err != nil || paid < 5 {
			t.Errorf("the walk confirmed %d payments: %v", paid, err)
		}
	})
}
