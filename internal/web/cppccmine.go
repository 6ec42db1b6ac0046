package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/store"
)

// A member's proposals (the draft, co-signing, evaluation) and a handling
// unit's inbox with its steps.

type mineData struct {
	Me       cppcc.Member
	Mine     store.List[cppcc.Proposal]
	ToSign   []cppcc.Proposal
	Pager    pager
	Public   bool
	PublicOf store.List[cppcc.Proposal]
}

func (s *Site) cppccMine(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	var d mineData
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		var err error
		if d.Me, err = s.Cppcc.Me(r.Context(), sc, id.User.ID); err != nil {
			return err
		}
		q := r.URL.Query()
		state, _ := cppcc.States.Parse(q.Get("state"))
		f := cppcc.Filter{Mine: true, Own: q.Get("own") == "1", State: state}
		if d.Mine, err = s.Cppcc.List(r.Context(), sc, cppcc.ViewMember, f, pageOf(r)); err != nil {
			return err
		}
		toSign, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewMember, cppcc.Filter{ToSign: true}, store.Page{Size: store.MaxSize})
		d.ToSign = toSign.Items
		d.Pager = newPager(r, d.Mine.Total, pageOf(r))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "cppccmine.html", "我的提案", d)
}

type draftData struct {
	Me         cppcc.Member
	Categories []string
	CoSigners  manyPick
	Contacts   []optionItem
	Form       *form
}

// signersPicker is the draft's picker of co-signers, resolved from f.
func signersPicker(f *form, ms []cppcc.Member) (manyPick, []int64) {
	p := manyPick{ID: "co_signers", Q: "co_signers_q", Label: "附议委员(可多个;不选为个人提案)", Pick: "/cppcc/pick/members", Noun: "委员"}
	return p, pickMany(f, &p, memberPicks(ms))
}

// pickErrors is the refusal of pickers whose names typed found none or several.
func pickErrors(ps ...manyPick) error {
	var v apperr.Invalid
	for _, p := range ps {
		if p.Err != "" {
			v.Add(p.Q, "%s", p.Err)
		}
	}
	return v.Err()
}

func (s *Site) cppccNew(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.draftForm(w, r, id, &form{Values: url.Values{"public": {"1"}, "contact": {"phone"}}, Errors: map[string]string{}}, http.StatusOK)
}

func (s *Site) draftForm(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := draftData{Form: f, Contacts: options(cppcc.Contacts)}
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		var err error
		if d.Me, err = s.Cppcc.Me(r.Context(), sc, id.User.ID); err != nil {
			return err
		}
		if d.Categories, err = s.Cppcc.Names(r.Context(), d.Me.CommitteeID, "category"); err != nil {
			return err
		}
		ms, err := s.coSigners(r, sc, d.Me)
		d.CoSigners, _ = signersPicker(f, ms)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "proposalform.html", "起草提案", d)
}

func (s *Site) cppccDraft(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	var p cppcc.Proposal
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		me, err := s.Cppcc.Me(r.Context(), sc, id.User.ID)
		if err != nil {
			return err
		}
		ms, err := s.coSigners(r, sc, me)
		if err != nil {
			return err
		}
		picker, co := signersPicker(f, ms)
		if err := pickErrors(picker); err != nil {
			return err
		}
		way := "member"
		if len(co) > 0 {
			way = "joint"
		}
		in := cppcc.Input{CommitteeID: me.CommitteeID, Title: f.Get("title"), Category: f.Get("category"), Content: f.Get("content"), Way: way,
			Public: f.Get("public") == "1", PrivateReason: f.Get("private_reason"), Contact: f.Get("contact"), CoSigners: co}
		if p, err = s.Cppcc.Draft(r.Context(), sc, cppcc.ViewMember, in); err != nil {
			return err
		}
		if f.Get("then") == "submit" {
			p, err = s.Cppcc.Submit(r.Context(), sc, p.ID)
		}
		return err
	})
	if err == nil {
		msg := "已暂存,只有您本人可见"
		if p.State == "signing" {
			msg = "已提交,正在征集联名"
		} else if p.State == "submitted" {
			msg = "已提交,等待提案委员会审查"
		}
		done(w, r, fmt.Sprintf("/cppcc/my/%d", p.ID), msg)
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	if p.ID != 0 { // saved, but not submitted: the draft's page says why
		s.proposalPage(w, r, id, auth.PermCppccSelf, cppcc.ViewMember, p.ID, map[string]*form{"submit": f}, http.StatusBadRequest)
		return
	}
	s.draftForm(w, r, id, f, http.StatusBadRequest)
}

func (s *Site) cppccMemberAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	pid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.actions(w, r, id, auth.PermCppccSelf, cppcc.ViewMember, "/cppcc/my/%d", pid, map[string]action{
		"submit": {"已提交", func(ctx context.Context, sc store.Scope, _ *form) (cppcc.Proposal, error) {
			return s.Cppcc.Submit(ctx, sc, pid)
		}},
		"withdraw": {"已撤回", func(ctx context.Context, sc store.Scope, _ *form) (cppcc.Proposal, error) {
			return s.Cppcc.Withdraw(ctx, sc, pid)
		}},
		"sign": {"已答复联名邀请", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Sign(ctx, sc, pid, f.Get("confirm") == "1")
		}},
		"comment": {"已补充意见", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Comment(ctx, sc, pid, f.Get("note"))
		}},
		"evaluate": {"已提交评价,感谢您的意见", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Evaluate(ctx, sc, pid, cppcc.EvaluateInput{Attitude: f.Get("attitude"), Result: f.Get("result"), Note: f.Get("note")})
		}},
	})
}

type inboxData struct {
	List  store.List[cppcc.Part]
	Pager pager
	Open  bool
	Names map[int64]string
}

func (s *Site) cppccInbox(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d := inboxData{Open: r.URL.Query().Get("all") != "1", Names: map[int64]string{}}
	err := id.Within(auth.PermCppccHandle, func(sc store.Scope) error {
		var err error
		if d.List, err = s.Cppcc.Inbox(r.Context(), sc, d.Open, pageOf(r)); err != nil {
			return err
		}
		for _, x := range d.List.Items {
			p, err := s.Cppcc.Get(r.Context(), sc, cppcc.ViewUnit, x.ProposalID)
			if err != nil {
				return err
			}
			d.Names[x.ProposalID] = strings.TrimSpace(p.NumberText + " " + p.Title)
		}
		d.Pager = newPager(r, d.List.Total, pageOf(r))
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "inbox.html", "承办提案", d)
}

func (s *Site) cppccUnitAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	partID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.actions(w, r, id, auth.PermCppccHandle, cppcc.ViewUnit, "/cppcc/inbox/%d", parseID(r.PostFormValue("proposal")), map[string]action{
		"object": {"已申请调整承办单位", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Object(ctx, sc, partID, f.Get("text"))
		}},
		"opinion": {"已向主办单位提出会办意见", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Opinion(ctx, sc, partID, f.Get("text"))
		}},
		"extension": {"已申请延期", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			until := f.date("until")
			if until == nil {
				return cppcc.Proposal{}, apperr.InvalidField("until", "请填写延至的日期")
			}
			return s.Cppcc.AskExtension(ctx, sc, partID, f.Get("text"), *until)
		}},
		"reply": {"已答复提案者", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
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
