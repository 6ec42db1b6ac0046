package web

import (
	"context"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/store"
)

// cppccTodos adds the consultative work's things due: the office's
// proposals to review, to assign and overdue; a member's invitations to
// co-sign and replies to evaluate; a unit's open parts. Each count is the
// total of the list its link opens.
func (s *Site) cppccTodos(ctx context.Context, id auth.Identity, add func(label, href, hint string, n int64, more bool)) error {
	type due struct {
		f                 cppcc.Filter
		label, href, hint string
	}
	lists := []struct {
		perm auth.Perm
		view cppcc.View
		due  []due
	}{
		{auth.PermCppccWrite, cppcc.ViewOffice, []due{
			{cppcc.Filter{State: "submitted"}, "待审查的提案", "/cppcc?state=submitted", "立案、退回修改、不予立案或并案"},
			{cppcc.Filter{State: "filed"}, "已立案待交办的提案", "/cppcc?state=filed", "交主办、会办或分办单位"},
			{cppcc.Filter{Overdue: true}, "承办单位逾期未办的提案", "/cppcc?overdue=1", "请催办"},
		}},
		{auth.PermCppccSelf, cppcc.ViewMember, []due{
			{cppcc.Filter{ToSign: true}, "请您联名的提案", "/cppcc/my#to-sign", "在会签期限内确认或不同意"},
			{cppcc.Filter{Own: true, State: "replied"}, "待您评价的答复", "/cppcc/my?own=1&state=replied", "评价办理态度和结果"},
		}},
	}
	one := store.Page{Size: 1}
	for _, l := range lists {
		if len(id.ScopesFor(l.perm)) == 0 {
			continue
		}
		err := id.Within(l.perm, func(sc store.Scope) error {
			var committee int64
			if l.view == cppcc.ViewOffice {
				c, err := s.Cppcc.CommitteeOf(ctx, sc)
				if err != nil {
					return err
				}
				committee = c.ID
			} else if _, err := s.Cppcc.Me(ctx, sc, id.User.ID); err != nil {
				return nil // an account not linked to a member's record has nothing due
			}
			for _, d := range l.due {
				d.f.CommitteeID = committee
				list, err := s.Cppcc.List(ctx, sc, l.view, d.f, one)
				if err != nil {
					return err
				}
				add(d.label, d.href, d.hint, list.Total, list.More)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := s.publicTodos(ctx, id, add); err != nil {
		return err
	}
	if len(id.ScopesFor(auth.PermCppccHandle)) == 0 {
		return nil
	}
	return id.Within(auth.PermCppccHandle, func(sc store.Scope) error {
		l, err := s.Cppcc.Inbox(ctx, sc, true, one)
		if err != nil {
			return err
		}
		add("未办完的承办提案", "/cppcc/inbox", "按期限答复或提出会办意见", l.Total, false)
		cs, err := s.Cppcc.Letters.Cases(ctx, sc, cppcc.ViewUnit, letters.CaseFilter{State: "handling"}, one)
		if err == nil {
			add("待办理的来信和信访件", "/cppcc/inbox/letters", "在期限内出具处理意见;情况复杂的经负责人批准延期", cs.Total, false)
		}
		return err
	})
}

// publicTodos are the office's things due in the public channel: letters
// to accept, letters held for review, cases past their date (to supervise),
// 社情民意 to edit, forum comments to moderate.
func (s *Site) publicTodos(ctx context.Context, id auth.Identity, add func(label, href, hint string, n int64, more bool)) error {
	if len(id.ScopesFor(auth.PermCppccWrite)) == 0 {
		return nil
	}
	one := store.Page{Size: 1}
	return id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(ctx, sc)
		if err != nil {
			return err
		}
		for _, d := range []struct {
			f                 letters.CaseFilter
			label, href, hint string
		}{
			{letters.CaseFilter{State: "received", Clean: true}, "待受理的来信", "/cppcc/letters?tab=received", "收到之日起15日内告知是否受理"},
			{letters.CaseFilter{Held: true}, "被拦截待审核的来信", "/cppcc/letters?tab=held", "放行,或确认为垃圾信息"},
			{letters.CaseFilter{Overdue: true}, "逾期的来信和信访件", "/cppcc/letters?tab=overdue", "请督办"},
		} {
			d.f.CommitteeID = c.ID
			l, err := s.Cppcc.Letters.Cases(ctx, sc, cppcc.ViewOffice, d.f, one)
			if err != nil {
				return err
			}
			add(d.label, d.href, d.hint, l.Total, false)
		}
		ops, err := s.Cppcc.Opinions.Opinions(ctx, sc, cppcc.ViewOffice, opinion.Filter{CommitteeID: c.ID, State: "submitted"}, one)
		if err != nil {
			return err
		}
		add("待核稿的社情民意", "/cppcc/opinions?tab=submitted", "核稿后编入专刊", ops.Total, false)
		n, err := s.Cppcc.Forum.QueueSize(ctx, sc, c.ID)
		if err == nil {
			add("待审核的论坛内容", "/cppcc/moderation", "被拦截的评论和被举报隐藏的内容", n, false)
		}
		return err
	})
}
