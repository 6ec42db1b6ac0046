package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/store"
)

// The office enters the proposals of parties, groups, special committees
// and sectors (党派团体提案): submitted as entered, a party's or a group's
// with the member who evaluates the reply for it.
func (s *Site) entryRoutes() []route {
	return []route{
		{"GET /cppcc/proposals/new", auth.PermCppccWrite, 0, legacy(s.entryNew)},
		{"POST /cppcc/proposals", auth.PermCppccWrite, 0, legacy(s.entrySave)},
		{"GET /cppcc/pick/contacts", auth.PermCppccWrite, 0, s.pickContacts},
	}
}

type entryData struct {
	Committee  committee.Committee
	Ways       []optionItem
	Parties    []string
	Categories []string
	Contacts   []optionItem
	Evaluator  manyPick
	Form       *form
}

// entryWays are the ways the office enters (a member's own are the member's).
var entryWays = cppcc.Ways[2:]

// evaluatorPicker is the entry's picker of the contact, resolved from f.
func evaluatorPicker(f *form, ms []committee.Member) (manyPick, []int64) {
	p := manyPick{ID: "evaluator_id", Q: "evaluator_q", Label: "联系人(党派、人民团体的提案必选一位本政协委员,由其评价办理结果)", Pick: "/cppcc/pick/contacts", Noun: "委员"}
	return p, pickMany(f, &p, memberPicks(ms))
}

func (s *Site) entryNew(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.entryForm(w, r, id, &form{Values: url.Values{"public": {"1"}, "contact": {"phone"}}, Errors: map[string]string{}}, http.StatusOK)
}

func (s *Site) entryForm(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := entryData{Form: f, Ways: options(entryWays), Contacts: options(cppcc.Contacts)}
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		var err error
		if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), sc); err != nil {
			return err
		}
		if d.Categories, err = s.Cppcc.Names(r.Context(), d.Committee.ID, "category"); err != nil {
			return err
		}
		for _, e := range committee.Parties {
			if e.Code != "cpc" && e.Code != "none" && e.Code != "people_org" {
				d.Parties = append(d.Parties, e.Label+strings.TrimSuffix(d.Committee.Name, "政协")+"委员会")
			}
		}
		ms, err := s.activeMembers(r, d.Committee.ID, 0)
		d.Evaluator, _ = evaluatorPicker(f, ms)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "entryform.html", "录入党派团体提案", d)
}

func (s *Site) entrySave(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	var p cppcc.Proposal
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(r.Context(), sc)
		if err != nil {
			return err
		}
		ms, err := s.activeMembers(r, c.ID, 0)
		if err != nil {
			return err
		}
		picker, chosen := evaluatorPicker(f, ms)
		if err := pickErrors(picker); err != nil {
			return err
		}
		in := cppcc.Input{CommitteeID: c.ID, Title: f.Get("title"), Category: f.Get("category"), Content: f.Get("content"), Way: f.Get("way"),
			ProposerName: f.Get("proposer_name"), Public: f.Get("public") == "1", PrivateReason: f.Get("private_reason"), Contact: f.Get("contact")}
		switch len(chosen) {
		case 0:
		case 1:
			in.EvaluatorID = chosen[0]
		default:
			return apperr.InvalidField("evaluator_q", "联系人只能选一位")
		}
		p, err = s.Cppcc.Draft(r.Context(), sc, cppcc.ViewOffice, in)
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/proposals/%d", p.ID), "已录入并提交,等待审查")
		return
	}
	if s.onForm(w, r, f, err) {
		s.entryForm(w, r, id, f, http.StatusBadRequest)
	}
}
