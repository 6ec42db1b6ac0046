package consult

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// A member's proposals (the draft, co-signing, evaluation) and a handling
// unit's inbox with its steps.

type mineData struct {
	Me       committee.Member
	Mine     store.List[cppcc.Proposal]
	ToSign   []cppcc.Proposal
	Pager    web.Pager
	Public   bool
	PublicOf store.List[cppcc.Proposal]
}

func (s *pages) cppccMine(c *web.Call) (web.Answer, error) {
	r, sc := c.R, c.Scope
	var d mineData
	var err error
	if d.Me, err = s.Cppcc.Me(r.Context(), sc, c.ID.User.ID); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	state, _ := cppcc.States.Parse(q.Get("state"))
	f := cppcc.Filter{Mine: true, Own: q.Get("own") == "1", State: state}
	if d.Mine, err = s.Cppcc.List(r.Context(), sc, cppcc.ViewMember, f, web.PageOf(r)); err != nil {
		return nil, err
	}
	toSign, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewMember, cppcc.Filter{ToSign: true}, store.Page{Size: store.MaxSize})
	if err != nil {
		return nil, err
	}
	d.ToSign = toSign.Items
	d.Pager = web.NewPager(r, d.Mine.Total, web.PageOf(r))
	return web.View{Name: "cppccmine.html", Title: "我的提案", Data: d}, nil
}

type draftData struct {
	Me         committee.Member
	Categories []string
	CoSigners  web.ManyPick
	Contacts   []web.OptionItem
	Form       *web.Form
}

// signersPicker is the draft's picker of co-signers, resolved from f.
func signersPicker(f *web.Form, ms []committee.Member) (web.ManyPick, []int64) {
	p := web.ManyPick{ID: "co_signers", Q: "co_signers_q", Label: "附议委员(可多个;不选为个人提案)", Pick: "/cppcc/pick/members", Noun: "委员"}
	return p, web.PickMany(f, &p, memberPicks(ms))
}

// pickErrors is the refusal of pickers whose names typed found none or several.
func pickErrors(ps ...web.ManyPick) error {
	var v apperr.Invalid
	for _, p := range ps {
		if p.Err != "" {
			v.Add(p.Q, "%s", p.Err)
		}
	}
	return v.Err()
}

func (s *pages) cppccNew(c *web.Call) (web.Answer, error) {
	return s.draftForm(c, &web.Form{Values: url.Values{"public": {"1"}, "contact": {"phone"}}, Errors: map[string]string{}})
}

// draftForm is the form of a new proposal, f its values.
func (s *pages) draftForm(c *web.Call, f *web.Form) (web.View, error) {
	r, sc := c.R, c.Scope
	d := draftData{Form: f, Contacts: web.Options(cppcc.Contacts)}
	var err error
	if d.Me, err = s.Cppcc.Me(r.Context(), sc, c.ID.User.ID); err != nil {
		return web.View{}, err
	}
	if d.Categories, err = s.Cppcc.Names(r.Context(), d.Me.CommitteeID, "category"); err != nil {
		return web.View{}, err
	}
	ms, err := s.coSigners(r, sc, d.Me)
	if err != nil {
		return web.View{}, err
	}
	d.CoSigners, _ = signersPicker(f, ms)
	return web.View{Name: "proposalform.html", Title: "起草提案", Data: d}, nil
}

func (s *pages) cppccDraft(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	p, err := s.draft(c, f)
	if err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) {
			if p.ID != 0 { // saved, but not submitted: the draft's page says why
				return s.proposalPage(c, auth.PermCppccSelf, cppcc.ViewMember, p.ID, map[string]*web.Form{"submit": f})
			}
			return s.draftForm(c, f)
		})
	}
	msg := "已暂存,只有您本人可见"
	if p.State == "signing" {
		msg = "已提交,正在征集联名"
	} else if p.State == "submitted" {
		msg = "已提交,等待提案委员会审查"
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/my/%d", p.ID), Flash: msg}, nil
}

// draft saves the caller's new proposal from f, and submits it when the
// form asks to.
func (s *pages) draft(c *web.Call, f *web.Form) (cppcc.Proposal, error) {
	r, sc := c.R, c.Scope
	me, err := s.Cppcc.Me(r.Context(), sc, c.ID.User.ID)
	if err != nil {
		return cppcc.Proposal{}, err
	}
	ms, err := s.coSigners(r, sc, me)
	if err != nil {
		return cppcc.Proposal{}, err
	}
	picker, co := signersPicker(f, ms)
	if err := pickErrors(picker); err != nil {
		return cppcc.Proposal{}, err
	}
	way := "member"
	if len(co) > 0 {
		way = "joint"
	}
	in := cppcc.Input{CommitteeID: me.CommitteeID, Title: f.Get("title"), Category: f.Get("category"), Content: f.Get("content"), Way: way,
		Public: f.Get("public") == "1", PrivateReason: f.Get("private_reason"), Contact: f.Get("contact"), CoSigners: co}
	p, err := s.Cppcc.Draft(r.Context(), sc, cppcc.ViewMember, in)
	if err != nil || f.Get("then") != "submit" {
		return p, err
	}
	return s.Cppcc.Submit(r.Context(), sc, p.ID)
}

func (s *pages) cppccMemberAct(c *web.Call) (web.Answer, error) {
	pid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.actions(c, cppcc.ViewMember, "/cppcc/my/%d", pid, map[string]action{
		"submit": {"已提交", func(ctx context.Context, sc store.Scope, _ *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Submit(ctx, sc, pid)
		}},
		"withdraw": {"已撤回", func(ctx context.Context, sc store.Scope, _ *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Withdraw(ctx, sc, pid)
		}},
		"sign": {"已答复联名邀请", func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Sign(ctx, sc, pid, f.Get("confirm") == "1")
		}},
		"comment": {"已补充意见", func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Comment(ctx, sc, pid, f.Get("note"))
		}},
		"evaluate": {"已提交评价,感谢您的意见", func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Evaluate(ctx, sc, pid, cppcc.EvaluateInput{Attitude: f.Get("attitude"), Result: f.Get("result"), Note: f.Get("note")})
		}},
	})
}

type inboxData struct {
	List  store.List[cppcc.Part]
	Pager web.Pager
	Open  bool
	Names map[int64]string
}

func (s *pages) cppccInbox(c *web.Call) (web.Answer, error) {
	r, sc := c.R, c.Scope
	d := inboxData{Open: r.URL.Query().Get("all") != "1", Names: map[int64]string{}}
	var err error
	if d.List, err = s.Cppcc.Inbox(r.Context(), sc, d.Open, web.PageOf(r)); err != nil {
		return nil, err
	}
	for _, x := range d.List.Items {
		p, err := s.Cppcc.Get(r.Context(), sc, cppcc.ViewUnit, x.ProposalID)
		if err != nil {
			return nil, err
		}
		d.Names[x.ProposalID] = strings.TrimSpace(p.NumberText + " " + p.Title)
	}
	d.Pager = web.NewPager(r, d.List.Total, web.PageOf(r))
	return web.View{Name: "inbox.html", Title: "承办提案", Data: d}, nil
}

func (s *pages) cppccUnitAct(c *web.Call) (web.Answer, error) {
	r := c.R
	partID, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	return s.actions(c, cppcc.ViewUnit, "/cppcc/inbox/%d", web.ParseID(r.PostFormValue("proposal")), map[string]action{
		"object": {"已申请调整承办单位", func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Object(ctx, sc, partID, f.Get("text"))
		}},
		"opinion": {"已向主办单位提出会办意见", func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Opinion(ctx, sc, partID, f.Get("text"))
		}},
		"extension": {"已申请延期", func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			until := f.Date("until")
			if until == nil {
				return cppcc.Proposal{}, apperr.InvalidField("until", "请填写延至的日期")
			}
			return s.Cppcc.AskExtension(ctx, sc, partID, f.Get("text"), *until)
		}},
		"reply": {"已答复提案者", func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			in := cppcc.ReplyInput{Class: f.Get("class"), Text: f.Get("text"), Contact: f.Get("contact")}
			if file, hdr, err := r.FormFile("file"); err == nil {
				defer file.Close()
				if in.Letter, err = io.ReadAll(file); err != nil {
					return cppcc.Proposal{}, err
				}
				in.LetterName = hdr.Filename
			}
			return s.Cppcc.Reply(ctx, sc, partID, in)
		}},
	})
}
