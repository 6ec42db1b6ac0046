package forum

import (
	"strings"
	"testing"
	"time"

	"dangjian/internal/committee/committeetest"
	"dangjian/internal/cppcc/cppcctest"
	"dangjian/internal/letters"
	"dangjian/internal/spam"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// fixture is the committees of cppcctest with the letters and the forum on their core.
type fixture struct {
	*cppcctest.Fixture
	letters *letters.Service
	svc     *Service
}

func newFixture(t *testing.T, db *store.DB, y int, m time.Month, d int) *fixture {
	f := cppcctest.New(t, db, y, m, d)
	l := &letters.Service{Service: f.Core}
	return &fixture{Fixture: f, letters: l, svc: &Service{Service: f.Core, Letters: l}}
}

// The forum: a published letter, comments (spam and repeats held), support
// and ratings once a visitor, reports that hide an item and tell its author,
// and moderation that keeps the original.
func TestForum(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newFixture(t, db, 2026, 3, 2)
		filter := spam.Trained()
		private, _ := c.letters.SubmitPublic(c.Ctx, letters.CaseInput{CommitteeID: c.C.ID, Box: "public", Title: "建议延长图书馆开放时间", Content: "建议市图书馆周末延长开放到晚上九点,方便上班族。",
			Name: "周敏", Phone: "13600002222"}, filter)
		open, _ := c.letters.SubmitPublic(c.Ctx, letters.CaseInput{CommitteeID: c.C.ID, Box: "public", Title: "建议增设口袋公园", Content: "建议在老城区利用边角地建设口袋公园,方便居民就近休闲。",
			Name: "吴刚", Phone: "13600003333", PublicOK: true}, filter)
		for _, id := range []int64{private.Case.ID, open.Case.ID} {
			committeetest.OK(c.letters.Decide(c.OfficeCtx, c.Office, id, letters.CaseAction{Action: "accept"}, filter))(t)
			committeetest.OK(c.letters.Decide(c.OfficeCtx, c.Office, id, letters.CaseAction{Action: "route", Route: "refer", UnitID: c.Lead.ID}, filter))(t)
			committeetest.OK(c.letters.Handle(c.OfficeCtx, store.ScopeOf(c.Lead.Path), id, letters.CaseAction{Action: "reply", Text: "已纳入今年城市更新计划。"}))(t)
		}
		_, err := c.svc.Publish(c.OfficeCtx, c.Office, private.Case.ID)
		storetest.WantErr(t, err, "", "没有同意公开")
		p, err := c.svc.Publish(c.OfficeCtx, c.Office, open.Case.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Author != "匿名" {
			t.Errorf("a name shown without consent: %q", p.Author)
		}
		good, err := c.svc.AddComment(c.Ctx, c.C.ID, p.ID, CommentInput{Body: "支持这个建议,我们小区旁边就有一块空地。"}, filter)
		if err != nil || good.Comment.State != Published {
			t.Fatalf("a genuine comment %+v %v", good, err)
		}
		bad, err := c.svc.AddComment(c.Ctx, c.C.ID, p.ID, CommentInput{Author: "美女", Body: "同城上门服务,加 薇 信 abc12345 看福利视频"}, filter)
		if err != nil || bad.Comment.State != Held || bad.Code == "" {
			t.Fatalf("a spam comment %+v %v", bad, err)
		}
		dup, _ := c.svc.AddComment(c.Ctx, c.C.ID, p.ID, CommentInput{Body: "支持这个建议,我们小区旁边就有一块空地!"}, filter)
		if dup.Comment.State != Held {
			t.Errorf("a repeated comment is not held: %+v", dup.Comment)
		}
		if _, err := c.svc.Vote(c.Ctx, c.C.ID, p.ID, "v1", "support", 1); err != nil {
			t.Fatal(err)
		}
		_, err = c.svc.Vote(c.Ctx, c.C.ID, p.ID, "v1", "support", 1)
		storetest.WantErr(t, err, "", "已经支持过")
		p, _ = c.svc.Vote(c.Ctx, c.C.ID, p.ID, "v2", "rating", 4)
		if p.Supports != 1 || p.Ratings != 1 || p.Rating != 4 || len(p.Comments) != 1 {
			t.Errorf("post after votes %+v", p)
		}
		for i, v := range []string{"r1", "r2", "r3"} {
			if err := c.svc.Report(c.Ctx, c.C.ID, "comment", good.Comment.ID, v); err != nil {
				t.Fatalf("report %d: %v", i, err)
			}
		}
		cm, notices, err := c.svc.CommentByCode(c.Ctx, good.Code)
		if err != nil || cm.State != Hidden || len(notices) == 0 || !strings.Contains(notices[len(notices)-1].Note, "被举报 3 次") {
			t.Errorf("the comment's author reads %+v %+v %v", cm, notices, err)
		}
		if p, _ := c.svc.Post(c.Ctx, c.C.ID, p.ID); len(p.Comments) != 0 {
			t.Errorf("a hidden comment is shown: %+v", p.Comments)
		}
		queue, _, err := c.svc.Queue(c.Ctx, c.Office, c.C.ID)
		if err != nil || len(queue) != 3 {
			t.Fatalf("queue %+v %v", queue, err)
		}
		if err := c.svc.Moderate(c.OfficeCtx, c.Office, c.C.ID, "comment", bad.Comment.ID, ModerateInput{Action: "remove", Spam: true}, filter); err != nil {
			t.Fatal(err)
		}
		if err := c.svc.Moderate(c.OfficeCtx, c.Office, c.C.ID, "comment", good.Comment.ID, ModerateInput{Action: "moderate", Body: "支持这个建议。"}, filter); err != nil {
			t.Fatal(err)
		}
		if err := c.svc.Moderate(c.OfficeCtx, c.Office, c.C.ID, "comment", dup.Comment.ID, ModerateInput{Action: "release"}, filter); err != nil {
			t.Fatal(err)
		}
		q, _, _ := c.svc.Queue(c.Ctx, c.Office, c.C.ID)
		if len(q) != 0 {
			t.Errorf("queue after moderation %+v", q)
		}
		var original string
		if err := db.QueryRowContext(c.Ctx, "SELECT original FROM forum_comments WHERE id = $1", good.Comment.ID).Scan(&original); err != nil || !strings.Contains(original, "空地") {
			t.Errorf("the original is not kept: %q %v", original, err)
		}
		if err := c.svc.Moderate(c.Ctx, store.ScopeOf(c.Other.Path), c.C.ID, "comment", good.Comment.ID, ModerateInput{Action: "remove"}, filter); err == nil {
			t.Error("another committee's office moderated the forum")
		}
		got := c.PublicFigures(letters.Recount, Recount)
		for k, n := range map[string]int64{"f:post": 1, "f:comment": 3, "f:comment:published": 2, "f:comment:removed": 1, "f:was_held": 2, "f:released": 1} {
			if got[k] != n {
				t.Errorf("figure %s = %d, want %d (%v)", k, got[k], n, got)
			}
		}
	})
}
