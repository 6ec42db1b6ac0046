package consult

import (
	"fmt"
	"net/url"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/web"
)

// The office enters the proposals of parties, groups, special committees
// and sectors (党派团体提案): submitted as entered, a party's or a group's
// with the member who evaluates the reply for it.
func (s *pages) entryRoutes() []route {
	return []route{
		{"GET /cppcc/proposals/new", auth.PermCppccWrite, 0, s.entryNew},
		{"POST /cppcc/proposals", auth.PermCppccWrite, 0, s.entrySave},
		{"GET /cppcc/pick/contacts", auth.PermCppccWrite, 0, s.pickContacts},
	}
}

type entryData struct {
	Committee  committee.Committee
	Ways       []web.OptionItem
	Parties    []string
	Categories []string
	Contacts   []web.OptionItem
	Evaluator  web.ManyPick
	Form       *web.Form
}

// entryWays are the ways the office enters (a member's own are the member's).
var entryWays = cppcc.Ways[2:]

// evaluatorPicker is the entry's picker of the contact, resolved from f.
func evaluatorPicker(f *web.Form, ms []committee.Member) (web.ManyPick, []int64) {
	p := web.ManyPick{ID: "evaluator_id", Q: "evaluator_q", Label: "联系人(党派、人民团体的提案必选一位本政协委员,由其评价办理结果)", Pick: "/cppcc/pick/contacts", Noun: "委员"}
	return p, web.PickMany(f, &p, memberPicks(ms))
}

func (s *pages) entryNew(c *web.Call) (web.Answer, error) {
	return s.entryForm(c, &web.Form{Values: url.Values{"public": {"1"}, "contact": {"phone"}}, Errors: map[string]string{}})
}

// entryForm is the office's form of a party's or a group's proposal, f its values.
func (s *pages) entryForm(c *web.Call, f *web.Form) (web.View, error) {
	r := c.R
	d := entryData{Form: f, Ways: web.Options(entryWays), Contacts: web.Options(cppcc.Contacts)}
	var err error
	if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), c.Scope); err != nil {
		return web.View{}, err
	}
	if d.Categories, err = s.Cppcc.Names(r.Context(), d.Committee.ID, "category"); err != nil {
		return web.View{}, err
	}
	for _, e := range committee.Parties {
		if e.Code != "cpc" && e.Code != "none" && e.Code != "people_org" {
			d.Parties = append(d.Parties, e.Label+strings.TrimSuffix(d.Committee.Name, "政协")+"委员会")
		}
	}
	ms, err := s.activeMembers(r, d.Committee.ID, 0)
	if err != nil {
		return web.View{}, err
	}
	d.Evaluator, _ = evaluatorPicker(f, ms)
	return web.View{Name: "entryform.html", Title: "录入党派团体提案", Data: d}, nil
}

func (s *pages) entrySave(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	p, err := s.enter(c, f)
	if err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.entryForm(c, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/proposals/%d", p.ID), Flash: "已录入并提交,等待审查"}, nil
}

// enter submits the proposal of a party or a group the office enters from f.
func (s *pages) enter(c *web.Call, f *web.Form) (cppcc.Proposal, error) {
	r, sc := c.R, c.Scope
	cm, err := s.Cppcc.CommitteeOf(r.Context(), sc)
	if err != nil {
		return cppcc.Proposal{}, err
	}
	ms, err := s.activeMembers(r, cm.ID, 0)
	if err != nil {
		return cppcc.Proposal{}, err
	}
	picker, chosen := evaluatorPicker(f, ms)
	if err := pickErrors(picker); err != nil {
		return cppcc.Proposal{}, err
	}
	in := cppcc.Input{CommitteeID: cm.ID, Title: f.Get("title"), Category: f.Get("category"), Content: f.Get("content"), Way: f.Get("way"),
		ProposerName: f.Get("proposer_name"), Public: f.Get("public") == "1", PrivateReason: f.Get("private_reason"), Contact: f.Get("contact")}
	switch len(chosen) {
	case 0:
	case 1:
		in.EvaluatorID = chosen[0]
	default:
		return cppcc.Proposal{}, apperr.InvalidField("evaluator_q", "联系人只能选一位")
	}
	return s.Cppcc.Draft(r.Context(), sc, cppcc.ViewOffice, in)
}
