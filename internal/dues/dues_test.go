package dues

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A base counts once the member confirms it; a payment covers the months
// after 党费交到 at their confirmed amounts, up to six months ahead when the
// branch agrees (第十二条), each with a receipt number unique in the branch;
// the year's report of the branch and of every level above agrees.
func TestBasesAndPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m := f.member(f.branchA1, "王建国")
		// 第二条: 4,000 yuan after tax, 3000元以上至5000元(含5000元), 1 %: 40.00 yuan a month.
		b, err := f.dues.SetBase(f.maker, store.All, m.ID, BaseInput{Year: 2026, Kind: KindWage, BaseFen: 400_000})
		if err != nil || b.MonthlyFen != 4000 || b.Status != BasePending || b.Rule == "" {
			t.Fatalf("set base: %+v %v", b, err)
		}
		_, err = f.dues.Record(f.maker, store.All, m.ID, f.payment("2026-06", 0))
		wantErr(t, err, "through", "2026年1月尚无经本人确认的党费基数")
		if f.figure(f.branchA1, KOpenBases) != 1 || f.figure(f.provA, KOpenBases) != 1 {
			t.Fatalf("a base waiting for the member is not counted as such")
		}
		_, err = f.dues.ActOnOwnBase(f.self, m.ID+1, b.ID, "confirm", ActInput{})
		if !apperr.IsNotFound(err) {
			t.Fatalf("another member confirmed the base: %v", err)
		}
		if _, err := f.dues.ActOnOwnBase(f.self, m.ID, b.ID, "confirm", ActInput{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.dues.ActOnOwnBase(f.self, m.ID, b.ID, "confirm", ActInput{})
		wantErr(t, err, "", "该党费基数本人已确认,不能确认党费基数")

		// Fields wrong at once, each named with its reason.
		_, err = f.dues.Record(f.maker, store.All, m.ID, PaymentInput{Through: "六月", Method: "支付宝", PaidOn: date.New(2026, 7, 1)})
		for field, text := range map[string]string{"through": "格式不对", "method": "交纳方式应为:现金、转账", "receipt_no": "请填写党费收据号", "paid_on": "晚于今天"} {
			wantErr(t, err, field, text)
		}
		p := f.pay(m, "2026-06", 0)
		if p.Months != 6 || p.DuesFen != 24000 || p.From != "2026-01" || p.Through != "2026-06" || p.Status != PaymentConfirmed {
			t.Fatalf("payment: %+v", p)
		}
		in := f.payment("2026-07", 0)
		in.ReceiptNo = p.ReceiptNo
		_, err = f.dues.Record(f.maker, store.All, m.ID, in)
		wantErr(t, err, "receipt_no", "收据号“"+p.ReceiptNo+"”在本党支部已经使用过")
		_, err = f.dues.Record(f.maker, store.All, m.ID, f.payment("2026-05", 0))
		wantErr(t, err, "through", "王建国的党费已交到2026年6月,交纳到的月份应晚于此")
		// 第十二条 with the branch's agreement: ahead to December (six months after June), not January.
		_, err = f.dues.Record(f.maker, store.All, m.ID, f.payment("2027-01", 0))
		wantErr(t, err, "through", "不超过本月之后6个月(至2026年12月)")

		l := f.ledger(m)
		if !l.Open || l.PaidTo != "2026-06" || l.MonthlyFen != 4000 || l.ArrearsFen != 0 || l.AdvanceTo != "2026-12" || len(l.Payments) != 1 {
			t.Fatalf("ledger: %+v", l)
		}
		// 第十一条: a voluntary payment alone, of 1,000 yuan or more, is for the Centre.
		extra := f.pay(m, "", 150_000)
		if !extra.Large || extra.Months != 0 || extra.TotalFen != 150_000 {
			t.Fatalf("a voluntary payment: %+v", extra)
		}
		quarter := f.pay(m, "2026-09", 2000)
		if quarter.DuesFen != 12000 || quarter.TotalFen != 14000 {
			t.Fatalf("a quarter ahead: %+v", quarter)
		}
		for _, o := range []struct {
			name string
			r    Report
		}{{"branch", f.report(f.branchA1, 2026)}, {"street", f.report(f.streetA, 2026)}, {"province", f.report(f.provA, 2026)}, {"root", f.report(f.root, 2026)}} {
			tl := o.r.Total
			if tl.Members != 1 || tl.DueFen != 24000 || tl.PaidForFen != 24000 || tl.ArrearsFen != 0 || tl.ReceivedFen != 36000 ||
				tl.ExtraFen != 152_000 || tl.LargeFen != 150_000 || tl.Payments != 3 || tl.BalanceFen != 188_000 || tl.WithoutBase != 0 {
				t.Errorf("%s report: %+v", o.name, tl)
			}
		}
		st := f.report(f.streetA, 2026)
		if len(st.Children) != 2 || st.Children[0].BalanceFen != 188_000 || st.Children[1].Members != 0 || st.Own.BalanceFen != 0 || st.Own.Members != 0 {
			t.Fatalf("street lines: %+v own %+v", st.Children, st.Own)
		}
		if r, err := f.dues.Report(ctx, store.ScopeOf(f.branchA2.Path), f.branchA1.ID, 2026); !apperr.IsNotFound(err) {
			t.Fatalf("a sibling read the report: %+v %v", r, err)
		}
		f.noMismatch()
	})
}

// 第八条: a probationary member pays from the month the branch meeting
// admitted them; a wage changed in the year counts from its month (第十条).
func TestFromAdmissionAndAWageChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := f.joined(f.branchA1, "李晓", date.New(2026, 3, 15), "probationary")
		_, err := f.dues.SetBase(f.maker, store.All, m.ID, BaseInput{Year: 2026, Kind: KindStudent})
		wantErr(t, err, "from_month", "预备党员从支部大会通过其为预备党员之日起交纳党费(第八条):李晓于2026-03-15入党,基数应自2026年3月起")
		f.base(m, 2026, 3, KindStudent, 0)
		if l := f.ledger(m); l.OpenedTo != "2026-02" || l.ArrearsMonths != 4 || l.ArrearsFen != 80 {
			t.Fatalf("a student from March: %+v", l)
		}
		// Graduated and in work from June (第十条): 3,000 yuan, 0.5 %.
		f.base(m, 2026, 6, KindWage, 300_000)
		if l := f.ledger(m); l.MonthlyFen != 1500 || l.ArrearsFen != 3*20+1500 {
			t.Fatalf("after the wage: %+v", l)
		}
		f.pay(m, "2026-06", 0)
		_, err = f.dues.SetBase(f.maker, store.All, m.ID, BaseInput{Year: 2026, FromMonth: 5, Kind: KindWage, BaseFen: 350_000})
		wantErr(t, err, "from_month", "李晓的党费已交到2026年6月,已交的月份按原基数计算;新的基数应自2026年7月起")
		r := f.report(f.branchA1, 2026)
		if r.Total.DueFen != 3*20+1500 || r.Total.UnpaidFen != 0 {
			t.Fatalf("report: %+v", r.Total)
		}
		// The June base may not be withdrawn while June is paid under it.
		sixth := f.ledger(m).Bases[1]
		_, err = f.dues.ActOnBase(f.maker, store.All, sixth.ID, "withdraw", ActInput{Reason: "录错"})
		wantErr(t, err, "", "请先冲销这些交纳记录再撤回")
		_, err = f.dues.ActOnBase(f.maker, store.All, sixth.ID, "withdraw", ActInput{})
		wantErr(t, err, "reason", "请写明撤回党费基数的理由")
		// A kind without a confirmed base for the next year: none of it is due yet.
		f.at(2027, 1, 20)
		if l := f.ledger(m); l.ArrearsMonths != 6 || l.ArrearsFen != 6*1500 || l.Behind != 7 {
			t.Fatalf("in January with no base for 2027: %+v", l)
		}
		if r := f.report(f.branchA1, 2027); r.Total.WithoutBase != 1 || r.Total.DueFen != 0 {
			t.Fatalf("2027: %+v", r.Total)
		}
		f.noMismatch()
	})
}

// Arrears run across a year's end at each year's amount; six months past
// 党费交到 is the case of 第十三条 for the branch.
func TestArrearsAcrossAYearsEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.at(2025, 10, 20)
		m := f.member(f.branchA1, "赵敏")
		late := f.member(f.branchA1, "钱程")
		f.base(m, 2025, 1, KindWage, 600_000)       // 1.5 %: 90.00 yuan
		f.base(late, 2025, 1, KindRetired, 400_000) // 0.5 %: 20.00 yuan
		f.pay(m, "2025-10", 0)
		f.pay(late, "2025-08", 0)
		f.at(2025, 12, 20)
		f.base(m, 2026, 1, KindRetired, 400_000) // retired in 2026: 20.00 yuan
		f.base(late, 2026, 1, KindRetired, 400_000)
		f.at(2026, 2, 15)
		l := f.ledger(m)
		if l.ArrearsMonths != 4 || l.ArrearsFen != 2*9000+2*2000 || l.Behind != 4 || l.PaidTo != "2025-10" {
			t.Fatalf("arrears across the year: %+v", l)
		}
		r := f.report(f.branchA1, 2026)
		if r.Total.DueFen != 4*2000 || r.Total.UnpaidFen != 4*2000 || r.Total.ArrearsFen != 2*9000+2*2000+6*2000 ||
			r.Total.Behind3 != 1 || r.Total.Behind6 != 1 || r.Total.Behind1 != 0 {
			t.Fatalf("2026 report: %+v", r.Total)
		}
		if r := f.report(f.branchA1, 2025); r.Total.DueFen != 12*9000+12*2000 || r.Total.UnpaidFen != 2*9000+4*2000 {
			t.Fatalf("2025 report: %+v", r.Total)
		}
		p := f.pay(m, "2026-02", 0)
		if p.DuesFen != 2*9000+2*2000 || p.From != "2025-11" {
			t.Fatalf("catching up: %+v", p)
		}
		list, err := f.dues.Members(context.Background(), store.All, f.branchA1.ID, ViewBehind6, store.Page{})
		if err != nil || list.Total != 1 || list.Items[0].Name != "钱程" || list.Items[0].Behind != 6 {
			t.Fatalf("six months behind: %+v %v", list, err)
		}
		f.noMismatch()
	})
}

// A member's report waits for the branch, one at a time; the branch
// confirms or rejects it; a recorded payment is voided latest first, and
// not once its money has gone upward.
func TestClaimsAndVoids(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := f.member(f.branchA1, "孙立")
		f.base(m, 2026, 1, KindWage, 800_000) // 1.5 %: 120.00 yuan
		in := f.payment("2026-03", 0)
		in.Method = "转账"
		c, err := f.dues.Claim(f.self, m.ID, in)
		if err != nil || c.Status != PaymentClaimed || c.Method != "transfer" || c.DuesFen != 36000 {
			t.Fatalf("claim: %+v %v", c, err)
		}
		_, err = f.dues.Claim(f.self, m.ID, f.payment("2026-03", 0))
		wantErr(t, err, "", "已有一笔待党支部确认的交纳")
		if f.figure(f.streetA, KClaims) != 1 || f.ledger(m).PaidTo != "2025-12" {
			t.Fatal("a claim moved the account or is not waiting")
		}
		if _, err := f.dues.ActOnPayment(f.checker, store.All, c.ID, "confirm", ActInput{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.dues.ActOnPayment(f.checker, store.All, c.ID, "confirm", ActInput{})
		wantErr(t, err, "", "该党费交纳记录已收,不能确认收到党费")
		c2, err := f.dues.Claim(f.self, m.ID, f.payment("2026-04", 0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.dues.ActOnPayment(f.checker, store.All, c2.ID, "reject", ActInput{})
		wantErr(t, err, "reason", "请写明不予确认的理由")
		if _, err := f.dues.ActOnPayment(f.checker, store.All, c2.ID, "reject", ActInput{Reason: "未收到转账"}); err != nil {
			t.Fatal(err)
		}
		p4 := f.pay(m, "2026-04", 0)
		p6 := f.pay(m, "2026-06", 0)
		_, err = f.dues.ActOnPayment(f.maker, store.All, p4.ID, "void", ActInput{Reason: "录错"})
		wantErr(t, err, "", "请先冲销其后的交纳记录")
		if _, err := f.dues.ActOnPayment(f.maker, store.All, p6.ID, "void", ActInput{Reason: "录错月份"}); err != nil {
			t.Fatal(err)
		}
		if l := f.ledger(m); l.PaidTo != "2026-04" || l.ArrearsMonths != 2 {
			t.Fatalf("after a void: %+v", l)
		}
		// The money goes upward; a void of what is no longer on hand is refused.
		r, err := f.dues.Remit(f.maker, store.All, f.branchA1.ID, RemitInput{AmountFen: 48000, RemittedOn: date.Of(f.now), Period: "2026年上半年"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.dues.Decide(f.checker, store.All, r.ID, "approve", ActInput{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.dues.ActOnPayment(f.maker, store.All, p4.ID, "void", ActInput{Reason: "录错"})
		wantErr(t, err, "", "本级党费结存0.00元,不足120.00元")
		if l := f.ledger(m); l.PaidTo != "2026-04" {
			t.Fatalf("a refused void moved the account: %+v", l)
		}
		f.noMismatch()
	})
}

// A remittance is entered by one user and approved by another; the money
// moves between the two ledgers once, never below zero, and each level's
// balance and the report agree.
func TestRemittances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for i, name := range []string{"周一", "吴二", "郑三"} {
			m := f.member(f.branchA1, name)
			f.base(m, 2026, 1, KindRetired, int64(400_000+100_000*i)) // 20.00, 25.00, 60.00 yuan
			f.pay(m, "2026-06", 0)
		}
		const held = 6 * (2000 + 2500 + 6000)
		_, err := f.dues.Remit(f.maker, store.All, f.branchA1.ID, RemitInput{AmountFen: held + 1, RemittedOn: date.Of(f.now)})
		wantErr(t, err, "amount_fen", "超过和平社区党支部的党费结存630.00元")
		_, err = f.dues.Remit(f.maker, store.All, f.branchA1.ID, RemitInput{ToOrgID: f.branchA2.ID, AmountFen: 100, RemittedOn: date.Of(f.now)})
		wantErr(t, err, "to_org_id", "上缴的党组织应为和平社区党支部的上级党组织")
		_, err = f.dues.Remit(f.maker, store.All, f.root.ID, RemitInput{AmountFen: 100, RemittedOn: date.Of(f.now)})
		wantErr(t, err, "", "是最高一级党组织,没有上级可以上缴")
		r, err := f.dues.Remit(f.maker, store.All, f.branchA1.ID, RemitInput{AmountFen: 50000, RemittedOn: date.Of(f.now), Period: "2026年上半年"})
		if err != nil || r.ToOrgID != f.streetA.ID || r.Status != RemitPending {
			t.Fatalf("remit: %+v %v", r, err)
		}
		_, err = f.dues.Decide(f.maker, store.All, r.ID, "approve", ActInput{})
		wantErr(t, err, "", "党费上缴须由录入人以外的用户审批")
		_, err = f.dues.Decide(f.checker, store.ScopeOf(f.branchA2.Path), r.ID, "approve", ActInput{})
		if !apperr.IsNotFound(err) {
			t.Fatalf("a sibling approved: %v", err)
		}
		// Sent four times at once, the approval is taken once.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.dues.Decide(f.checker, store.All, r.ID, "approve", ActInput{})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if _, user := apperr.As(store.Explain(err)); !user {
				t.Errorf("a concurrent approval failed: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d approvals taken: %v", ok, errs)
		}
		st := f.report(f.streetA, 2026)
		if st.Total.BalanceFen != held || st.Children[0].BalanceFen != held-50000 || st.Own.BalanceFen != 50000 ||
			st.Children[0].RemittedFen != 50000 || st.Own.FromBelowFen != 50000 || st.Total.RemittedFen != 0 {
			t.Fatalf("street after the remittance: %+v %+v %+v", st.Total, st.Children[0], st.Own)
		}
		// The street remits on to the province: out of the street's subtree.
		up, err := f.dues.Remit(f.maker, store.All, f.streetA.ID, RemitInput{AmountFen: 50000, RemittedOn: date.Of(f.now)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.dues.Decide(f.checker, store.All, up.ID, "approve", ActInput{}); err != nil {
			t.Fatal(err)
		}
		rejected, err := f.dues.Remit(f.maker, store.All, f.branchA1.ID, RemitInput{AmountFen: 100, RemittedOn: date.Of(f.now)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.dues.Decide(f.checker, store.All, rejected.ID, "reject", ActInput{})
		wantErr(t, err, "reason", "请写明驳回的理由")
		if _, err := f.dues.Decide(f.checker, store.All, rejected.ID, "reject", ActInput{Reason: "金额有误"}); err != nil {
			t.Fatal(err)
		}
		if st := f.report(f.streetA, 2026); st.Total.RemittedFen != 50000 || st.Total.BalanceFen != held-50000 || st.Total.RemitsPending != 0 {
			t.Fatalf("street after remitting on: %+v", st.Total)
		}
		list, err := f.dues.Remittances(ctx, store.All, f.streetA.ID, store.Page{})
		if err != nil || list.Total != 3 {
			t.Fatalf("the street's remittances: %+v %v", list, err)
		}
		f.noMismatch()
	})
}

// The transfer letter carries the ledger's 党费交到; the ledger's figures
// follow the member to another province and leave the count with them;
// the money stays where it was paid.
func TestLedgerFollowsTheMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m := f.member(f.branchA1, "冯刚")
		f.base(m, 2026, 1, KindWage, 1_200_000) // 2 %: 240.00 yuan
		f.pay(m, "2026-05", 0)
		_, err := f.mem.Issue(ctx, store.All, member.IssueInput{MemberID: m.ID, ToOrgID: f.branchB1.ID, IssuedOn: date.Of(f.now), DuesPaidTo: "2026-03"})
		wantErr(t, err, "dues_paid_to", "党费账上冯刚的党费交到2026-05,与填写的2026-03不一致")
		tr, err := f.mem.Issue(ctx, store.All, member.IssueInput{MemberID: m.ID, ToOrgID: f.branchB1.ID, IssuedOn: date.Of(f.now)})
		if err != nil || tr.DuesPaidTo != "2026-05" {
			t.Fatalf("letter: %+v %v", tr, err)
		}
		// Without a ledger, the month typed is the letter's.
		other := f.member(f.branchA1, "陈静")
		tr2, err := f.mem.Issue(ctx, store.All, member.IssueInput{MemberID: other.ID, ToText: "外省某党支部", IssuedOn: date.Of(f.now), DuesPaidTo: "2026-4"})
		if err != nil || tr2.DuesPaidTo != "2026-04" {
			t.Fatalf("a letter without a ledger: %+v %v", tr2, err)
		}
		if _, err := f.mem.Receive(ctx, store.All, tr.ID, date.Of(f.now)); err != nil {
			t.Fatal(err)
		}
		a, b := f.report(f.branchA1, 2026).Total, f.report(f.branchB1, 2026).Total
		if a.Members != 0 || a.UnpaidFen != 0 || a.ReceivedFen != 5*24000 || b.Members != 1 || b.UnpaidFen != 24000 || b.ReceivedFen != 0 {
			t.Fatalf("after the transfer: A %+v B %+v", a, b)
		}
		if l := f.ledger(m); l.OrgID != f.branchB1.ID || l.PaidTo != "2026-05" || len(l.Payments) != 0 {
			t.Fatalf("the ledger after the transfer: %+v", l)
		}
		// The branch that took the money keeps listing it.
		if l, err := f.dues.Payments(ctx, store.ScopeOf(f.branchA1.Path), PaymentFilter{}, store.Page{}); err != nil || l.Total != 1 || l.Items[0].Name != "冯刚" {
			t.Fatalf("the first branch's payments: %+v %v", l, err)
		}
		f.pay(m, "2026-06", 0)
		f.noMismatch()
		// A member who leaves the ranks leaves the count (停止党籍), and comes back with it.
		if _, err := f.mem.Advance(ctx, store.All, m.ID, member.Step{Action: "suspend", On: date.Of(f.now)}); err != nil {
			t.Fatal(err)
		}
		if n := f.figure(f.root, KMembers); n != 0 {
			t.Fatalf("a suspended member's dues still counted: %d", n)
		}
		_, err = f.dues.Record(f.maker, store.All, m.ID, f.payment("2026-07", 0))
		wantErr(t, err, "", "冯刚不是在册的正式党员或预备党员,不交纳党费")
		f.noMismatch()
		if _, err := f.mem.Advance(ctx, store.All, m.ID, member.Step{Action: "restore", On: date.Of(f.now)}); err != nil {
			t.Fatal(err)
		}
		if n := f.figure(f.provB, KMembers); n != 1 {
			t.Fatalf("a restored member's dues not counted again: %d", n)
		}
		f.noMismatch()
	})
}

// A branch's sheet of bases goes in whole or not at all: every wrong cell
// is named by row, column and reason; the amounts follow the rule.
func TestImportBases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		wang := f.member(f.branchA1, "王芳")
		li := f.member(f.branchA1, "李强")
		f.member(f.branchA1, "张伟")
		f.member(f.branchA2, "张伟")
		zhao := f.member(f.branchA2, "赵磊")
		open := func(text string) *spreadsheet.Sheet {
			sh, err := spreadsheet.Open("党费基数.csv", strings.NewReader(text))
			if err != nil {
				t.Fatal(err)
			}
			return sh
		}
		const head = "和平街道2026年党费基数表\n姓名,党员类别,税后工资,月交纳党费,本人确认\n"
		bad := head + "王芳,在职,4000,45,是\n李强,军人,3000,,\n张伟,学生,,,\n赵磊,农民,,1.5,\n钱多,离退休,5000,,\n王芳,离退休,3000,,\n"
		rep, err := f.dues.Import(f.maker, store.All, f.mem, f.streetA.ID, 2026, open(bad), false)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"3 月交纳党费 45.00:按规定应为40.00元(第一条、第二条)",
			"4 党员类别 军人:党员类别应为在职、年薪制、个体经营者、离退休、农民、学生",
			"5 姓名 张伟:本党组织有2名党员名叫张伟,请填写公民身份号码",
			"6 月交纳党费 1.5:农民党员每月交纳0.20元至1.00元(第六条)",
			"7 姓名 钱多:本党组织(含下级)的在册党员中没有钱多",
			"8 姓名 王芳:与第3行是同一名党员",
		}
		if !rep.Refused || rep.Rows != 6 || len(rep.Errors) != len(want) {
			t.Fatalf("report: %+v", rep)
		}
		for i, e := range rep.Errors {
			if got := fmt.Sprintf("%d %s %s:%s", e.Row, e.Column, e.Value, e.Reason); !strings.HasPrefix(got, want[i]) {
				t.Errorf("error %d: %q, want %q", i, got, want[i])
			}
		}
		if n := f.figure(f.root, KMembers); n != 0 {
			t.Fatalf("a refused sheet wrote %d ledgers", n)
		}
		good := head + "王芳,在职,4000,40,是\n李强,离退休,5000.01,,否\n赵磊,农民,,0.5,是\n"
		if rep, err = f.dues.Import(f.maker, store.All, f.mem, f.streetA.ID, 2026, open(good), true); err != nil || rep.Refused || rep.Set != 3 {
			t.Fatalf("a trial: %+v %v", rep, err)
		}
		if n := f.figure(f.root, KMembers); n != 0 {
			t.Fatalf("a trial wrote %d ledgers", n)
		}
		if rep, err = f.dues.Import(f.maker, store.All, f.mem, f.streetA.ID, 2026, open(good), false); err != nil || rep.Refused || rep.Set != 3 || rep.Confirmed != 2 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		for _, c := range []struct {
			m       member.Member
			monthly int64
			status  string
		}{{wang, 4000, BaseConfirmed}, {li, 5000, BasePending}, {zhao, 50, BaseConfirmed}} {
			l := f.ledger(c.m)
			if len(l.Bases) != 1 || l.Bases[0].MonthlyFen != c.monthly || l.Bases[0].Status != c.status {
				t.Errorf("%s: %+v", c.m.Name, l.Bases)
			}
		}
		// The same sheet again: each base is there already.
		rep, err = f.dues.Import(f.maker, store.All, f.mem, f.streetA.ID, 2026, open(good), false)
		if err != nil || !rep.Refused || len(rep.Errors) != 3 || !strings.Contains(rep.Errors[0].Reason, "已有2026年1月起的党费基数") {
			t.Fatalf("again: %+v %v", rep, err)
		}
		_, err = f.dues.Import(f.maker, store.ScopeOf(f.branchB1.Path), f.mem, f.streetA.ID, 2026, open(good), false)
		if !apperr.IsNotFound(err) {
			t.Fatalf("an import outside the scope: %v", err)
		}
		f.noMismatch()
	})
}
