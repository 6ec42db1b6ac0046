package duties

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"dangjian/internal/cppcc"
	"dangjian/internal/cppcc/cppcctest"
	"dangjian/internal/date"
	"dangjian/internal/report/docxtest"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// fixture is the committees of cppcctest with the duties on their core.
type fixture struct {
	*cppcctest.Fixture
	svc *Service
}

func newFixture(t *testing.T, db *store.DB, y int, m time.Month, d int) *fixture {
	f := cppcctest.New(t, db, y, m, d)
	return &fixture{Fixture: f, svc: &Service{Service: f.Core}}
}

// A committee's meetings as E4's summary counts them: a chair meeting with
// the members present, on leave and absent (each in the member's record),
// its documents, and the 《政协简报》 numbered through the year, one issue
// reporting the meeting; the figures move with each and equal a recount.
func TestMeetingsAndBriefs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 2026, 3, 2)
		a, err := f.svc.RecordActivity(f.OfficeCtx, f.Office, ActivityInput{CommitteeID: f.C.ID, Kind: "chair", Title: "十四届政协第二十次主席会议", HeldOn: date.New(2026, 2, 26),
			Minutes: "会议听取了重点提案督办情况的汇报。", Present: []int64{f.Members[0].ID, f.Members[1].ID}, Leave: []int64{f.Members[2].ID}})
		if err != nil {
			t.Fatal(err)
		}
		if a.KindLabel != "主席会议" || len(a.Attendance) != 3 {
			t.Fatalf("the meeting reads %+v", a)
		}
		if _, err := f.svc.RecordActivity(f.OfficeCtx, f.Office, ActivityInput{CommitteeID: f.C.ID, Kind: "topic_deliberation", Title: "优化营商环境专题议政会",
			HeldOn: date.New(2026, 3, 1), Absent: []int64{f.Members[1].ID}}); err != nil {
			t.Fatal(err)
		}
		got := f.Figures(Recount)
		for k, want := range map[string]int64{"act:chair": 1, "act:topic_deliberation": 1, "attend:present": 2, "attend:leave": 1, "attend:absent": 1, "brief": 0} {
			if got[k] != want {
				t.Errorf("%s = %d, want %d", k, got[k], want)
			}
		}
		rec, err := f.svc.Record(f.Ctx, f.Office, cppcc.ViewOffice, f.Members[0].ID, 2026)
		if err != nil || rec.Counts["chair"] != 1 {
			t.Errorf("the chair meeting is not in the member's record: %+v %v", rec.Counts, err)
		}

		// The meeting's documents: checked by their first bytes, read back in scope only.
		pdf := []byte("%PDF-1.4\n议程")
		if _, err := f.svc.AddActivityFile(f.OfficeCtx, f.Office, a.ID, "议程.pdf", []byte("not a pdf")); err == nil || !strings.Contains(err.Error(), "议程.pdf") {
			t.Errorf("a false PDF: %v", err)
		}
		file, err := f.svc.AddActivityFile(f.OfficeCtx, f.Office, a.ID, "议程.pdf", pdf)
		if err != nil {
			t.Fatal(err)
		}
		if back, data, err := f.svc.ActivityFileData(f.Ctx, f.Office, a.ID, file.ID); err != nil || back.Name != "议程.pdf" || !bytes.Equal(data, pdf) {
			t.Errorf("read back %+v %v", back, err)
		}
		if _, _, err := f.svc.ActivityFileData(f.Ctx, store.ScopeOf(f.Other.Path), a.ID, file.ID); err == nil {
			t.Error("another committee read the meeting's document")
		}
		if a, _ := f.svc.Activity(f.Ctx, f.Office, a.ID); len(a.Files) != 1 {
			t.Errorf("the meeting lists %d documents", len(a.Files))
		}

		// The 简报: numbered through the year, refused without what it needs.
		_, err = f.svc.IssueBrief(f.OfficeCtx, f.Office, BriefInput{CommitteeID: f.C.ID, Title: "简报", Content: "短"})
		storetest.WantErr(t, err, "title", "4 到 60 字")
		_, err = f.svc.IssueBrief(f.OfficeCtx, f.Office, BriefInput{CommitteeID: f.C.ID, Title: "市政协召开主席会议", Content: strings.Repeat("会议研究了重点提案督办工作。", 3), Signer: "王主席",
			ActivityID: a.ID, IssuedOn: date.New(2026, 3, 3)})
		storetest.WantErr(t, err, "issued_on", "不能晚于今天")
		first, err := f.svc.IssueBrief(f.OfficeCtx, f.Office, BriefInput{CommitteeID: f.C.ID, Title: "市政协召开主席会议", Content: strings.Repeat("会议研究了重点提案督办工作。", 3), Signer: "王主席", ActivityID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.svc.IssueBrief(f.OfficeCtx, f.Office, BriefInput{CommitteeID: f.C.ID, Title: "委员视察老旧小区改造", Content: strings.Repeat("委员们实地察看了改造进展。", 3), Signer: "王主席"})
		if err != nil {
			t.Fatal(err)
		}
		if first.Label != "2026年第1期" || second.Label != "2026年第2期" || first.ActivityTitle != a.Title {
			t.Errorf("numbered %s, %s; reporting %q", first.Label, second.Label, first.ActivityTitle)
		}
		other, err := f.svc.IssueBrief(f.Ctx, store.ScopeOf(f.Other.Path), BriefInput{CommitteeID: f.Other.ID, Title: "河西市政协简报", Content: strings.Repeat("河西市政协召开常委会议。", 3), Signer: "李主席"})
		if err != nil || other.Number != 1 {
			t.Fatalf("the other committee's own series: %+v %v", other, err)
		}
		if _, err := f.svc.IssueBrief(f.OfficeCtx, f.Office, BriefInput{CommitteeID: f.C.ID, Title: "借用他人会议", Content: strings.Repeat("不应引用其他政协的会议。", 3), Signer: "王主席",
			ActivityID: func() int64 {
				l, _ := f.svc.Activities(f.Ctx, store.ScopeOf(f.Other.Path), f.Other.ID, ActivityFilter{}, store.Page{Number: 1, Size: 1})
				if len(l.Items) == 0 {
					x, err := f.svc.RecordActivity(f.Ctx, store.ScopeOf(f.Other.Path), ActivityInput{CommitteeID: f.Other.ID, Kind: "chair", Title: "河西市主席会议", HeldOn: date.New(2026, 2, 1)})
					if err != nil {
						t.Fatal(err)
					}
					return x.ID
				}
				return l.Items[0].ID
			}()}); err == nil {
			t.Error("a 简报 reports another committee's meeting")
		}
		if _, err := f.svc.Brief(f.Ctx, store.ScopeOf(f.Other.Path), f.C.ID, first.ID); err == nil {
			t.Error("another committee read the 简报")
		}
		if got := f.Figures(Recount); got["brief"] != 2 {
			t.Errorf("briefs counted %d, want 2", got["brief"])
		}
		list, err := f.svc.Briefs(f.Ctx, f.Office, f.C.ID, 2026)
		if err != nil || len(list) != 2 || list[0].ID != second.ID {
			t.Errorf("the year's briefs %+v %v", list, err)
		}
		var buf bytes.Buffer
		if err := f.svc.WriteBrief(&buf, f.C, first); err != nil {
			t.Fatal(err)
		}
		body := docxtest.Body(t, buf.Bytes())
		for _, want := range []string{"政协简报", "2026年第1期", "签发人:王主席", "市政协召开主席会议", "会议研究了重点提案督办工作。"} {
			if !strings.Contains(body, want) {
				t.Errorf("the .docx lacks %q", want)
			}
		}
		storetest.NoMismatch(t, db)
	})
}
