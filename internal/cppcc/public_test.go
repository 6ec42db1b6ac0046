package cppcc

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"dangjian/internal/clock"
	"dangjian/internal/date"
	"dangjian/internal/report/docxtest"
	"dangjian/internal/spam"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// clocked is the fixture's service on a day that the test moves.
type clocked struct {
	*fixture
	day time.Time
	svc *Service
}

func newClocked(t *testing.T, db *store.DB, y int, m time.Month, d int) *clocked {
	f := newFixture(t, db)
	c := &clocked{fixture: f, day: time.Date(y, m, d, 2, 0, 0, 0, time.UTC)}
	c.svc = &Service{DB: db, Box: f.svc.Box, Now: func() time.Time { return c.day }}
	// The Labour Day holiday as a notice gives it: 1–5 May off, Saturday 9 May worked.
	if _, err := c.svc.SetCalendar(f.officeCtx, store.All, 2026, []CalendarDay{
		{Day: date.New(2026, 5, 1), Off: true, Note: "劳动节"}, {Day: date.New(2026, 5, 4), Off: true, Note: "劳动节"},
		{Day: date.New(2026, 5, 5), Off: true, Note: "劳动节"}, {Day: date.New(2026, 5, 9), Off: false, Note: "劳动节调休上班"},
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *clocked) on(m time.Month, d int) { c.day = time.Date(2026, m, d, 2, 0, 0, 0, time.UTC) }

func (c *clocked) clockOf(x Case, period string) Clock {
	c.t.Helper()
	for i := len(x.Clocks) - 1; i >= 0; i-- {
		if x.Clocks[i].Period == period {
			return x.Clocks[i]
		}
	}
	c.t.Fatalf("no %s clock in %+v", period, x.Clocks)
	return Clock{}
}

func (c *clocked) okCase(x Case, err error) Case {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	return x
}

func (c *clocked) publicFigures() map[string]int64 {
	c.t.Helper()
	storetest.NoMismatch(c.t, c.db)
	pf, err := c.svc.PublicFigures(c.ctx, c.office, c.c.ID, Period{202601, 202612})
	if err != nil {
		c.t.Fatal(err)
	}
	return pf.Counts
}

const petitionText = "我家住在幸福里小区三号楼,楼顶防水层老化,连续三年雨季漏水,物业和开发商相互推诿,请求有关部门协调维修。"

// A letters-and-visits case from the public form to 复核, on the clock:
// 受理 within 15 days (moved past the holiday), handling within 60 days of
// 受理 with an extension, the reply, 复查 and 复核 with a hearing not
// counted, and no re-acceptance of the same matter after 复核.
func TestPetitionOnTheClock(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClocked(t, db, 2026, 4, 16)
		filter := spam.Trained()
		in := CaseInput{CommitteeID: c.c.ID, Box: "petition", Title: "楼顶漏水三年无人维修", Content: petitionText, Name: "赵建国", Phone: "13812345678",
			IDNumber: "11010519491231002X", PublicOK: true}
		rc, err := c.svc.SubmitPublic(c.ctx, in, filter)
		if err != nil {
			t.Fatal(err)
		}
		x := rc.Case
		if x.Held || x.State != "received" || x.Sender != "赵**" || x.Phone != "138****5678" {
			t.Fatalf("a genuine letter as received: %+v", x)
		}
		// 16 April + 15 days is 1 May, a holiday: the period ends on the first working day after it.
		if due := c.clockOf(x, "accept").State.Due; due != date.New(2026, 5, 6) {
			t.Errorf("受理 due %s, want 2026-05-06", due)
		}
		anon := in
		anon.Anonymous = true
		_, err = c.svc.SubmitPublic(c.ctx, anon, filter)
		storetest.WantErr(t, err, "anonymous", "只有民意信箱可以匿名")

		// The same person again within the period is a repeat of the first.
		again := in
		again.Title, again.Content = "再次反映楼顶漏水", "上次反映的楼顶漏水问题至今没有人来看,雨季又要到了,请尽快处理。"
		rep, err := c.svc.SubmitPublic(c.ctx, again, filter)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Case.DuplicateOf == nil || *rep.Case.DuplicateOf != x.ID {
			t.Errorf("a second letter from the same phone is not linked to the first: %+v", rep.Case.DuplicateOf)
		}

		// Another committee's office does not reach it.
		if _, err := c.svc.Case(c.ctx, store.ScopeOf(c.other.Path), ViewOffice, x.ID); err == nil {
			t.Error("another committee's office read the case")
		}

		c.on(4, 20)
		x = c.okCase(c.svc.Decide(c.officeCtx, c.office, x.ID, CaseAction{Action: "accept"}, filter))
		if st := c.clockOf(x, "accept").State; !st.Met {
			t.Errorf("受理 on time not met: %+v", st)
		}
		_, err = c.svc.Decide(c.officeCtx, c.office, x.ID, CaseAction{Action: "route", Route: "assign", UnitID: c.other.ID}, filter)
		storetest.WantErr(t, err, "unit_id", "承办单位")
		x = c.okCase(c.svc.Decide(c.officeCtx, c.office, x.ID, CaseAction{Action: "route", Route: "assign", UnitID: c.lead.ID}, filter))
		if due := c.clockOf(x, "handle").State.Due; due != date.New(2026, 6, 19) {
			t.Errorf("handling due %s, want 2026-06-19 (60 days from 受理)", due)
		}
		unit := store.ScopeOf(c.lead.Path)
		_, err = c.svc.Handle(c.officeCtx, unit, x.ID, CaseAction{Action: "extend", Days: 31, Text: "需要现场鉴定", Approver: "王局长"})
		storetest.WantErr(t, err, "days", "1 到 30")
		x = c.okCase(c.svc.Handle(c.officeCtx, unit, x.ID, CaseAction{Action: "extend", Days: 30, Text: "需要现场鉴定", Approver: "王局长"}))
		// 19 June + 30 days is Sunday 19 July: moved to Monday.
		if due := c.clockOf(x, "handle").State.Due; due != date.New(2026, 7, 20) {
			t.Errorf("extended due %s, want 2026-07-20", due)
		}
		_, err = c.svc.Handle(c.officeCtx, unit, x.ID, CaseAction{Action: "extend", Days: 5, Text: "还要再等", Approver: "王局长"})
		storetest.WantErr(t, err, "", "只能延长一次")
		tr, err := c.svc.Track(c.ctx, rc.Code)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Notices) < 3 || !strings.Contains(tr.Notices[len(tr.Notices)-1].Note, "延长 30 日") {
			t.Errorf("the sender is not told of the extension: %+v", tr.Notices)
		}

		c.on(7, 1)
		x = c.okCase(c.svc.Handle(c.officeCtx, unit, x.ID, CaseAction{Action: "reply", Text: "经现场鉴定,已责成开发商于7月底前完成楼顶防水维修。"}))
		if x.Late || !c.clockOf(x, "handle").State.Met {
			t.Errorf("a reply within the extension is late: %+v", c.clockOf(x, "handle"))
		}
		// The code is found however it is typed: lower case, without its dashes, spaced, in full width.
		bare := strings.ReplaceAll(rc.Code, "-", "")
		fullWidth := strings.Map(func(r rune) rune { return r + '０' - '0' }, bare)
		for _, typed := range []string{strings.ToLower(rc.Code), bare, " " + strings.Join(strings.Split(rc.Code, "-"), " ") + " ", fullWidth} {
			if _, err := c.svc.Track(c.ctx, typed); err != nil {
				t.Errorf("the code typed as %q: %v", typed, err)
			}
		}
		tr, _ = c.svc.Track(c.ctx, strings.ToLower(rc.Code))
		if tr.Reply == "" || strings.Join(tr.May, ",") != "rate,request_review" {
			t.Errorf("the sender reads %+v", tr)
		}
		if _, err := c.svc.Answer(c.ctx, rc.Code, CaseAction{Action: "rate", Rating: "不满意"}); err != nil {
			t.Fatal(err)
		}
		c.on(7, 10)
		tr, err = c.svc.Answer(c.ctx, rc.Code, CaseAction{Action: "request_review", Text: "维修只做了一半,请复查。"})
		if err != nil {
			t.Fatal(err)
		}
		x = c.okCase(c.svc.Case(c.ctx, c.office, ViewOffice, x.ID))
		if x.State != "review" || c.clockOf(x, "review").State.Due != date.New(2026, 8, 10) {
			t.Errorf("复查 requested: %s, due %s (want 2026-08-10)", x.State, c.clockOf(x, "review").State.Due)
		}
		c.on(7, 20)
		c.okCase(c.svc.Decide(c.officeCtx, c.office, x.ID, CaseAction{Action: "decide_review", Text: "经复查,维持原处理意见,并督促限期完工。"}, filter))
		c.on(7, 25)
		if _, err := c.svc.Answer(c.ctx, rc.Code, CaseAction{Action: "request_recheck", Text: "仍不服,请复核。"}); err != nil {
			t.Fatal(err)
		}
		c.on(8, 1)
		c.okCase(c.svc.Decide(c.officeCtx, c.office, x.ID, CaseAction{Action: "hearing", Hearing: true}, filter))
		c.on(8, 11)
		x = c.okCase(c.svc.Decide(c.officeCtx, c.office, x.ID, CaseAction{Action: "hearing", Hearing: false}, filter))
		// 25 July + 30 is 24 August; ten days of hearing not counted: 3 September.
		if due := c.clockOf(x, "recheck").State.Due; due != date.New(2026, 9, 3) {
			t.Errorf("复核 due after the hearing %s, want 2026-09-03", due)
		}
		x = c.okCase(c.svc.Decide(c.officeCtx, c.office, x.ID, CaseAction{Action: "decide_recheck", Text: "复核认为处理意见正确,予以维持。"}, filter))
		if x.State != "final" {
			t.Fatalf("after 复核: %s", x.State)
		}
		// The same matter after 复核 is not accepted again.
		c.on(8, 20)
		again.Title = "第三次反映楼顶漏水"
		third, err := c.svc.SubmitPublic(c.ctx, again, filter)
		if err != nil {
			t.Fatal(err)
		}
		if third.Case.DuplicateOf == nil {
			t.Fatal("the third letter is not linked")
		}
		// the latest earlier letter is the second one (still received); link it to the closed matter's case
		_, err = c.svc.Decide(c.officeCtx, c.office, *third.Case.DuplicateOf, CaseAction{Action: "not_accept", Text: "与已复核终结的事项相同"}, filter)
		if err != nil {
			t.Fatal(err)
		}
		got := c.publicFigures()
		for k, n := range map[string]int64{"c:all": 3, "c:box:petition": 3, "c:accepted": 1, "c:repeat": 2, "c:review": 1, "c:recheck": 1, "c:not_accepted": 1,
			"c:ontime": 1, "c:sat:unsatisfied": 1, "c:extended": 1, "c:st:final": 1} {
			if got[k] != n {
				t.Errorf("figure %s = %d, want %d (all %v)", k, got[k], n, got)
			}
		}
		pf, _ := c.svc.PublicFigures(c.ctx, c.office, c.c.ID, Period{202601, 202612})
		if len(pf.Units) != 1 || pf.Units[0].UnitID != c.lead.ID || pf.Units[0].Routed != 1 || pf.Units[0].OnTime != 1 {
			t.Errorf("the units' lines %+v", pf.Units)
		}
		storetest.NoClearIdentifiers(t, db, []string{"13812345678", "11010519491231002X", "赵建国"})
	})
}

// After 复核 a letter that repeats the matter cannot be accepted.
func TestNoAcceptanceAfterRecheck(t *testing.T) {
	c := newClocked(t, storetest.SQLite(t), 2026, 3, 2)
	filter := spam.Trained()
	in := CaseInput{CommitteeID: c.c.ID, Box: "petition", Title: "反映征地补偿标准", Content: "我村征地补偿标准低于邻村,请求重新核定补偿标准并公开依据。", Name: "钱多多", Phone: "13955556666"}
	first, err := c.svc.SubmitPublic(c.ctx, in, filter)
	if err != nil {
		t.Fatal(err)
	}
	id := first.Case.ID
	for _, a := range []CaseAction{{Action: "accept"}, {Action: "route", Route: "refer", UnitID: c.co.ID}} {
		c.okCase(c.svc.Decide(c.officeCtx, c.office, id, a, filter))
	}
	c.okCase(c.svc.Handle(c.officeCtx, store.ScopeOf(c.co.Path), id, CaseAction{Action: "reply", Text: "补偿标准符合规定。"}))
	for _, step := range []func() error{
		func() error {
			_, err := c.svc.Answer(c.ctx, first.Code, CaseAction{Action: "request_review", Text: "不服"})
			return err
		},
		func() error {
			_, err := c.svc.Decide(c.officeCtx, c.office, id, CaseAction{Action: "decide_review", Text: "维持"}, filter)
			return err
		},
		func() error {
			_, err := c.svc.Answer(c.ctx, first.Code, CaseAction{Action: "request_recheck", Text: "仍不服"})
			return err
		},
		func() error {
			_, err := c.svc.Decide(c.officeCtx, c.office, id, CaseAction{Action: "decide_recheck", Text: "维持,复核终结"}, filter)
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	again, err := c.svc.SubmitPublic(c.ctx, in, filter)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.svc.Decide(c.officeCtx, c.office, again.Case.ID, CaseAction{Action: "accept"}, filter)
	storetest.WantErr(t, err, "", "不再受理")
	c.okCase(c.svc.Decide(c.officeCtx, c.office, again.Case.ID, CaseAction{Action: "not_accept", Text: "复核终结的同一事项,不再受理"}, filter))
	// 复查 is asked within 30 days of the reply, or not at all.
	other := in
	other.Phone, other.Name, other.Content = "13700001111", "孙立", "小区门口的公交站台被拆除后一直没有恢复,老人出行很不方便,请尽快重建。"
	late, err := c.svc.SubmitPublic(c.ctx, other, filter)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []CaseAction{{Action: "accept"}, {Action: "route", Route: "refer", UnitID: c.co.ID}} {
		c.okCase(c.svc.Decide(c.officeCtx, c.office, late.Case.ID, a, filter))
	}
	c.okCase(c.svc.Handle(c.officeCtx, store.ScopeOf(c.co.Path), late.Case.ID, CaseAction{Action: "reply", Text: "已列入明年计划。"}))
	_, err = c.svc.Decide(c.officeCtx, c.office, late.Case.ID, CaseAction{Action: "close"}, filter)
	storetest.WantErr(t, err, "", "届满后才能办结")
	c.on(4, 2) // 2 March + 30 days is 1 April
	_, err = c.svc.Answer(c.ctx, late.Code, CaseAction{Action: "request_review", Text: "不服"})
	storetest.WantErr(t, err, "", "期限已于2026年4月1日届满")
	c.okCase(c.svc.Decide(c.officeCtx, c.office, late.Case.ID, CaseAction{Action: "close"}, filter))
	// The office registers a visit on the day it came, never a day to come.
	_, err = c.svc.Register(c.officeCtx, c.office, CaseInput{CommitteeID: c.c.ID, Box: "petition", Channel: "visit", Title: "反映征地补偿", Content: "我村征地补偿标准低于邻村,请求重新核定。",
		Name: "钱多多", Phone: "13955556666", ReceivedOn: date.New(2026, 12, 1)})
	storetest.WantErr(t, err, "received_on", "不能晚于今天")
	// A letter not accepted in 15 days is overdue for the office, and may be supervised.
	pending, err := c.svc.SubmitPublic(c.ctx, CaseInput{CommitteeID: c.c.ID, Box: "public", Title: "建议增加公交班次", Content: "建议十二路公交晚高峰增加班次,等车时间太长。", Anonymous: true}, filter)
	if err != nil {
		t.Fatal(err)
	}
	c.on(4, 20)
	l, err := c.svc.Cases(c.ctx, c.office, ViewOffice, CaseFilter{CommitteeID: c.c.ID, Overdue: true}, store.Page{Number: 1, Size: 20})
	if err != nil || l.Total != 1 || l.Items[0].ID != pending.Case.ID {
		t.Fatalf("overdue list %+v %v", l, err)
	}
	pf, _ := c.svc.PublicFigures(c.ctx, c.office, c.c.ID, Period{202601, 202612})
	if pf.Overdue != 1 {
		t.Errorf("overdue figure %d, want 1", pf.Overdue)
	}
	x := c.okCase(c.svc.Decide(c.officeCtx, c.office, pending.Case.ID, CaseAction{Action: "supervise", Text: "请于三日内受理并告知"}, filter))
	if e := x.Events[len(x.Events)-1]; e.Action != "supervise" {
		t.Errorf("督办 not in the history: %+v", e)
	}
	storetest.NoMismatch(t, c.db)
}

// A letter's attachments: images or PDF whose first bytes are what their
// names say, at most three, each read back by the office that reaches it.
func TestLetterAttachments(t *testing.T) {
	c := newClocked(t, storetest.SQLite(t), 2026, 3, 2)
	png := []byte("\x89PNG\r\n\x1a\nrest of the image")
	in := CaseInput{CommitteeID: c.c.ID, Box: "public", Anonymous: true, Title: "路边井盖缺失", Content: "路边的井盖缺失,照片附后,请尽快处理。"}
	bad := in
	bad.Files = []Upload{{Name: "照片.jpg", Data: []byte("not an image")}}
	_, err := c.svc.SubmitPublic(c.ctx, bad, nil)
	storetest.WantErr(t, err, "file", "照片.jpg")
	bad.Files = []Upload{{Name: "1.png", Data: png}, {Name: "2.png", Data: png}, {Name: "3.png", Data: png}, {Name: "4.png", Data: png}}
	_, err = c.svc.SubmitPublic(c.ctx, bad, nil)
	storetest.WantErr(t, err, "file", "最多附 3 个")
	bad.Files = []Upload{{Name: "说明.exe", Data: []byte("MZ")}}
	_, err = c.svc.SubmitPublic(c.ctx, bad, nil)
	storetest.WantErr(t, err, "file", "图片(.jpg、.png)或 PDF")
	in.Files = []Upload{{Name: "井盖.png", Data: png}, {Name: "说明.pdf", Data: []byte("%PDF-1.4\n")}}
	rc, err := c.svc.SubmitPublic(c.ctx, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rc.Case.Files) != 2 {
		t.Fatalf("attachments stored %+v", rc.Case.Files)
	}
	f, data, err := c.svc.CaseFile(c.ctx, c.office, ViewOffice, rc.Case.ID, rc.Case.Files[0].ID)
	if err != nil || f.Name != "井盖.png" || !bytes.Equal(data, png) {
		t.Fatalf("read back %+v %v", f, err)
	}
	if _, _, err := c.svc.CaseFile(c.ctx, store.ScopeOf(c.other.Path), ViewOffice, rc.Case.ID, rc.Case.Files[0].ID); err == nil {
		t.Error("another committee's office read the attachment")
	}
	var n int
	if err := c.db.QueryRowContext(c.ctx, "SELECT COUNT(*) FROM cases").Scan(&n); err != nil || n != 1 {
		t.Errorf("refused letters left rows: %d %v", n, err)
	}
}

// Spam sent to the public form is held, still a case with a receipt code,
// and not supervised (督办) while held nor once junk, as a letter on time
// is; the moderator's decision teaches the filter.
func TestHeldLetterIsStillACase(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClocked(t, db, 2026, 3, 2)
		filter := spam.Trained()
		rc, err := c.svc.SubmitPublic(c.ctx, CaseInput{CommitteeID: c.c.ID, Box: "public", Anonymous: true, Title: "澳門新葡京官方網站",
			Content: "註冊就送38元彩金,首充返水,加 威 信 xpj8888 領取,www.xpj888.vip"}, filter)
		if err != nil {
			t.Fatal(err)
		}
		if !rc.Case.Held || rc.Code == "" {
			t.Fatalf("spam not held or no receipt: %+v", rc)
		}
		if tr, err := c.svc.Track(c.ctx, rc.Code); err != nil || tr.StateLabel != "待受理" {
			t.Errorf("a held letter's sender reads %+v %v", tr, err)
		}
		report, err := c.svc.SubmitPublic(c.ctx, CaseInput{CommitteeID: c.c.ID, Box: "public", Anonymous: true, Title: "举报小区赌博广告",
			Content: "我要举报,小区电梯里贴满了澳门新葡京注册送彩金的小广告,网址www.xpj888.vip,请公安部门依法查处。"}, filter)
		if err != nil || report.Case.Held {
			t.Fatalf("a citizen reporting the advertisement is held: %+v %v", report.Case, err)
		}
		held, err := c.svc.Cases(c.ctx, c.office, ViewOffice, CaseFilter{CommitteeID: c.c.ID, Held: true}, store.Page{Number: 1, Size: 20})
		if err != nil || held.Total != 1 || held.Items[0].Score < spam.Threshold || len(held.Items[0].Reasons) == 0 {
			t.Fatalf("the moderation queue %+v %v", held, err)
		}
		// 督办 is of a letter still running, late or not; never of one held or ended.
		_, err = c.svc.Decide(c.officeCtx, c.office, rc.Case.ID, CaseAction{Action: "supervise", Text: "请尽快处理"}, filter)
		storetest.WantErr(t, err, "", "不需要督办")
		if x := c.okCase(c.svc.Decide(c.officeCtx, c.office, report.Case.ID, CaseAction{Action: "supervise", Text: "请尽快受理"}, filter)); x.Overdue ||
			x.Events[len(x.Events)-1].Action != "supervise" {
			t.Errorf("督办 of a letter on time: %+v", x.Events[len(x.Events)-1])
		}
		c.okCase(c.svc.Decide(c.officeCtx, c.office, rc.Case.ID, CaseAction{Action: "junk"}, filter))
		_, err = c.svc.Decide(c.officeCtx, c.office, rc.Case.ID, CaseAction{Action: "supervise", Text: "请尽快处理"}, filter)
		storetest.WantErr(t, err, "", "不需要督办")
		if got := c.publicFigures(); got["c:held"] != 0 || got["c:st:junk"] != 1 || got["c:all"] != 2 {
			t.Errorf("figures after junk: %v", got)
		}
		m, err := c.svc.Teach(c.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, s := m.Samples(); s <= func() int { _, s := spam.Trained().Samples(); return s }() {
			t.Error("the moderator's decision was not kept for the filter")
		}
	})
}

// A 社情民意 item from a member into a numbered issue, adopted at two levels,
// each adoption in the member's performance record and the year's ranking.
func TestOpinionIntoIssue(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClocked(t, db, 2026, 3, 2)
		sub := func(i int, title string) Opinion {
			o, err := c.svc.SubmitOpinion(c.asMember[i], c.office, ViewMember, OpinionInput{Title: title,
				Content: "近期走访发现,部分老旧小区加装电梯推进缓慢,主要原因是低层住户补偿标准不统一、审批环节多。建议出台统一的补偿指导标准,简化审批流程。"})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		o := sub(0, "老旧小区加装电梯推进难")
		o2 := sub(1, "社区养老服务时间短")
		_, err := c.svc.ReviewOpinion(c.officeCtx, c.office, o.ID, EditInput{Action: "edit", Title: "加装电梯的问题", Content: o.Content})
		storetest.WantErr(t, err, "title", "关于…的建议")
		o = c.okOpinion(c.svc.ReviewOpinion(c.officeCtx, c.office, o.ID, EditInput{Action: "edit", Title: "关于加快老旧小区加装电梯的建议", Content: o.Content + "(核稿)"}))
		if o.Original == o.Content || o.State != "edited" {
			t.Errorf("the original is not kept: %+v", o)
		}
		_, err = c.svc.Compile(c.officeCtx, c.office, IssueInput{CommitteeID: c.c.ID, Mode: "combined", Title: "综合", Signer: "张主任", Items: []int64{o.ID}})
		storetest.WantErr(t, err, "items", "至少选两篇")
		_, err = c.svc.Compile(c.officeCtx, c.office, IssueInput{CommitteeID: c.c.ID, Mode: "single", Signer: "张主任", Items: []int64{o2.ID}})
		storetest.WantErr(t, err, "items", "核稿后")
		is, err := c.svc.Compile(c.officeCtx, c.office, IssueInput{CommitteeID: c.c.ID, Mode: "single", Signer: "张主任", Items: []int64{o.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if is.Label != "2026年第1期" || len(is.Items) != 1 {
			t.Errorf("issue %+v", is)
		}
		if _, err := c.svc.Forward(c.officeCtx, c.office, c.c.ID, is.ID, "省政协办公厅"); err != nil {
			t.Fatal(err)
		}
		c.okOpinion(c.svc.Adopt(c.officeCtx, c.office, o.ID, AdoptionInput{Level: "city", Kind: "adopted"}))
		c.okOpinion(c.svc.Adopt(c.officeCtx, c.office, o.ID, AdoptionInput{Level: "province", Kind: "instruction", By: "副省长", Text: "请住建厅研究"}))
		_, err = c.svc.Adopt(c.officeCtx, c.office, o2.ID, AdoptionInput{Level: "city", Kind: "adopted"})
		storetest.WantErr(t, err, "", "编入专刊")

		rec, err := c.svc.Record(c.asMember[0], c.office, ViewMember, 0, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Counts["opinion"] != 1 || rec.Counts["opinion_adopted"] != 1 || rec.Counts["opinion_instruction"] != 1 {
			t.Errorf("the record counts %v", rec.Counts)
		}
		if want := DefaultPoints["opinion"].Points + DefaultPoints["opinion_adopted"].Points + DefaultPoints["opinion_instruction"].Points; rec.Points != want {
			t.Errorf("record points %d, want %d", rec.Points, want)
		}
		rank, err := c.svc.Ranking(c.ctx, c.office, c.c.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if rank[0].Member.ID != c.members[0].ID || rank[0].Points != rec.Points {
			t.Errorf("the ranking's first line %+v, record %d", rank[0], rec.Points)
		}
		got := c.publicFigures()
		for k, n := range map[string]int64{"o:submitted": 2, "o:st:compiled": 1, "o:issue": 1, "o:adopted": 1, "o:adopted:city": 1, "o:instruction": 1, "o:instruction:province": 1} {
			if got[k] != n {
				t.Errorf("figure %s = %d, want %d (%v)", k, got[k], n, got)
			}
		}
		is, _ = c.svc.Issue(c.ctx, c.office, c.c.ID, is.ID)
		var buf bytes.Buffer
		if err := c.svc.WriteIssue(&buf, c.c, is); err != nil {
			t.Fatal(err)
		}
		body := docxtest.Body(t, buf.Bytes())
		for _, want := range []string{"社情民意专刊", "2026年第1期", "关于加快老旧小区加装电梯的建议", "(核稿)", "反映人:李明", "签发人:张主任", "省政协办公厅"} {
			if !strings.Contains(body, want) {
				t.Errorf("the issue's .docx lacks %q", want)
			}
		}
	})
}

func (c *clocked) okOpinion(o Opinion, err error) Opinion {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	return o
}

// An anonymous letter is never linked as a repeat of a named one, nor a
// named one of an anonymous one: the link would name the anonymous sender
// to the office (issue 26, point 9). Among letters of one kind the same
// text is still a repeat.
func TestAnonymousNeverLinkedToNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClocked(t, db, 2026, 4, 16)
		in := CaseInput{CommitteeID: c.c.ID, Box: "public", Title: "建议增加公交班次", Content: "建议十二路公交晚高峰增加班次,等车时间太长,上班族意见很大。",
			Name: "钱学文", Phone: "13912345678"}
		submit := func(in CaseInput) Case {
			t.Helper()
			rc, err := c.svc.SubmitPublic(c.ctx, in, nil)
			if err != nil {
				t.Fatal(err)
			}
			return rc.Case
		}
		linked := func(x Case) string {
			if x.DuplicateOf == nil {
				return "none"
			}
			return strconv.FormatInt(*x.DuplicateOf, 10)
		}
		named := submit(in)
		anon := in
		anon.Anonymous = true
		first := submit(anon)
		if first.DuplicateOf != nil {
			t.Errorf("an anonymous letter linked to letter %d (the named one is %d)", *first.DuplicateOf, named.ID)
		}
		second := submit(anon)
		if second.DuplicateOf == nil || *second.DuplicateOf != first.ID {
			t.Errorf("an anonymous repeat of an anonymous letter: linked to %s, want %d", linked(second), first.ID)
		}
		other := in
		other.Name, other.Phone = "孙丽华", "13700001111"
		again := submit(other)
		if again.DuplicateOf == nil || *again.DuplicateOf != named.ID {
			t.Errorf("a named repeat: linked to %s, want the named letter %d", linked(again), named.ID)
		}
	})
}

// The office's overdue lists say who is late: a unit's part past its date
// with the unit, the date and the days; a letter with the date its clock
// runs to and the days past it. A letter held as spam is no one's late work.
func TestOverdueSaysWhoIsLate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClocked(t, db, 2026, 3, 2)
		filter := spam.Trained()
		held, err := c.svc.SubmitPublic(c.ctx, CaseInput{CommitteeID: c.c.ID, Box: "public", Anonymous: true, Title: "澳門新葡京官方網站",
			Content: "註冊就送38元彩金,首充返水,加 威 信 xpj8888 領取,www.xpj888.vip"}, filter)
		if err != nil || !held.Case.Held {
			t.Fatalf("spam not held: %+v %v", held.Case, err)
		}
		p := c.ok(c.svc.Submit(c.asMember[0], c.office, c.draft(false).ID))
		p = c.ok(c.svc.Review(c.officeCtx, c.office, p.ID, ReviewInput{Action: "file"}))
		p = c.ok(c.svc.Assign(c.officeCtx, c.office, p.ID, AssignInput{Lead: c.lead.ID, Co: []int64{c.co.ID}}))
		lead := p.Parts[0]
		for _, x := range p.Parts {
			if x.UnitID == c.lead.ID {
				lead = x
			}
		}
		// The co-unit answers; the lead unit does not, and its date passes.
		c.ok(c.svc.Opinion(c.officeCtx, c.unitScope(c.co), c.partOf(p, c.co), "同意主办单位的意见,资金由财政统筹。"))
		c.day = lead.DueOn.AddDate(0, 0, 10).Time().Add(2 * time.Hour)
		// A letter of today, its clock running.
		genuine, err := c.svc.SubmitPublic(c.ctx, CaseInput{CommitteeID: c.c.ID, Box: "public", Title: "建议增加公交班次", Content: "建议十二路公交晚高峰增加班次,等车时间太长。", Anonymous: true}, filter)
		if err != nil || genuine.Case.Held {
			t.Fatalf("a genuine letter: %+v %v", genuine.Case, err)
		}

		late, err := c.svc.LateParts(c.ctx, c.office, c.c.ID, store.Page{Number: 1, Size: 20})
		if err != nil || late.Total != 1 || len(late.Items) != 1 {
			t.Fatalf("late parts %+v %v", late, err)
		}
		if x := late.Items[0]; x.UnitName != c.lead.Name || x.Days != 10 || x.DueOn.String() != lead.DueOn.String() || x.Title != p.Title || x.Number != "第1号" {
			t.Errorf("the late part reads %+v, want %s, due %s, 10 days", x, c.lead.Name, lead.DueOn.Chinese())
		}
		if _, err := c.svc.LateParts(c.ctx, store.ScopeOf(c.other.Path), c.c.ID, store.Page{Number: 1, Size: 20}); err == nil {
			if l, _ := c.svc.LateParts(c.ctx, store.ScopeOf(c.other.Path), c.c.ID, store.Page{Number: 1, Size: 20}); l.Total != 0 {
				t.Errorf("another committee's office sees the late parts: %+v", l)
			}
		}
		f, _ := c.svc.Figures(c.ctx, c.office, c.c.ID, Period{202601, 202612}, false)
		if f.Overdue != late.Total {
			t.Errorf("the tab counts %d, the list holds %d", f.Overdue, late.Total)
		}

		pf, err := c.svc.PublicFigures(c.ctx, c.office, c.c.ID, Period{202601, 202612})
		if err != nil || pf.Overdue != 0 {
			t.Errorf("overdue letters %d (%v), want 0: a held letter is not late work", pf.Overdue, err)
		}
		all, err := c.svc.Cases(c.ctx, c.office, ViewOffice, CaseFilter{CommitteeID: c.c.ID}, store.Page{Number: 1, Size: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range all.Items {
			switch {
			case x.ID == held.Case.ID && (x.DueOn != nil || x.Overdue):
				t.Errorf("a held letter shows a date to keep: %+v", x.DueOn)
			case x.ID == genuine.Case.ID && (x.DueOn == nil || x.Overdue):
				t.Errorf("a letter in hand shows no date, or is late: %+v %v", x.DueOn, x.Overdue)
			}
		}
		l, err := c.svc.Cases(c.ctx, c.office, ViewOffice, CaseFilter{CommitteeID: c.c.ID, Overdue: true}, store.Page{Number: 1, Size: 20})
		if err != nil || l.Total != 0 {
			t.Errorf("overdue letters listed %+v %v", l.Items, err)
		}
		// Released, the held letter's clock is the office's again, and late.
		c.okCase(c.svc.Decide(c.officeCtx, c.office, held.Case.ID, CaseAction{Action: "release"}, filter))
		l, err = c.svc.Cases(c.ctx, c.office, ViewOffice, CaseFilter{CommitteeID: c.c.ID, Overdue: true}, store.Page{Number: 1, Size: 20})
		if err != nil || l.Total != 1 || l.Items[0].ID != held.Case.ID || l.Items[0].DueOn == nil || l.Items[0].DaysOverdue <= 0 {
			t.Fatalf("the released letter, late: %+v %v", l.Items, err)
		}
		if want := clock.Between(*l.Items[0].DueOn, date.Of(c.day)); l.Items[0].DaysOverdue != want {
			t.Errorf("days overdue %d, want %d", l.Items[0].DaysOverdue, want)
		}
		storetest.NoMismatch(t, db)
	})
}
