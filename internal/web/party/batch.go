package party

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// batchPicker is the receiving organisation of the letters of a selection.
func batchPicker() web.OrgPick {
	return web.OrgPick{ID: "to_org_id", Q: "to_q", Label: "接收的党组织(系统内)", For: "transfer"}
}

// selection reads the people ticked on the roster.
func selection(f *web.Form) []int64 {
	var ids []int64
	for _, v := range f.Values["m"] {
		if n := web.ParseID(v); n > 0 && len(ids) < member.MaxSelection {
			ids = append(ids, n)
		}
	}
	return ids
}

// memberBatch carries out one operation on the people ticked on the
// roster: their export, or a letter for each (received at once when the
// receiving organisation is the caller's too: a move within the scope).
func (s *pages) memberBatch(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	ids := selection(f)
	if len(ids) == 0 {
		return web.Refused(r, f, errNoSelection, func() (web.Answer, error) { return s.memberListWith(c, f) })
	}
	switch f.Get("op") {
	case "export":
		o, err := s.Orgs.GetOrTop(r.Context(), c.Scope, web.QueryID(r, "org"))
		if err != nil {
			return nil, err
		}
		name, write, err := spreadsheet.MembersExport(r.Context(), s.DB, s.Members, c.Scope, o, member.Filter{IDs: ids}, "")
		if err != nil {
			return nil, err
		}
		return web.Download{Name: strings.TrimSuffix(name, ".xlsx") + "(所选" + strconv.Itoa(len(ids)) + "人).xlsx", ContentType: web.XlsxType, Stream: true, Write: write}, nil
	case "letters":
		return s.batchLetters(c, f, ids)
	}
	return nil, web.ErrUnknownOp
}

// errBusyStep is one person's step of a batch the database still
// cancelled after its retries.
var errBusyStep = apperr.New("busy", http.StatusServiceUnavailable, "数据库正忙,未能办理,请稍后对此人重试")

// errNoSelection refuses a batch operation on no one.
var errNoSelection = apperr.New("no_selection", http.StatusBadRequest, "请先在名册中勾选人员(每次最多%d人)", member.MaxSelection)

func (s *pages) batchLetters(c *web.Call, f *web.Form, ids []int64) (web.Answer, error) {
	ctx := c.R.Context()
	p := batchPicker()
	to, err := s.PickOrg(ctx, c.ID, f, &p)
	if err != nil {
		return nil, err
	}
	in := letterInput(f)
	in.ToOrgID = to
	if in.IssuedOn.IsZero() {
		in.IssuedOn = s.Work.Today()
	}
	// What the letters say is checked once, beside its fields; the
	// receiving organisation's message goes under its picker.
	if err := s.Members.CheckLetter(&in); !f.Fail(err) && err != nil {
		return nil, err
	}
	if msg := f.Errors["to_org_id"]; msg != "" {
		delete(f.Errors, "to_org_id")
		f.Errors[p.Q] = cmp.Or(f.Errors[p.Q], msg)
	}
	if err := f.Invalid(); err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.memberListWith(c, f) })
	}
	receive := f.Get("receive") == "1"
	var issued, moved int
	var refusals []string
	// Each person's letter is a transaction of its own, retried alone when
	// the database cancels it; one still cancelled is told as that person's
	// refusal, so that the page is never run again over the letters
	// already written (which would issue a second one to a person received).
	step := func(fn func() error) error {
		err := store.Retry(ctx, fn)
		if store.Transient(err) {
			return errBusyStep
		}
		return err
	}
	err = c.ID.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		for _, mid := range ids {
			m, err := s.Members.Get(ctx, sc, mid)
			if err != nil {
				if _, ok := apperr.As(err); ok {
					continue // not the caller's: as if never ticked
				}
				return err
			}
			in.MemberID = mid
			var t member.Transfer
			err = step(func() (err error) { t, err = s.Members.Issue(ctx, sc, in); return err })
			if ae, ok := apperr.As(err); ok {
				refusals = append(refusals, m.Name+":"+ae.Message)
				continue
			} else if err != nil {
				return err
			}
			issued++
			if receive && to != 0 {
				err := step(func() error { _, err := s.Members.Receive(ctx, sc, t.ID, date.Date{}); return err })
				if err == nil {
					moved++
				} else if ae, ok := apperr.As(err); ok {
					refusals = append(refusals, m.Name+"(介绍信已开具,未能同时接收):"+ae.Message)
				} else {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	msg := "已为 " + strconv.Itoa(issued) + " 人开具介绍信"
	if receive && to != 0 {
		msg += ",其中 " + strconv.Itoa(moved) + " 人已同时接收"
	}
	if len(refusals) > 0 {
		msg += ";" + strconv.Itoa(len(refusals)) + " 人未办:" + strings.Join(refusals, ";")
	}
	return web.Redirect{To: "/transfers?tab=all", Flash: msg}, nil
}
