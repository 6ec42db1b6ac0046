package opinion

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"dangjian/internal/cppcc"
	"dangjian/internal/cppcc/cppcctest"
	"dangjian/internal/report/docxtest"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// fixture is the committees of cppcctest with the 社情民意 on their core.
type fixture struct {
	*cppcctest.Fixture
	svc *Service
}

func newFixture(t *testing.T, db *store.DB, y int, m time.Month, d int) *fixture {
	f := cppcctest.New(t, db, y, m, d)
	return &fixture{Fixture: f, svc: &Service{Service: f.Core}}
}

// A 社情民意 item from a member into a numbered issue, adopted at two levels,
// each adoption counted in the committee's figures.
func TestOpinionIntoIssue(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newFixture(t, db, 2026, 3, 2)
		sub := func(i int, title string) Opinion {
			o, err := c.svc.SubmitOpinion(c.AsMember[i], c.Office, cppcc.ViewMember, Input{Title: title,
				Content: "近期走访发现,部分老旧小区加装电梯推进缓慢,主要原因是低层住户补偿标准不统一、审批环节多。建议出台统一的补偿指导标准,简化审批流程。"})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		o := sub(0, "老旧小区加装电梯推进难")
		o2 := sub(1, "社区养老服务时间短")
		_, err := c.svc.ReviewOpinion(c.OfficeCtx, c.Office, o.ID, EditInput{Action: "edit", Title: "加装电梯的问题", Content: o.Content})
		storetest.WantErr(t, err, "title", "关于…的建议")
		o = c.okOpinion(c.svc.ReviewOpinion(c.OfficeCtx, c.Office, o.ID, EditInput{Action: "edit", Title: "关于加快老旧小区加装电梯的建议", Content: o.Content + "(核稿)"}))
		if o.Original == o.Content || o.State != Edited {
			t.Errorf("the original is not kept: %+v", o)
		}
		_, err = c.svc.Compile(c.OfficeCtx, c.Office, IssueInput{CommitteeID: c.C.ID, Mode: "combined", Title: "综合", Signer: "张主任", Items: []int64{o.ID}})
		storetest.WantErr(t, err, "items", "至少选两篇")
		_, err = c.svc.Compile(c.OfficeCtx, c.Office, IssueInput{CommitteeID: c.C.ID, Mode: "single", Signer: "张主任", Items: []int64{o2.ID}})
		storetest.WantErr(t, err, "items", "核稿后")
		is, err := c.svc.Compile(c.OfficeCtx, c.Office, IssueInput{CommitteeID: c.C.ID, Mode: "single", Signer: "张主任", Items: []int64{o.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if is.Label != "2026年第1期" || len(is.Items) != 1 {
			t.Errorf("issue %+v", is)
		}
		if _, err := c.svc.Forward(c.OfficeCtx, c.Office, c.C.ID, is.ID, "省政协办公厅"); err != nil {
			t.Fatal(err)
		}
		c.okOpinion(c.svc.Adopt(c.OfficeCtx, c.Office, o.ID, AdoptionInput{Level: "city", Kind: "adopted"}))
		c.okOpinion(c.svc.Adopt(c.OfficeCtx, c.Office, o.ID, AdoptionInput{Level: "province", Kind: "instruction", By: "副省长", Text: "请住建厅研究"}))
		_, err = c.svc.Adopt(c.OfficeCtx, c.Office, o2.ID, AdoptionInput{Level: "city", Kind: "adopted"})
		storetest.WantErr(t, err, "", "编入专刊")

		got := c.PublicFigures(Recount)
		for k, n := range map[string]int64{"o:submitted": 2, "o:st:compiled": 1, "o:issue": 1, "o:adopted": 1, "o:adopted:city": 1, "o:instruction": 1, "o:instruction:province": 1} {
			if got[k] != n {
				t.Errorf("figure %s = %d, want %d (%v)", k, got[k], n, got)
			}
		}
		is, _ = c.svc.Issue(c.Ctx, c.Office, c.C.ID, is.ID)
		var buf bytes.Buffer
		if err := c.svc.WriteIssue(&buf, c.C, is); err != nil {
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

func (c *fixture) okOpinion(o Opinion, err error) Opinion {
	c.T.Helper()
	if err != nil {
		c.T.Fatal(err)
	}
	return o
}
