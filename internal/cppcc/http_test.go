package cppcc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/api"
	"dangjian/internal/app"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	committees "dangjian/internal/committee"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/duties"
	"dangjian/internal/library"
	"dangjian/internal/org"
	"dangjian/internal/report/docxtest"
	"dangjian/internal/secret"
	"dangjian/internal/server"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// The permission matrix of the consultative work: every route of the tag
// × the CPPCC roles, an organisation administrator and a visitor × three
// targets (an object of the caller's own committee or unit, one of another
// committee, a missing one), each with the status written here by hand. A
// route of the tag with no row fails the test.

const password = "Tq7#mwLp2xZa"

var clock = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

type side struct {
	c          committees.Committee
	lead, co   committees.Committee
	members    []committees.Member
	memberCtxs []context.Context
}

type matrix struct {
	t    *testing.T
	ctx  context.Context
	svc  *consultation.Services
	auth *auth.Service
	srv  *httptest.Server
	own  side
	oth  side
	seq  int
	tok  map[string]string
	// session is each role's web session and its anti-forgery token.
	session map[string][2]string
	app     *app.App
}

func (m *matrix) side(name string) side {
	t := m.t
	c, err := m.svc.NewCommittee(m.ctx, nil, name, "city")
	if err != nil {
		t.Fatal(err)
	}
	sc := store.ScopeOf(c.Path)
	term, err := m.svc.NewTerm(m.ctx, sc, c.ID, 14, date.New(2022, 1, 1), date.New(2026, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.svc.NewSession(m.ctx, sc, term.ID, 4, date.New(2026, 1, 10), date.New(2026, 1, 14)); err != nil {
		t.Fatal(err)
	}
	s := side{c: c}
	if s.lead, err = m.svc.NewUnit(m.ctx, sc, c.ID, name+"发展改革委"); err != nil {
		t.Fatal(err)
	}
	if s.co, err = m.svc.NewUnit(m.ctx, sc, c.ID, name+"财政局"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		m.seq++
		u, err := m.auth.CreateUser(m.ctx, auth.NewUser{Username: fmt.Sprintf("m%d", m.seq), Password: password})
		if err != nil {
			t.Fatal(err)
		}
		mm, err := m.svc.AddMember(m.ctx, sc, committees.MemberInput{CommitteeID: c.ID, TermID: term.ID, Name: fmt.Sprintf("%s委员%d", name, i), Sex: "女",
			Sector: "教育界", Party: "九三学社", UserID: &u.ID})
		if err != nil {
			t.Fatal(err)
		}
		s.members = append(s.members, mm)
		s.memberCtxs = append(s.memberCtxs, audit.WithActor(m.ctx, audit.Actor{UserID: u.ID, Username: u.Username}))
	}
	return s
}

func (m *matrix) login(name, role string, node *int64, orgID *int64) {
	u, err := m.auth.UserByName(m.ctx, name)
	if err != nil {
		if u, err = m.auth.CreateUser(m.ctx, auth.NewUser{Username: name, Password: password}); err != nil {
			m.t.Fatal(err)
		}
	}
	if _, err := m.auth.AddGrant(m.ctx, store.All, auth.GrantInput{UserID: u.ID, Role: role, CommitteeID: node, OrgID: orgID}); err != nil {
		m.t.Fatal(err)
	}
	tok, _, err := m.auth.CreateToken(m.ctx, u.ID, "matrix", nil)
	if err != nil {
		m.t.Fatal(err)
	}
	m.tok[role] = tok
	session, who, err := m.auth.Login(m.ctx, name, password, "127.0.0.1")
	if err != nil {
		m.t.Fatal(err)
	}
	m.session[role] = [2]string{session, who.CSRF}
}

func (m *matrix) of(target string) side {
	if target == "other" {
		return m.oth
	}
	return m.own
}

// proposal is a proposal of the target's first member in state (draft,
// signing with the second member invited, submitted, filed, handling with
// the lead and co units, replied); 999999 for the missing target.
func (m *matrix) proposal(target, state string) cppcc.Proposal {
	m.t.Helper()
	if target == "missing" {
		return cppcc.Proposal{ID: 999999, Parts: []cppcc.Part{{ID: 999999, Role: "lead"}, {ID: 999999, Role: "co"}}}
	}
	s := m.of(target)
	sc := store.ScopeOf(s.c.Path)
	m.seq++
	in := cppcc.Input{CommitteeID: s.c.ID, Title: fmt.Sprintf("关于矩阵测试的建议%d", m.seq), Category: "其他", Way: "member", Public: true,
		Content: "这是一件用于权限矩阵测试的提案,内容须有二十个字以上才能保存。"}
	by := 0
	if state == "signing" { // the second member asks the first to co-sign
		in.Way, in.CoSigners, by = "joint", []int64{s.members[0].ID}, 1
	}
	p, err := m.svc.Draft(s.memberCtxs[by], sc, cppcc.ViewMember, in)
	steps := []func() (cppcc.Proposal, error){
		func() (cppcc.Proposal, error) { return m.svc.Submit(s.memberCtxs[by], sc, p.ID) },
		func() (cppcc.Proposal, error) {
			return m.svc.Review(m.ctx, sc, p.ID, cppcc.ReviewInput{Action: "file"})
		},
		func() (cppcc.Proposal, error) {
			return m.svc.Assign(m.ctx, sc, p.ID, cppcc.AssignInput{Lead: s.lead.ID, Co: []int64{s.co.ID}})
		},
		func() (cppcc.Proposal, error) {
			if _, err := m.svc.Opinion(m.ctx, store.ScopeOf(s.co.Path), p.Parts[1].ID, "同意"); err != nil {
				return p, err
			}
			return m.svc.Reply(m.ctx, store.ScopeOf(s.lead.Path), p.Parts[0].ID, cppcc.ReplyInput{Class: "A", Text: "已解决", Contact: "phone"})
		},
	}
	n := map[string]int{"draft": 0, "signing": 1, "submitted": 1, "filed": 2, "handling": 3, "replied": 4}[state]
	for _, step := range steps[:n] {
		if err != nil {
			break
		}
		p, err = step()
	}
	if err != nil {
		m.t.Fatal(err)
	}
	return p
}

// part is the lead's (or co's) part of a handling proposal, moved on by how.
func (m *matrix) part(target, role, how string) int64 {
	p := m.proposal(target, "handling")
	x := p.Parts[0]
	if role == "co" {
		x = p.Parts[1]
	}
	if target == "missing" || how == "" {
		return x.ID
	}
	s := m.of(target)
	unit := store.ScopeOf(map[string]string{"lead": s.lead.Path, "co": s.co.Path}[role])
	var err error
	switch how {
	case "objected":
		_, err = m.svc.Object(m.ctx, unit, x.ID, "不属于本单位职责")
	case "extension":
		_, err = m.svc.AskExtension(m.ctx, unit, x.ID, "需要调研", date.New(2026, 7, 1))
	}
	if err != nil {
		m.t.Fatal(err)
	}
	return x.ID
}

type row struct {
	perm   auth.Perm
	want   [3]int // own, other, missing
	target func(m *matrix, target string) (string, any)
}

var (
	scoped = [3]int{200, 404, 404}
	always = [3]int{200, 200, 200}
)

func id(format string, fn func(m *matrix, t string) int64) func(*matrix, string) (string, any) {
	return func(m *matrix, t string) (string, any) { return fmt.Sprintf(format, fn(m, t)), nil }
}

func with(format string, fn func(m *matrix, t string) int64, body any) func(*matrix, string) (string, any) {
	return func(m *matrix, t string) (string, any) { return fmt.Sprintf(format, fn(m, t)), body }
}

func committee(m *matrix, t string) int64 {
	if t == "missing" {
		return 999999
	}
	return m.of(t).c.ID
}

func in(state string) func(m *matrix, t string) int64 {
	return func(m *matrix, t string) int64 { return m.proposal(t, state).ID }
}

func part(role, how string) func(m *matrix, t string) int64 {
	return func(m *matrix, t string) int64 { return m.part(t, role, how) }
}

func fixed(path string) func(*matrix, string) (string, any) {
	return func(*matrix, string) (string, any) { return path, nil }
}

// rows are the API's matrix: the proposals' and the committees' rows, and
// the public channel's and the briefs' beside their tests.
var rows = merged(proposalRows, publicRows, briefRows)

// merged is the rows of every table.
func merged[R any](tables ...map[string]R) map[string]R {
	out := map[string]R{}
	for _, t := range tables {
		maps.Copy(out, t)
	}
	return out
}

// proposalRows are the proposals' and the committees' rows of the API's matrix.
var proposalRows = map[string]row{
	"GET /api/v1/cppcc/steps":                   {perm: auth.PermAuth, want: always, target: fixed("/api/v1/cppcc/steps")},
	"GET /api/v1/cppcc/committees":              {perm: auth.PermCppccRead, want: always, target: fixed("/api/v1/cppcc/committees")},
	"GET /api/v1/cppcc/committees/{id}/figures": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/figures?from=2026-01", committee)},
	"GET /api/v1/cppcc/committees/{id}/members": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/members", committee)},
	"GET /api/v1/cppcc/committees/{id}/units":   {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/units", committee)},
	"POST /api/v1/cppcc/committees/{id}/units": {perm: auth.PermCppccWrite, want: [3]int{201, 404, 404}, target: func(m *matrix, t string) (string, any) {
		m.seq++
		return fmt.Sprintf("/api/v1/cppcc/committees/%d/units", committee(m, t)), map[string]any{"text": fmt.Sprintf("新单位%d", m.seq)}
	}},
	"POST /api/v1/cppcc/members": {perm: auth.PermCppccWrite, want: [3]int{201, 400, 400}, target: func(m *matrix, t string) (string, any) {
		terms, _ := m.svc.Terms(m.ctx, store.All, m.own.c.ID)
		return "/api/v1/cppcc/members", map[string]any{"committee_id": committee(m, t), "term_id": terms[0].ID, "name": "新委员", "sex": "男", "sector": "经济界", "party": "无党派人士"}
	}},
	"POST /api/v1/cppcc/committees": {perm: auth.PermCppccWrite, want: [3]int{201, 400, 400}, target: func(m *matrix, t string) (string, any) {
		m.seq++
		return "/api/v1/cppcc/committees", map[string]any{"parent_id": committee(m, t), "name": fmt.Sprintf("江城市第%d区政协", m.seq), "level": "county"}
	}},
	"GET /api/v1/cppcc/committees/{id}/terms": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/terms", committee)},
	"POST /api/v1/cppcc/committees/{id}/terms": {perm: auth.PermCppccWrite, want: [3]int{201, 404, 404}, target: func(m *matrix, t string) (string, any) {
		m.seq++
		return fmt.Sprintf("/api/v1/cppcc/committees/%d/terms", committee(m, t)), map[string]any{"number": 20 + m.seq%70, "starts_on": "2031-01-01", "ends_on": "2035-12-31"}
	}},
	"POST /api/v1/cppcc/terms/{id}/sessions": {perm: auth.PermCppccWrite, want: [3]int{201, 404, 404}, target: func(m *matrix, t string) (string, any) {
		m.seq++
		term := int64(999999)
		if t != "missing" {
			terms, _ := m.svc.Terms(m.ctx, store.All, m.of(t).c.ID)
			term = terms[len(terms)-1].ID
		}
		return fmt.Sprintf("/api/v1/cppcc/terms/%d/sessions", term), map[string]any{"number": 10 + m.seq%80, "opens_on": "2026-06-01", "closes_on": "2026-06-03"}
	}},
	"POST /api/v1/cppcc/committees/{id}/members/import": {perm: auth.PermCppccWrite, want: scoped, target: func(m *matrix, t string) (string, any) {
		term := int64(0)
		if t != "missing" {
			terms, _ := m.svc.Terms(m.ctx, store.All, m.of(t).c.ID)
			term = terms[len(terms)-1].ID
		}
		return fmt.Sprintf("/api/v1/cppcc/committees/%d/members/import?term=%d&filename=名单.csv", committee(m, t), term), []byte("姓名,性别,界别,党派\n周晓燕,女,教育界,中国民主促进会\n")
	}},
	"GET /api/v1/cppcc/proposals": {perm: auth.PermCppccRead, want: always, target: func(m *matrix, t string) (string, any) {
		return fmt.Sprintf("/api/v1/cppcc/proposals?committee=%d", committee(m, t)), nil
	}},
	"POST /api/v1/cppcc/proposals": {perm: auth.PermCppccWrite, want: [3]int{201, 400, 400}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/cppcc/proposals", map[string]any{"committee_id": committee(m, t), "title": "关于发展职业教育的建议", "category": "其他", "way": "party",
			"proposer_name": "九三学社市委会", "public": true, "content": "职业教育是培养技术技能人才的主渠道,建议加大投入、深化产教融合。", "evaluator_id": m.own.members[0].ID}
	}},
	"GET /api/v1/cppcc/proposals/{id}":                {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/proposals/%d", in("submitted"))},
	"POST /api/v1/cppcc/proposals/{id}/review":        {perm: auth.PermCppccWrite, want: scoped, target: with("/api/v1/cppcc/proposals/%d/review", in("submitted"), map[string]any{"action": "file"})},
	"POST /api/v1/cppcc/proposals/{id}/assign":        {perm: auth.PermCppccWrite, want: scoped, target: func(m *matrix, t string) (string, any) { return assign(m, t) }},
	"POST /api/v1/cppcc/proposals/{id}/close-signing": {perm: auth.PermCppccWrite, want: [3]int{409, 404, 404}, target: id("/api/v1/cppcc/proposals/%d/close-signing", in("signing"))},
	"POST /api/v1/cppcc/proposals/{id}/close":         {perm: auth.PermCppccWrite, want: [3]int{409, 404, 404}, target: id("/api/v1/cppcc/proposals/%d/close", in("replied"))},
	"POST /api/v1/cppcc/parts/{id}/objection":         {perm: auth.PermCppccWrite, want: scoped, target: with("/api/v1/cppcc/parts/%d/objection", part("lead", "objected"), map[string]any{"unit_id": 0})},
	"POST /api/v1/cppcc/parts/{id}/extension":         {perm: auth.PermCppccWrite, want: scoped, target: with("/api/v1/cppcc/parts/%d/extension", part("lead", "extension"), map[string]any{"grant": true})},

	"POST /api/v1/cppcc/proposals/{id}/key":        {perm: auth.PermCppccLead, want: scoped, target: with("/api/v1/cppcc/proposals/%d/key", in("filed"), map[string]any{"text": "王副主席"})},
	"POST /api/v1/cppcc/parts/{id}/remind":         {perm: auth.PermCppccWrite, want: scoped, target: with("/api/v1/cppcc/parts/%d/remind", part("lead", ""), map[string]any{"text": "请加快办理"})},
	"GET /api/v1/cppcc/committees/{id}/activities": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/activities?year=2026", committee)},
	"POST /api/v1/cppcc/activities": {perm: auth.PermCppccWrite, want: [3]int{201, 400, 400}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/cppcc/activities", map[string]any{"committee_id": committee(m, t), "kind": "inspection", "title": "视察城市更新", "held_on": "2026-03-01"}
	}},
	"GET /api/v1/cppcc/activities/{id}": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/activities/%d", activity)},
	"POST /api/v1/cppcc/activities/{id}/instructions": {perm: auth.PermCppccWrite, want: scoped, target: with("/api/v1/cppcc/activities/%d/instructions", activity,
		map[string]any{"by": "市长", "on": "2026-03-01", "text": "请研究落实"})},
	"GET /api/v1/cppcc/committees/{id}/performance": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/performance?year=2026", committee)},
	"GET /api/v1/cppcc/members/{id}/record":         {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/members/%d/record", memberOf)},
	"GET /api/v1/cppcc/me/record":                   {perm: auth.PermCppccSelf, want: always, target: fixed("/api/v1/cppcc/me/record?year=2026")},
	"PUT /api/v1/cppcc/committees/{id}/rules": {perm: auth.PermCppccWrite, want: scoped, target: with("/api/v1/cppcc/committees/%d/rules", committee,
		map[string]any{"sign_days": 5, "object_days": 7, "opinion_months": 1, "reply_months": 3, "max_months": 6, "evaluate_days": 30, "rehandles": 1})},
	"PUT /api/v1/cppcc/committees/{id}/lists/{list}": {perm: auth.PermCppccWrite, want: scoped, target: with("/api/v1/cppcc/committees/%d/lists/category", committee,
		map[string]any{"names": []string{"经济建设", "社会建设", "其他"}})},
	"GET /api/v1/cppcc/committees/{id}/honours": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/honours?year=2026", committee)},
	"POST /api/v1/cppcc/honours": {perm: auth.PermCppccWrite, want: [3]int{201, 400, 400}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/cppcc/honours", map[string]any{"committee_id": committee(m, t), "year": 2026, "kind": "active_member", "member_id": memberOf(m, t)}
	}},
	"POST /api/v1/cppcc/me/proposals/{id}/comment": {perm: auth.PermCppccSelf, want: scoped, target: with("/api/v1/cppcc/me/proposals/%d/comment", cosignedReplied,
		map[string]any{"text": "同意"})},
	"GET /api/v1/cppcc/me":           {perm: auth.PermCppccSelf, want: always, target: fixed("/api/v1/cppcc/me")},
	"GET /api/v1/cppcc/me/proposals": {perm: auth.PermCppccSelf, want: always, target: fixed("/api/v1/cppcc/me/proposals?mine=1")},
	"POST /api/v1/cppcc/me/proposals": {perm: auth.PermCppccSelf, want: [3]int{201, 400, 400}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/cppcc/me/proposals", map[string]any{"committee_id": committee(m, t), "title": "关于发展职业教育的建议", "category": "其他", "way": "member",
			"public": true, "content": "职业教育是培养技术技能人才的主渠道,建议加大投入、深化产教融合。"}
	}},
	"GET /api/v1/cppcc/me/proposals/{id}": {perm: auth.PermCppccSelf, want: scoped, target: id("/api/v1/cppcc/me/proposals/%d", in("draft"))},
	"PATCH /api/v1/cppcc/me/proposals/{id}": {perm: auth.PermCppccSelf, want: scoped, target: with("/api/v1/cppcc/me/proposals/%d", in("draft"), map[string]any{
		"committee_id": 0, "title": "关于发展职业教育的建议(修改)", "category": "其他", "way": "member", "public": true,
		"content": "职业教育是培养技术技能人才的主渠道,建议加大投入、深化产教融合。"})},
	"POST /api/v1/cppcc/me/proposals/{id}/submit":   {perm: auth.PermCppccSelf, want: scoped, target: id("/api/v1/cppcc/me/proposals/%d/submit", in("draft"))},
	"POST /api/v1/cppcc/me/proposals/{id}/withdraw": {perm: auth.PermCppccSelf, want: scoped, target: id("/api/v1/cppcc/me/proposals/%d/withdraw", in("draft"))},
	"POST /api/v1/cppcc/me/proposals/{id}/sign":     {perm: auth.PermCppccSelf, want: scoped, target: with("/api/v1/cppcc/me/proposals/%d/sign", in("signing"), map[string]any{"confirm": true})},
	"POST /api/v1/cppcc/me/proposals/{id}/evaluate": {perm: auth.PermCppccSelf, want: scoped, target: with("/api/v1/cppcc/me/proposals/%d/evaluate", in("replied"), map[string]any{"attitude": "满意", "result": "满意"})},

	"GET /api/v1/cppcc/inbox":                {perm: auth.PermCppccHandle, want: always, target: fixed("/api/v1/cppcc/inbox?open=1")},
	"GET /api/v1/cppcc/inbox/proposals/{id}": {perm: auth.PermCppccHandle, want: scoped, target: id("/api/v1/cppcc/inbox/proposals/%d", in("handling"))},
	"POST /api/v1/cppcc/parts/{id}/object":   {perm: auth.PermCppccHandle, want: scoped, target: with("/api/v1/cppcc/parts/%d/object", part("lead", ""), map[string]any{"text": "不属于本单位职责"})},
	"POST /api/v1/cppcc/parts/{id}/opinion":  {perm: auth.PermCppccHandle, want: [3]int{404, 404, 404}, target: with("/api/v1/cppcc/parts/%d/opinion", part("co", ""), map[string]any{"text": "同意"})},
	"POST /api/v1/cppcc/parts/{id}/ask-extension": {perm: auth.PermCppccHandle, want: scoped, target: with("/api/v1/cppcc/parts/%d/ask-extension", part("lead", ""),
		map[string]any{"text": "需要调研", "until": "2026-07-01"})},
	"POST /api/v1/cppcc/parts/{id}/reply": {perm: auth.PermCppccHandle, want: [3]int{409, 404, 404}, target: with("/api/v1/cppcc/parts/%d/reply", part("lead", ""),
		map[string]any{"class": "B", "text": "已列入计划", "contact": "phone"})},
}

// activity is an inspection of the target's committee attended by its first member.
func activity(m *matrix, t string) int64 {
	if t == "missing" {
		return 999999
	}
	s := m.of(t)
	a, err := m.svc.Duties.RecordActivity(m.ctx, store.All, duties.ActivityInput{CommitteeID: s.c.ID, Kind: "inspection", Title: s.c.Name + "视察",
		HeldOn: date.New(2026, 3, 1), Present: []int64{s.members[0].ID}})
	if err != nil {
		m.t.Fatal(err)
	}
	return a.ID
}

// cosignedReplied is a replied proposal of the target's second member that
// its first member (the member's login) co-signed.
func cosignedReplied(m *matrix, t string) int64 {
	if t == "missing" {
		return 999999
	}
	s := m.of(t)
	sc := store.ScopeOf(s.c.Path)
	p := m.proposal(t, "signing")
	p, err := m.svc.Sign(s.memberCtxs[0], sc, p.ID, true)
	if err == nil {
		p, err = m.svc.Review(m.ctx, sc, p.ID, cppcc.ReviewInput{Action: "file"})
	}
	if err == nil {
		p, err = m.svc.Assign(m.ctx, sc, p.ID, cppcc.AssignInput{Lead: s.lead.ID})
	}
	if err == nil {
		p, err = m.svc.Reply(m.ctx, store.ScopeOf(s.lead.Path), p.Parts[0].ID, cppcc.ReplyInput{Class: "A", Text: "已解决", Contact: "phone"})
	}
	if err != nil {
		m.t.Fatal(err)
	}
	return p.ID
}

// memberOf is the target committee's first member.
func memberOf(m *matrix, t string) int64 {
	if t == "missing" {
		return 999999
	}
	return m.of(t).members[0].ID
}

// letterPath is a path to the reply letter of a replied proposal of the
// target's first member (answered by its lead unit).
func letterPath(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) {
		if t == "missing" {
			return fmt.Sprintf(format, 999999, 999999), nil
		}
		p := m.replied(t, cppcc.ReplyInput{Class: "A", Text: "已解决", Contact: "phone", LetterName: "答复函.pdf", Letter: []byte("%PDF-1.4\n")})
		return fmt.Sprintf(format, p.ID, p.Parts[0].Letters[0].ID), nil
	}
}

// replyPath is a path to the 答复函 of a part just replied (its proposal, its unit).
func replyPath(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) {
		if t == "missing" {
			return fmt.Sprintf(format, 999999, 999999), nil
		}
		p := m.replied(t, cppcc.ReplyInput{Class: "A", Text: "已解决", Contact: "phone"})
		return fmt.Sprintf(format, p.ID, p.Parts[0].UnitID), nil
	}
}

// replied is a proposal of the target's in handling, its co-handler's
// opinion given and its lead's reply made with in.
func (m *matrix) replied(t string, in cppcc.ReplyInput) cppcc.Proposal {
	s := m.of(t)
	p := m.proposal(t, "handling")
	if _, err := m.svc.Opinion(m.ctx, store.ScopeOf(s.co.Path), p.Parts[1].ID, "同意"); err != nil {
		m.t.Fatal(err)
	}
	p, err := m.svc.Reply(m.ctx, store.ScopeOf(s.lead.Path), p.Parts[0].ID, in)
	if err != nil {
		m.t.Fatal(err)
	}
	return p
}

func assign(m *matrix, t string) (string, any) {
	s := m.of(t)
	return fmt.Sprintf("/api/v1/cppcc/proposals/%d/assign", m.proposal(t, "filed").ID), map[string]any{"lead": s.lead.ID}
}

// may is what each role may do, by hand from the consultative-work issue.
var may = map[string][]auth.Perm{
	auth.RoleCppccOffice: {auth.PermCppccRead, auth.PermCppccWrite},
	auth.RoleCppccLeader: {auth.PermCppccRead, auth.PermCppccLead},
	auth.RoleCppccMember: {auth.PermCppccSelf},
	auth.RoleHandler:     {auth.PermCppccHandle},
	auth.RoleOrgAdmin:    {},
	"anonymous":          {},
}

// newMatrix is the two committees, an organisation tree's root, the server
// with the API and the pages, and a login of each role.
func newMatrix(t *testing.T, db *store.DB) *matrix {
	box, _ := secret.New(bytes.Repeat([]byte{5}, 32))
	a := app.New(db, box, app.Settings{Now: func() time.Time { return clock }})
	m := &matrix{t: t, ctx: context.Background(), app: a, svc: a.Cppcc, auth: a.Auth, tok: map[string]string{}, session: map[string][2]string{}}
	m.own, m.oth = m.side("江城市政协"), m.side("河西市政协")
	name, typ := "江城市委", "committee"
	root, err := a.Orgs.Create(m.ctx, store.All, org.Input{Name: &name, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	// The public routes' proof of work is off here (TestPublicLetterNeedsWork
	// checks it), their limits raised for the matrix's hundreds of requests.
	ch := a.Public
	ch.Off, ch.Submits, ch.Lookups, ch.Codes = true, auth.NewLimiter(60000, 10000), auth.NewLimiter(60000, 10000), auth.NewLimiter(60000, 10000)
	// The visitor's hundreds of refused requests are not to meet the limit on anonymous requests.
	cfg := server.Config{Limits: server.Limits{LoginPerMinute: 600, LoginBurst: 600, AnonymousPerMinute: 60000, AnonymousBurst: 10000}}
	m.srv = httptest.NewServer(server.Handler(a, cfg))
	t.Cleanup(m.srv.Close)
	// The member logs in as the own side's first member; the handler as its lead unit.
	u, _ := m.auth.User(m.ctx, *m.own.members[0].UserID)
	m.login(u.Username, auth.RoleCppccMember, &m.own.c.ID, nil)
	m.login("office", auth.RoleCppccOffice, &m.own.c.ID, nil)
	m.login("leader", auth.RoleCppccLeader, &m.own.c.ID, nil)
	m.login("handler", auth.RoleHandler, &m.own.lead.ID, nil)
	m.login("zuzhibu", auth.RoleOrgAdmin, nil, &root.ID)
	return m
}

func TestCppccPermissionMatrix(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		for _, rt := range (&api.API{App: m.app}).Routes() {
			if rt.Tag != api.CppccTag && rt.Tag != api.PublicTag {
				continue
			}
			key := rt.Method + " " + rt.Path
			r, ok := rows[key]
			if !ok {
				t.Errorf("%s has no row in the CPPCC permission matrix", key)
				continue
			}
			if r.perm != rt.Perm {
				t.Errorf("%s asks for %q, the matrix says %q", key, rt.Perm, r.perm)
			}
			for role, perms := range may {
				for i, target := range []string{"own", "other", "missing"} {
					want := r.want[i]
					switch {
					case r.perm == "": // a public route answers everyone alike
					case role == "anonymous":
						want = http.StatusUnauthorized
					case r.perm != auth.PermAuth && !contains(perms, r.perm):
						want = http.StatusForbidden
					}
					path, body := r.target(m, target)
					got, text := m.send(m.tok[role], rt.Method, path, body)
					if got != want {
						t.Errorf("%s as %s on %s: status %d, want %d: %.200s", key, role, target, got, want, text)
					}
					if got < 300 && r.perm != "" && strings.Contains(text, "河西") {
						t.Errorf("%s as %s on %s leaks the other committee: %.200s", key, role, target, text)
					}
				}
			}
		}
		if ms, err := consultation.Check(m.ctx, db); err != nil || len(ms) > 0 {
			t.Fatalf("figures after the matrix: %v %+v", err, ms)
		}
	})
}

type pageRow struct {
	perm   auth.Perm
	want   [3]int
	target func(m *matrix, target string) (string, url.Values)
}

func page(format string, fn func(m *matrix, t string) int64) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) { return fmt.Sprintf(format, fn(m, t)), nil }
}

func post(format string, fn func(m *matrix, t string) int64, form url.Values) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) {
		id := fn(m, t)
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		return fmt.Sprintf(format, id), f
	}
}

var (
	pageScoped = [3]int{200, 404, 404}
	pageDone   = [3]int{303, 404, 404}
)

// pageRows are the pages' matrix: the proposals' and the committees' rows,
// and the public channel's, the briefs' and the office's entry beside their tests.
var pageRows = merged(proposalPageRows, publicPageRows, briefPageRows, entryPageRows)

// proposalPageRows are the proposals' and the committees' rows of the pages' matrix.
var proposalPageRows = map[string]pageRow{
	"GET /cppcc":                        {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc?committee=%d", committee)},
	"GET /cppcc/export/{table}":         {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/export/units?committee=%d", committee)},
	"GET /cppcc/proposals/{id}":         {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/proposals/%d", in("submitted"))},
	"POST /cppcc/proposals/{id}/review": {perm: auth.PermCppccWrite, want: pageDone, target: post("/cppcc/proposals/%d/review", in("submitted"), url.Values{"action": {"file"}})},
	"POST /cppcc/proposals/{id}/assign": {perm: auth.PermCppccWrite, want: pageDone, target: func(m *matrix, t string) (string, url.Values) { return assignForm(m, t) }},
	"POST /cppcc/parts/{id}/decide":     {perm: auth.PermCppccWrite, want: pageDone, target: post("/cppcc/parts/%d/decide", part("lead", "objected"), url.Values{"what": {"objection"}, "unit_id": {"0"}})},
	"POST /cppcc/proposals/{id}/key":    {perm: auth.PermCppccLead, want: pageDone, target: post("/cppcc/proposals/%d/key", in("filed"), url.Values{"lead": {"王副主席"}})},
	"POST /cppcc/parts/{id}/remind":     {perm: auth.PermCppccWrite, want: pageDone, target: post("/cppcc/parts/%d/remind", part("lead", ""), url.Values{"text": {"请加快"}})},
	"GET /cppcc/activities":             {perm: auth.PermCppccRead, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/activities?year=2026", nil }},
	"GET /cppcc/activities/{id}":        {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/activities/%d", activity)},
	"GET /cppcc/performance":            {perm: auth.PermCppccRead, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/performance?year=2026", nil }},
	"GET /cppcc/members/{id}":           {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/members/%d?year=2026", memberOf)},
	"GET /cppcc/my/record":              {perm: auth.PermCppccSelf, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/my/record", nil }},
	"POST /cppcc/activities/{id}/instructions": {perm: auth.PermCppccWrite, want: pageDone, target: post("/cppcc/activities/%d/instructions", activity,
		url.Values{"by": {"市长"}, "on": {"2026-03-01"}, "text": {"请研究"}})},
	"POST /cppcc/activities": {perm: auth.PermCppccWrite, want: [3]int{303, 303, 303}, target: func(*matrix, string) (string, url.Values) {
		return "/cppcc/activities", url.Values{"kind": {"inspection"}, "title": {"视察城市更新"}, "held_on": {"2026-03-01"}, "reports": {"1"}}
	}},
	"GET /cppcc/members":         {perm: auth.PermCppccRead, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/members?q=江城", nil }},
	"POST /cppcc/members/import": {perm: auth.PermCppccWrite, want: [3]int{400, 400, 400}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/members/import", url.Values{} }},
	"POST /cppcc/members": {perm: auth.PermCppccWrite, want: [3]int{303, 303, 303}, target: func(m *matrix, _ string) (string, url.Values) {
		terms, _ := m.svc.Terms(m.ctx, store.All, m.own.c.ID)
		return "/cppcc/members", url.Values{"term_id": {fmt.Sprint(terms[0].ID)}, "name": {"新委员"}, "sex": {"女"}, "sector": {"教育界"}, "party": {"cape"}}
	}},
	"GET /cppcc/summary":          {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/summary?committee=%d&from=2026-01&to=2026-12", committee)},
	"POST /cppcc/summary":         {perm: auth.PermCppccRead, want: pageScoped, target: post("/cppcc/summary?committee=%d&from=2026-01&to=2026-12", committee, url.Values{})},
	"POST /cppcc/summary/docx":    {perm: auth.PermCppccRead, want: pageScoped, target: post("/cppcc/summary/docx?committee=%d&from=2026-01&to=2026-12", committee, url.Values{})},
	"POST /cppcc/summary/publish": {perm: auth.PermCppccWrite, want: pageDone, target: post("/cppcc/summary/publish?committee=%d&from=2026-01&to=2026-12", committee, url.Values{})},
	"POST /cppcc/library/{id}/withdraw": {perm: auth.PermCppccWrite, want: pageDone, target: func(m *matrix, t string) (string, url.Values) {
		if t == "missing" {
			return "/cppcc/library/999999/withdraw", url.Values{}
		}
		c := m.of(t).c
		d, err := m.app.Library.PublishCommittee(context.Background(), library.Publisher{CommitteeID: c.ID, Path: c.Path}, library.Input{Kind: "summary",
			Title: c.Name + "工作总结", Body: strings.Repeat("围绕中心履职尽责,提案办理成效明显。", 4), Visibility: "system"})
		if err != nil {
			m.t.Fatal(err)
		}
		return fmt.Sprintf("/cppcc/library/%d/withdraw", d.ID), url.Values{}
	}},
	"POST /cppcc/summary/draft":                {perm: auth.PermCppccWrite, want: pageDone, target: post("/cppcc/summary/draft?committee=%d&from=2026-01&to=2026-12", committee, url.Values{"title": {"2026年政协工作总结"}, "opening": {"一年来,政协围绕中心、服务大局,提案工作成效明显。"}})},
	"GET /cppcc/summary/templates":             {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/summary/templates?committee=%d", committee)},
	"POST /cppcc/summary/templates":            {perm: auth.PermCppccWrite, want: pageDone, target: post("/cppcc/summary/templates?committee=%d", committee, url.Values{"opening": {"{期间},{组织}认真履职。"}})},
	"GET /cppcc/proposals/{id}/assignment":     {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/proposals/%d/assignment", in("handling"))},
	"GET /cppcc/proposals/{id}/reply/{unit}":   {perm: auth.PermCppccRead, want: pageScoped, target: replyPath("/cppcc/proposals/%d/reply/%d")},
	"GET /cppcc/my/{id}/reply/{unit}":          {perm: auth.PermCppccSelf, want: pageScoped, target: replyPath("/cppcc/my/%d/reply/%d")},
	"GET /cppcc/inbox/{id}/reply/{unit}":       {perm: auth.PermCppccHandle, want: pageScoped, target: replyPath("/cppcc/inbox/%d/reply/%d")},
	"GET /cppcc/proposals/{id}/letters/{file}": {perm: auth.PermCppccRead, want: pageScoped, target: letterPath("/cppcc/proposals/%d/letters/%d")},
	"GET /cppcc/my/{id}/letters/{file}":        {perm: auth.PermCppccSelf, want: pageScoped, target: letterPath("/cppcc/my/%d/letters/%d")},
	"GET /cppcc/inbox/{id}/letters/{file}":     {perm: auth.PermCppccHandle, want: pageScoped, target: letterPath("/cppcc/inbox/%d/letters/%d")},
	"POST /cppcc/honours": {perm: auth.PermCppccWrite, want: [3]int{303, 303, 303}, target: func(m *matrix, _ string) (string, url.Values) {
		m.seq++
		s := m.own
		terms, _ := m.svc.Terms(m.ctx, store.All, s.c.ID)
		mm, err := m.svc.AddMember(m.ctx, store.All, committees.MemberInput{CommitteeID: s.c.ID, TermID: terms[0].ID, Name: fmt.Sprintf("积极分子%d", m.seq), Sex: "男", Sector: "教育界", Party: "九三学社"})
		if err != nil {
			m.t.Fatal(err)
		}
		return "/cppcc/honours?year=2026", url.Values{"kind": {"active_member"}, "member_id": {fmt.Sprint(mm.ID)}}
	}},
	"POST /cppcc/members/{id}/account": {perm: auth.PermCppccWrite, want: pageDone, target: func(m *matrix, t string) (string, url.Values) {
		u, _ := m.auth.User(m.ctx, *m.own.members[0].UserID)
		return fmt.Sprintf("/cppcc/members/%d/account", memberOf(m, t)), url.Values{"username": {u.Username}}
	}},
	"GET /cppcc/setup": {perm: auth.PermCppccRead, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/setup", nil }},
	"POST /cppcc/setup/{what}": {perm: auth.PermCppccWrite, want: [3]int{303, 303, 303}, target: func(m *matrix, _ string) (string, url.Values) {
		m.seq++
		return "/cppcc/setup/unit", url.Values{"name": {fmt.Sprintf("江城市第%d承办单位", m.seq)}}
	}},
	"GET /cppcc/my":     {perm: auth.PermCppccSelf, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/my", nil }},
	"GET /cppcc/my/new": {perm: auth.PermCppccSelf, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/my/new", nil }},
	// The pickers of several search the caller's own committee: another's members and units are not found.
	"GET /cppcc/pick/members":         {perm: auth.PermCppccSelf, want: [3]int{200, 200, 200}, target: pickQuery("/cppcc/pick/members?q=%s")},
	"GET /cppcc/pick/units":           {perm: auth.PermCppccWrite, want: [3]int{200, 200, 200}, target: pickQuery("/cppcc/pick/units?q=%s")},
	"GET /cppcc/my/{id}":              {perm: auth.PermCppccSelf, want: pageScoped, target: page("/cppcc/my/%d", in("draft"))},
	"POST /cppcc/my/{id}/{action}":    {perm: auth.PermCppccSelf, want: pageDone, target: post("/cppcc/my/%d/submit", in("draft"), url.Values{})},
	"GET /cppcc/inbox":                {perm: auth.PermCppccHandle, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/inbox", nil }},
	"GET /cppcc/inbox/{id}":           {perm: auth.PermCppccHandle, want: pageScoped, target: page("/cppcc/inbox/%d", in("handling"))},
	"POST /cppcc/parts/{id}/{action}": {perm: auth.PermCppccHandle, want: pageDone, target: post("/cppcc/parts/%d/object", part("lead", ""), url.Values{"text": {"不属于本单位职责"}})},
	"POST /cppcc/my": {perm: auth.PermCppccSelf, want: [3]int{303, 303, 303}, target: func(*matrix, string) (string, url.Values) {
		return "/cppcc/my", url.Values{"title": {"关于发展职业教育的建议"}, "category": {"其他"}, "public": {"1"}, "contact": {"none"}, "then": {"save"},
			"content": {"职业教育是培养技术技能人才的主渠道,建议加大投入、深化产教融合。"}}
	}},
}

// pickQuery searches a picker for the target committee's name (河西 for
// another committee's, whose members and units must not be found).
func pickQuery(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) {
		q := map[string]string{"own": "江城", "other": "河西", "missing": "没有这个名字"}[t]
		return fmt.Sprintf(format, url.QueryEscape(q)), nil
	}
}

func assignForm(m *matrix, t string) (string, url.Values) {
	path, body := assign(m, t)
	return strings.TrimPrefix(path, "/api/v1"), url.Values{"lead": {fmt.Sprint(body.(map[string]any)["lead"])}}
}

// TestCppccPagePermissionMatrix is the pages' matrix: a page answers 200, a
// form done 303, a missing or out-of-scope object the 404 page, a role
// without the permission the 403 page, a visitor the login page (303).
func TestCppccPagePermissionMatrix(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		for pattern, perm := range server.Site(m.app).RoutePerms() {
			if !strings.HasPrefix(strings.SplitN(pattern, " ", 2)[1], "/cppcc") {
				continue
			}
			r, ok := pageRows[pattern]
			if !ok {
				t.Errorf("%s has no row in the CPPCC page matrix", pattern)
				continue
			}
			if r.perm != perm {
				t.Errorf("%s asks for %q, the matrix says %q", pattern, perm, r.perm)
			}
			method := strings.SplitN(pattern, " ", 2)[0]
			for role, perms := range may {
				for i, target := range []string{"own", "other", "missing"} {
					want := r.want[i]
					switch {
					case role == "anonymous":
						want = http.StatusSeeOther
					case !contains(perms, r.perm):
						want = http.StatusForbidden
					}
					path, form := r.target(m, target)
					got, text := m.page(role, method, path, form)
					if got != want {
						t.Errorf("%s as %s on %s: status %d, want %d: %.300s", pattern, role, target, got, want, text)
					}
					if got < 300 && strings.Contains(text, "河西") {
						t.Errorf("%s as %s on %s leaks the other committee", pattern, role, target)
					}
				}
			}
		}
		if ms, err := consultation.Check(m.ctx, db); err != nil || len(ms) > 0 {
			t.Fatalf("figures after the page matrix: %v %+v", err, ms)
		}
	})
}

// page requests a page or posts a form with role's web session, not following redirects.
func (m *matrix) page(role, method, path string, form url.Values) (int, string) {
	s := m.session[role]
	var body io.Reader
	if method == "POST" {
		if form == nil {
			form = url.Values{}
		}
		form.Set("csrf", s[1])
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, m.srv.URL+path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if s[0] != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s[0]})
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func contains(ps []auth.Perm, p auth.Perm) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

func (m *matrix) send(token, method, path string, body any) (int, string) {
	var rd io.Reader
	if raw, ok := body.([]byte); ok { // a file sent as the request's body
		rd = bytes.NewReader(raw)
	} else if body != nil || (method != "GET" && method != "DELETE") {
		if body == nil {
			body = map[string]any{}
		}
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, m.srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// The board's two lists come out as the sheets an office hands in: the
// catalogue with a row for every proposal of the filter, the units' table
// whose total row adds up its columns.
func TestCppccExports(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	for _, st := range []string{"submitted", "handling", "handling", "replied"} {
		m.proposal("own", st)
	}
	m.proposal("other", "handling")
	sheet := func(path string) [][]string {
		t.Helper()
		code, body := m.page(auth.RoleCppccOffice, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %.200s", path, code, body)
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := sheet(fmt.Sprintf("/cppcc/export/catalogue?committee=%d&state=handling", m.own.c.ID))
	if len(rows) != 2+2 || !strings.Contains(rows[0][0], "共2件") || rows[1][2] != "案由" || rows[2][8] != "江城市政协发展改革委" || rows[2][9] != "江城市政协财政局" {
		t.Fatalf("catalogue: %q", rows)
	}
	for _, r := range rows[2:] {
		if strings.Contains(strings.Join(r, ""), "河西") {
			t.Fatalf("the other committee's proposal in the catalogue: %q", r)
		}
	}
	rows = sheet(fmt.Sprintf("/cppcc/export/units?committee=%d", m.own.c.ID))
	last := rows[len(rows)-1]
	if last[0] != "合计" {
		t.Fatalf("units: %q", rows)
	}
	for col := 1; col <= 5; col++ {
		var sum, total int
		for _, r := range rows[2 : len(rows)-1] {
			n, _ := strconv.Atoi(r[col])
			sum += n
		}
		total, _ = strconv.Atoi(last[col])
		if sum != total {
			t.Errorf("column %s adds up to %d, the total says %d", rows[1][col], sum, total)
		}
	}
	// Two proposals in handling and one replied, each with a lead and a co-handler; the replied one's two answered on time.
	if got := strings.Join(last, " "); got != "合计 6 3 2 0 0 100.0%" {
		t.Errorf("total row %q", got)
	}
}

// The members page takes a list uploaded as a file: a good one is written,
// a wrong one comes back with each cell named at the top and nothing written.
func TestMembersImportPage(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	terms, _ := m.svc.Terms(m.ctx, store.All, m.own.c.ID)
	upload := func(rows [][]any) (int, string) {
		var sheet, body bytes.Buffer
		if err := spreadsheet.WriteTable(&sheet, "委员名单", "委员名单", committees.MembersHead, rows); err != nil {
			t.Fatal(err)
		}
		mw := multipart.NewWriter(&body)
		s := m.session[auth.RoleCppccOffice]
		_ = mw.WriteField("csrf", s[1])
		_ = mw.WriteField("term_id", fmt.Sprint(terms[0].ID))
		fw, _ := mw.CreateFormFile("file", "委员名单.xlsx")
		_, _ = fw.Write(sheet.Bytes())
		mw.Close()
		req, _ := http.NewRequest("POST", m.srv.URL+"/cppcc/members/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s[0]})
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	count := func() int64 {
		l, err := m.svc.Members(m.ctx, store.All, m.own.c.ID, "", store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return l.Total
	}
	before := count()
	code, text := upload([][]any{{"周新", "男", "经济界", "中国致公党", "", "", "", "13811112222"}, {"吴新", "男", "经济界", "不存在的党派", "", "", "", ""}})
	if code != http.StatusBadRequest || !strings.Contains(text, "第 4 行“党派”") || count() != before {
		t.Fatalf("a wrong list: %d, %d members written: %.300s", code, count()-before, text)
	}
	if code, text := upload([][]any{{"周新", "男", "经济界", "中国致公党", "", "", "", "13811112222"}}); code != http.StatusSeeOther || count() != before+1 {
		t.Fatalf("a good list: %d %.300s", code, text)
	}
}

// The security administrator grants a CPPCC role on a committee from the
// users page, choosing the committee from the list; a role of the tree on
// a committee is refused with the field named.
func TestGrantCommitteeRoleFromThePage(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	m.login("anquan", auth.RoleSecadmin, nil, nil)
	u, err := m.auth.CreateUser(m.ctx, auth.NewUser{Username: "xinbangongshi", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	code, text := m.page(auth.RoleSecadmin, "GET", "/users", nil)
	if code != http.StatusOK || !strings.Contains(text, `name="committee_id"`) || !strings.Contains(text, "承办单位:江城市政协发展改革委") {
		t.Fatalf("the users page: %d %.300s", code, text)
	}
	form := url.Values{"op": {"grant"}, "user_id": {fmt.Sprint(u.ID)}, "role": {auth.RoleCppccOffice}, "committee_id": {fmt.Sprint(m.own.c.ID)}}
	if code, text := m.page(auth.RoleSecadmin, "POST", "/users", form); code != http.StatusSeeOther {
		t.Fatalf("granting: %d %.300s", code, text)
	}
	got, _ := m.auth.User(m.ctx, u.ID)
	if len(got.Grants) != 1 || got.Grants[0].CommitteeID == nil || *got.Grants[0].CommitteeID != m.own.c.ID || got.Grants[0].OrgName != "江城市政协" {
		t.Fatalf("grants: %+v", got.Grants)
	}
	form.Set("role", auth.RoleViewer)
	if code, text := m.page(auth.RoleSecadmin, "POST", "/users", form); code != http.StatusBadRequest || !strings.Contains(text, "只有政协的角色授予在政协或承办单位上") {
		t.Fatalf("a tree role on a committee: %d %.300s", code, text)
	}
}

// TestCommitteeSummaryInTheLibrary: the office publishes its committee's
// summary of the year; the library shows it under the committee's name to
// the whole system (an organisation's administrator too), the office
// withdraws it, and an organisation's withdrawal route does not reach it.
func TestCommitteeSummaryInTheLibrary(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	c := m.of("own").c
	code, _ := m.page(auth.RoleCppccOffice, "POST", fmt.Sprintf("/cppcc/summary/publish?committee=%d&from=2026-01&to=2026-12", c.ID), nil)
	if code != http.StatusSeeOther {
		t.Fatalf("publish: %d", code)
	}
	r, err := m.app.Library.Search(context.Background(), store.All, library.Query{Kind: "summary"})
	if err != nil || r.Total != 1 {
		t.Fatalf("the library holds %v %+v", err, r)
	}
	d := r.Hits[0].Doc
	if d.OrgName != c.Name || d.CommitteeID != c.ID || !strings.Contains(d.Body, "提案") {
		t.Fatalf("the document: %+v", d)
	}
	code, text := m.page(auth.RoleOrgAdmin, "GET", fmt.Sprintf("/library/%d", d.ID), nil)
	if code != 200 || !strings.Contains(text, c.Name) || strings.Contains(text, `id="doc-withdraw"`) {
		t.Fatalf("as an organisation's administrator: %d %.300s", code, text)
	}
	if code, text := m.page(auth.RoleCppccOffice, "GET", fmt.Sprintf("/library/%d", d.ID), nil); code != 200 ||
		!strings.Contains(text, fmt.Sprintf(`action="/cppcc/library/%d/withdraw"`, d.ID)) {
		t.Fatalf("as the office: %d %.300s", code, text)
	}
	if code, _ := m.page(auth.RoleOrgAdmin, "POST", fmt.Sprintf("/library/%d/withdraw", d.ID), nil); code != http.StatusNotFound {
		t.Fatalf("an organisation withdrew a committee's document: %d", code)
	}
	if code, _ := m.page(auth.RoleCppccOffice, "POST", fmt.Sprintf("/cppcc/library/%d/withdraw", d.ID), nil); code != http.StatusSeeOther {
		t.Fatalf("the office's withdrawal: %d", code)
	}
	if r, _ := m.app.Library.Search(context.Background(), store.All, library.Query{Kind: "summary"}); r.Total != 0 {
		t.Fatalf("a withdrawn document is still listed: %+v", r)
	}
}

// TestCommitteeSummaryStatesNoNought: the committee's work summary, on
// its page and in the Word file, states no nought figure as work done: a
// part of nought figures is left out, a part of the work with none 尚未开展;
// both end with the 落款, the committee's name over the date in Arabic
// numerals, the date four characters from the right.
func TestCommitteeSummaryStatesNoNought(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		m.proposal("own", "submitted")
		c := m.of("own").c
		today := m.app.Cppcc.Today().Chinese()
		path := fmt.Sprintf("/cppcc/summary?committee=%d&from=2026-01&to=2026-12", c.ID)
		code, page := m.page(auth.RoleCppccOffice, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("the summary: %d", code)
		}
		preview := page[strings.Index(page, `id="summary-preview"`):]
		preview = preview[:strings.Index(preview, "</section>")]
		for _, want := range []string{"委员和参加政协的各单位共提出提案", "本期间尚未开展网上议政工作。", "本期间尚未开展委员来信和信访工作。",
			`<p class="doc-signer">` + c.Name + `</p><p>` + today + `</p></div>`} {
			if !strings.Contains(preview, want) {
				t.Errorf("the preview lacks %q:\n%s", want, preview)
			}
		}
		for _, nought := range []string{">0</a>", "集体访", "并案办理", "已答复的提案中"} {
			if strings.Contains(preview, nought) {
				t.Errorf("the preview states %q:\n%s", nought, preview)
			}
		}
		code, raw := m.page(auth.RoleCppccOffice, "POST", fmt.Sprintf("/cppcc/summary/docx?committee=%d&from=2026-01&to=2026-12", c.ID), nil)
		if code != http.StatusOK {
			t.Fatalf("the .docx: %d", code)
		}
		body := docxtest.Body(t, []byte(raw))
		for _, want := range []string{"共提出提案1件", "本期间尚未开展网上议政工作。"} {
			if !strings.Contains(body, want) {
				t.Errorf("the .docx lacks %q", want)
			}
		}
		for _, nought := range []string{"0件", "0篇", "0条", "0批", "0次", "集体访"} {
			if strings.Contains(strings.ReplaceAll(body, "2026", ""), nought) {
				t.Errorf("the .docx states %q", nought)
			}
		}
		paras := docxtest.Paragraphs(t, []byte(raw))
		if n := len(paras); n < 2 || paras[n-2].Text != c.Name || paras[n-1].Text != today || paras[n-1].RightChars != 400 || paras[n-1].Jc != "right" {
			t.Errorf("the .docx does not end with its 落款 (%s, %s): %+v", c.Name, today, paras[max(0, len(paras)-2):])
		}
	})
}

// TestCommitteeSummaryInChinese: the summary's page shows each figure's
// placeholder by its Chinese name, its opening names the Party committee
// the committee works under (江城市政协: 中共江城市委), and each box opens
// tall enough for its text; a draft and a template saved with the older
// English placeholders come back with the Chinese ones, their figures
// still filled in.
func TestCommitteeSummaryInChinese(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		m.proposal("own", "submitted")
		c := m.of("own").c
		path := fmt.Sprintf("/cppcc/summary?committee=%d&from=2026-01&to=2026-12", c.ID)
		code, page := m.page(auth.RoleCppccOffice, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("the summary: %d", code)
		}
		if !strings.Contains(page, "共提出提案〔提出提案〕件") || !strings.Contains(page, "〔委员出席会议和活动〕人次") || strings.Contains(page, "〔submitted〕") {
			t.Errorf("the placeholders are not the figures' Chinese names:\n%s", page)
		}
		if !strings.Contains(page, "在中共江城市委的领导下") || strings.Contains(page, "中共党委") {
			t.Errorf("the opening does not name 中共江城市委")
		}
		box := regexp.MustCompile(`<textarea name="p0" rows="(\d+)"[^>]*>([^<]*)</textarea>`).FindStringSubmatch(page)
		if box == nil {
			t.Fatalf("no box of the proposals' paragraph")
		}
		if rows, _ := strconv.Atoi(box[1]); rows*20 < utf8.RuneCountInString(html.UnescapeString(box[2])) {
			t.Errorf("the box of %d characters opens %d rows tall", utf8.RuneCountInString(box[2]), rows)
		}

		old := url.Values{"title": {"江城市政协2026年工作总结"}, "opening": {"全年共提出提案〔submitted〕件,委员出席〔attended〕人次。"}, "closing": {"特此报告。"}}
		if code, _ := m.page(auth.RoleCppccOffice, "POST", fmt.Sprintf("/cppcc/summary/draft?committee=%d&from=2026-01&to=2026-12", c.ID), old); code != http.StatusSeeOther {
			t.Fatalf("saving the draft: %d", code)
		}
		_, page = m.page(auth.RoleCppccOffice, "GET", path, nil)
		if !strings.Contains(page, `>全年共提出提案〔提出提案〕件,委员出席〔委员出席会议和活动〕人次。</textarea>`) || !strings.Contains(page, `title="提出提案">1</a>`) {
			t.Errorf("the older draft does not read in Chinese with its figures:\n%s", page)
		}
		if strings.Contains(page, "以下占位符没有对应的数字") {
			t.Errorf("the older draft's placeholders are reported unknown")
		}

		templates := fmt.Sprintf("/cppcc/summary/templates?committee=%d", c.ID)
		if code, _ := m.page(auth.RoleCppccOffice, "POST", templates, url.Values{"opening": {"{期间},{组织}共提出提案〔submitted〕件。"}}); code != http.StatusSeeOther {
			t.Fatalf("saving the template: %d", code)
		}
		if _, page = m.page(auth.RoleCppccOffice, "GET", templates, nil); !strings.Contains(page, ">{期间},{组织}共提出提案〔提出提案〕件。</textarea>") {
			t.Errorf("the older template does not read in Chinese:\n%s", page)
		}
	})
}
