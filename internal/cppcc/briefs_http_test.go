package cppcc_test

import (
	"fmt"
	"net/url"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// briefOf is an issue of the 简报 of the target's committee.
func briefOf(m *matrix, t string) int64 {
	if t == "missing" {
		return 999999
	}
	s := m.of(t)
	b, err := m.svc.IssueBrief(m.ctx, store.All, cppcc.BriefInput{CommitteeID: s.c.ID, Title: s.c.Name + "召开主席会议", Content: "会议研究了重点提案督办工作,听取了各专委会的汇报。",
		Signer: "王主席", IssuedOn: date.New(2026, 3, 1)})
	if err != nil {
		m.t.Fatal(err)
	}
	return b.ID
}

// activityFile is the path of a document of an activity of the target's committee.
func activityFile(m *matrix, t string) string {
	a := activity(m, t)
	if t == "missing" {
		return fmt.Sprintf("%d/files/999999", a)
	}
	f, err := m.svc.AddActivityFile(m.ctx, store.All, a, "议程.pdf", []byte("%PDF-1.4\n议程"))
	if err != nil {
		m.t.Fatal(err)
	}
	return fmt.Sprintf("%d/files/%d", a, f.ID)
}

func init() {
	for k, v := range map[string]row{
		"POST /api/v1/cppcc/activities/{id}/files": {perm: auth.PermCppccWrite, want: [3]int{201, 404, 404}, target: func(m *matrix, t string) (string, any) {
			return fmt.Sprintf("/api/v1/cppcc/activities/%d/files?filename=议程.pdf", activity(m, t)), []byte("%PDF-1.4\n议程")
		}},
		"GET /api/v1/cppcc/activities/{id}/files/{file}": {perm: auth.PermCppccRead, want: scoped, target: func(m *matrix, t string) (string, any) {
			return "/api/v1/cppcc/activities/" + activityFile(m, t), nil
		}},
		"POST /api/v1/cppcc/briefs": {perm: auth.PermCppccWrite, want: created, target: func(m *matrix, t string) (string, any) {
			return "/api/v1/cppcc/briefs", map[string]any{"committee_id": committee(m, t), "title": "市政协召开常委会议", "content": "会议协商讨论了年度重点工作,审议通过了有关事项。", "signer": "王主席"}
		}},
		"GET /api/v1/cppcc/committees/{id}/briefs": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/briefs?year=2026", committee)},
		"GET /api/v1/cppcc/committees/{id}/briefs/{brief}": {perm: auth.PermCppccRead, want: scoped, target: func(m *matrix, t string) (string, any) {
			return fmt.Sprintf("/api/v1/cppcc/committees/%d/briefs/%d", committee(m, t), briefOf(m, t)), nil
		}},
		"GET /api/v1/cppcc/committees/{id}/briefs/{brief}/docx": {perm: auth.PermCppccRead, want: scoped, target: func(m *matrix, t string) (string, any) {
			return fmt.Sprintf("/api/v1/cppcc/committees/%d/briefs/%d/docx", committee(m, t), briefOf(m, t)), nil
		}},
	} {
		rows[k] = v
	}
	for k, v := range map[string]pageRow{
		"GET /cppcc/briefs": {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/briefs?committee=%d", committee)},
		"POST /cppcc/briefs": {perm: auth.PermCppccWrite, want: [3]int{303, 400, 400}, target: func(m *matrix, t string) (string, url.Values) {
			return "/cppcc/briefs", url.Values{"committee_id": {fmt.Sprint(committee(m, t))}, "title": {"市政协召开常委会议"}, "content": {"会议协商讨论了年度重点工作,审议通过了有关事项。"}, "signer": {"王主席"}}
		}},
		"GET /cppcc/briefs/{id}": {perm: auth.PermCppccRead, want: pageScoped, target: func(m *matrix, t string) (string, url.Values) {
			return fmt.Sprintf("/cppcc/briefs/%d?committee=%d", briefOf(m, t), committee(m, t)), nil
		}},
		"GET /cppcc/briefs/{id}/docx": {perm: auth.PermCppccRead, want: pageScoped, target: func(m *matrix, t string) (string, url.Values) {
			return fmt.Sprintf("/cppcc/briefs/%d/docx?committee=%d", briefOf(m, t), committee(m, t)), nil
		}},
		"POST /cppcc/activities/{id}/files": {perm: auth.PermCppccWrite, want: [3]int{400, 404, 404}, target: post("/cppcc/activities/%d/files", activity, url.Values{})},
		"GET /cppcc/activities/{id}/files/{file}": {perm: auth.PermCppccRead, want: pageScoped, target: func(m *matrix, t string) (string, url.Values) {
			return "/cppcc/activities/" + activityFile(m, t), nil
		}},
	} {
		pageRows[k] = v
	}
}
