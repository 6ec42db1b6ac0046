package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// Periods of the to-do list: a probation ending within probationSoon days,
// a term within termSoon days.
const (
	probationSoon = 30
	TermSoon      = 90
)

// TodoItem is one line of the to-do list: how many things are due and the
// list, with the same filter, where they are handled.
type TodoItem struct {
	Label, Org, Href, Hint string
	N                      int64
	More                   bool
}

// Todos lists what is due in the caller's scope, one line per kind of
// thing and per organisation the caller looks after; each count is the
// total of the list its link opens.
func (s *Site) Todos(ctx context.Context, id auth.Identity) ([]TodoItem, error) {
	var out []TodoItem
	add := func(label string, o org.Org, many bool, href, hint string, n int64, more bool) {
		if n == 0 {
			return
		}
		it := TodoItem{Label: label, Href: href, Hint: hint, N: n, More: more}
		if many {
			it.Org = o.Name
		}
		out = append(out, it)
	}
	// The lists, each over the organisations at the top of the caller's
	// scopes for its permission (one line each when there are several).
	each := func(perm auth.Perm, fn func(sc store.Scope, o org.Org, many bool) error) error {
		return id.Within(perm, func(sc store.Scope) error {
			roots, err := s.Orgs.Roots(ctx, sc)
			if err != nil {
				return err
			}
			for _, o := range roots {
				if err := fn(sc, o, len(roots) > 1); err != nil {
					return err
				}
			}
			return nil
		})
	}
	has := func(p auth.Perm) bool { return len(id.ScopesFor(p)) > 0 }
	one := store.Page{Size: 1}
	if has(auth.PermWorkRead) {
		err := each(auth.PermWorkRead, func(sc store.Scope, o org.Org, many bool) error {
			for _, v := range []struct{ kind, view, label, hint string }{
				{"pairing_items", "overdue", "逾期未兑现的承诺事项", "过了承诺完成日期仍未确认兑现"},
				{"pairing_items", "soon", "七日内到期的承诺事项", "请提前督促办理"},
				{"disbursements", "pending", "待审批的资金发放", "由另一名工作人员审批后计入发放"},
			} {
				k, _ := work.KindOf(v.kind)
				f, err := work.FilterOf(k, url.Values{"view": {v.view}})
				if err != nil {
					return err
				}
				f.OrgID = o.ID
				l, err := s.Work.List(ctx, sc, k, f, one)
				if err != nil {
					return err
				}
				add(v.label, o, many, "/work/"+v.kind+"?org="+Itoa(o.ID)+"&view="+v.view, v.hint, l.Total, l.More)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if has(auth.PermMemberRead) {
		err := each(auth.PermMemberRead, func(sc store.Scope, o org.Org, many bool) error {
			l, err := s.Members.ListTransfers(ctx, sc, member.TransferFilter{OrgID: o.ID, Risk: true}, one)
			if err != nil {
				return err
			}
			add("过了有效期未接收的组织关系介绍信", o, many, "/transfers?org="+Itoa(o.ID)+"&tab=risk", "可能形成“口袋党员”,请联系接收方", l.Total, false)
			ml, err := s.Members.List(ctx, sc, member.Filter{OrgID: o.ID, Category: "probationary", ProbationDue: probationSoon}, one)
			if err != nil {
				return err
			}
			add("预备期30日内届满的预备党员", o, many, "/members?org="+Itoa(o.ID)+"&category=probationary&probation_due="+strconv.Itoa(probationSoon),
				"预备期满应及时讨论能否转正", ml.Total, ml.More)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if has(auth.PermOrgRead) {
		err := each(auth.PermOrgRead, func(sc store.Scope, o org.Org, many bool) error {
			l, err := s.Orgs.DueTerms(ctx, sc, org.TermFilter{OrgID: o.ID, By: s.Work.Today().AddDate(0, 0, TermSoon)}, one)
			if err != nil {
				return err
			}
			add("90日内任期届满或已到期的党组织", o, many, "/orgs/terms?org="+Itoa(o.ID), "应按期换届", l.Total, l.More)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if err := s.cppccTodos(ctx, id, func(label, href, hint string, n int64, more bool) {
		add(label, org.Org{}, false, href, hint, n, more)
	}); err != nil {
		return nil, err
	}
	var requests int64
	for _, sc := range id.ScopesFor(auth.PermRequestAdmin) {
		l, err := s.Members.Requests(ctx, sc, "pending", 0, one)
		if err != nil {
			return nil, err
		}
		requests += l.Total
	}
	add("待审核的党员信息修改申请", org.Org{}, false, "/me#to-decide", "党员本人提交,同意后写入档案", requests, false)
	return out, nil
}

// counted is a user's header count as last worked out.
type counted struct {
	text    string
	at      time.Time
	changes uint64 // stats.Changes() then
}

// headerCounts keeps each user's header count for todoTTL, or until
// figures change in this process: the header is on every page, and its
// queries need not run on each. The to-do list itself is always counted
// afresh, so its numbers equal the lists they open.
var headerCounts = struct {
	sync.Mutex
	m map[int64]counted
}{m: map[int64]counted{}}

const todoTTL = 30 * time.Second

// todoCount is the header's count of what is due, "" when nothing is (or
// the count fails: the page itself still shows).
func (s *Site) todoCount(r *http.Request, id auth.Identity) string {
	changes := stats.Changes()
	headerCounts.Lock()
	c, ok := headerCounts.m[id.User.ID]
	headerCounts.Unlock()
	if ok && c.changes == changes && time.Since(c.at) < todoTTL {
		return c.text
	}
	items, err := s.Todos(r.Context(), id)
	if err != nil {
		s.Log.Warn("to-do count", "err", err)
		return ""
	}
	return Remember(id, items, changes)
}

// Remember keeps the header's count of the items just counted (by the
// header, or by a page that lists them: the header then counts nothing
// again) and returns it; changes is stats.Changes() from before the count,
// so that a change made meanwhile is not taken as counted.
func Remember(id auth.Identity, items []TodoItem, changes uint64) string {
	now, text := time.Now(), countText(items)
	headerCounts.Lock()
	defer headerCounts.Unlock()
	for k, v := range headerCounts.m {
		if now.Sub(v.at) >= todoTTL {
			delete(headerCounts.m, k)
		}
	}
	headerCounts.m[id.User.ID] = counted{text, now, changes}
	return text
}

// countText is the header's words for the items due: "", a number, or "99+".
func countText(items []TodoItem) string {
	var n int64
	more := false
	for _, it := range items {
		n += it.N
		more = more || it.More
	}
	switch {
	case n == 0:
		return ""
	case more || n > 99:
		return "99+"
	}
	return strconv.FormatInt(n, 10)
}

type todoData struct {
	Items []TodoItem
}

// todoPage is the to-do list.
func (s *Site) todoPage(c *Call) (Answer, error) {
	changes := stats.Changes()
	items, err := s.Todos(c.R.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	Remember(c.ID, items, changes)
	return View{Name: "todo.html", Title: "待办事项", Data: todoData{Items: items}}, nil
}
