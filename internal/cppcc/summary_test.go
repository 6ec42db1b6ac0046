package cppcc

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/report/docxtest"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestProposalDocuments: a proposal's 交办函 names its units, their parts
// and dates, and carries the proposal; the lead's 答复函 carries its reply,
// class and contact; the committee's summary figures equal its figures,
// and each figure's list, kept to the same months, holds as many rows.
func TestProposalDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID))
		var buf bytes.Buffer
		if err := WriteAssignLetter(&buf, f.c, p); err == nil || apperr.IsNotFound(err) || !strings.Contains(err.Error(), "交办") {
			t.Fatalf("a letter of assignment before the assignment: %v", err)
		}
		p = f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
		p = f.ok(f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.lead.ID, Co: []int64{f.co.ID}}))
		buf.Reset()
		if err := WriteAssignLetter(&buf, f.c, p); err != nil {
			t.Fatal(err)
		}
		body := docxtest.Body(t, buf.Bytes())
		lead := p.Parts[0]
		for _, want := range []string{"关于交办江城市政协十四届四次会议第1号提案的函", "江城市发展和改革委员会、江城市财政局:",
			"由江城市发展和改革委员会主办,江城市财政局会办", lead.DueOn.Chinese() + "前书面答复", lead.ObjectBy.Chinese() + "前向本委员会说明理由",
			"主办单位答复前应征求会办单位意见", p.Title, "老旧小区改造涉及面广", "江城市政协提案委员会", `<w:jc w:val="right"></w:jc>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the letter of assignment lacks %q", want)
			}
		}
		if err := WriteReplyLetter(&buf, f.c, p, f.lead.ID); !apperr.IsNotFound(err) {
			t.Fatalf("a reply letter before the reply: %v", err)
		}
		f.ok(f.svc.Opinion(f.ctx, f.unitScope(f.co), f.partOf(p, f.co), "同意安排专项资金。"))
		p = f.ok(f.svc.Reply(f.ctx, f.unitScope(f.lead), f.partOf(p, f.lead), ReplyInput{Class: "A", Text: "资金已落实。\n明年开工。", Contact: "visit"}))
		buf.Reset()
		if err := WriteReplyLetter(&buf, f.c, p, f.lead.ID); err != nil {
			t.Fatal(err)
		}
		body = docxtest.Body(t, buf.Bytes())
		for _, want := range []string{"关于江城市政协十四届四次会议第1号提案的答复", "李明委员:", "您提出的《" + p.Title + "》收悉", "资金已落实。", "明年开工。",
			"A类(所提问题已经解决或采纳)", "走访面商", "江城市发展和改革委员会", "2026年3月2日"} {
			if !strings.Contains(body, want) {
				t.Errorf("the reply letter lacks %q", want)
			}
		}

		figs, err := f.svc.SummaryFigures(f.ctx, f.office, f.c.ID, "2026-01", "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		counts, err := f.svc.Figures(f.ctx, f.office, f.c.ID, Period{202601, 202612}, false)
		if err != nil {
			t.Fatal(err)
		}
		for key, count := range map[string]string{"提出提案": "submitted", "立案": "filed", "A类答复": "class:A", "闭会期间提出": "time:between"} {
			if got, want := figs[key].Text, counts.Counts[count]; got != fmt.Sprint(want) {
				t.Errorf("summary figure %s = %s, the committee's figure %d", key, got, want)
			}
			if !strings.Contains(figs[key].Href, "from=2026-01&to=2026-12") {
				t.Errorf("figure %s links to %s, not to the same months", key, figs[key].Href)
			}
		}
		if figs["提出提案"].Text != "1" || figs["A类答复"].Text != "1" {
			t.Fatalf("summary figures: %+v", figs)
		}
		in := func(pd Period) int64 {
			l, err := f.svc.List(f.ctx, f.office, ViewOffice, Filter{CommitteeID: f.c.ID, Months: pd}, store.Page{Size: 10})
			if err != nil {
				t.Fatal(err)
			}
			return l.Total
		}
		if in(Period{202601, 202612}) != 1 || in(Period{202501, 202512}) != 0 {
			t.Fatalf("the list kept to the months: %d this year, %d last year", in(Period{202601, 202612}), in(Period{202501, 202512}))
		}
		last, err := f.svc.SummaryFigures(f.ctx, f.office, f.c.ID, "2025-01", "2025-12")
		if err != nil || last["提出提案"].Text != "0" {
			t.Fatalf("last year's summary: %v %+v", err, last["提出提案"])
		}
		if _, err := f.svc.SummaryFigures(f.ctx, f.office, f.c.ID, "2026-12", "2026-01"); err == nil || !strings.Contains(err.Error(), "起始月份不晚于截止月份") {
			t.Fatalf("a period backwards: %v", err)
		}
		if _, err := f.svc.SummaryFigures(f.ctx, f.office, f.other.ID, "2026-01", "2026-12"); !apperr.IsNotFound(err) {
			t.Fatalf("the other committee's summary from this office: %v", err)
		}
	})
}

// TestPartyCommittee: a summary's opening names the Party committee its
// committee works under, read from the committee's name however it is
// written; a locality that does not shorten is written in full.
func TestPartyCommittee(t *testing.T) {
	for name, want := range map[string]string{
		"江城市政协":    "中共江城市委",
		"江南省政协":    "中共江南省委",
		"政协滨江区委员会": "中共滨江区委",
		"中国人民政治协商会议青山县委员会": "中共青山县委",
		"政协延边朝鲜族自治州委员会":    "中共延边朝鲜族自治州委",
		"广西壮族自治区政协":        "中共广西壮族自治区委员会",
		"江城政协":             "中共江城委员会",
		"全国政协":             "中共中央",
	} {
		c := committee.Committee{Name: name, Level: "city"}
		if got := c.PartyCommittee(); got != want {
			t.Errorf("%s works under %s, not %s", name, got, want)
		}
		if s := SummaryDraft(c, "2026-01", "2026-12", nil); !strings.Contains(s.Opening, "2026年,"+name+"在"+want+"的领导下") {
			t.Errorf("the opening of %s: %s", name, s.Opening)
		}
	}
	if got := (committee.Committee{Name: "全国政协", Level: "national"}).PartyCommittee(); got != "中共中央" {
		t.Errorf("the national committee works under %s", got)
	}
	own := SummaryDraft(committee.Committee{Name: "江城市政协"}, "2026-01", "2026-12", map[string]string{"proposals": "共提出提案〔submitted〕件,立案〔filed〕件。"})
	if got := own.Sections[0].Paragraphs[0]; got != "共提出提案〔提出提案〕件,立案〔立案〕件。" {
		t.Errorf("an older template reads %s", got)
	}
}
