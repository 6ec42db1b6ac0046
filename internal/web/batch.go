package web

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
)

// batchPicker is the receiving organisation of the letters of a selection.
func batchPicker() orgPick {
	return orgPick{ID: "to_org_id", Q: "to_q", Label: "接收的党组织(系统内)", For: "transfer"}
}

// selection reads the people ticked on the roster.
func selection(f *form) []int64 {
	var ids []int64
	for _, v := range f.Values["m"] {
		if n := parseID(v); n > 0 && len(ids) < member.MaxSelection {
			ids = append(ids, n)
		}
	}
	return ids
}

// memberBatch carries out one operation on the people ticked on the
// roster: their export, or a letter for each (received at once when the
// receiving organisation is the caller's too: a move within the scope).
func (s *Site) memberBatch(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	ids := selection(f)
	if len(ids) == 0 {
		f.Error = "请先在名册中勾选人员(每次最多" + strconv.Itoa(member.MaxSelection) + "人)"
		s.memberListWith(w, r, id, f, http.StatusBadRequest)
		return
	}
	switch f.Get("op") {
	case "export":
		err := id.Within(auth.PermMemberRead, func(sc store.Scope) error {
			o, err := s.Orgs.GetOrTop(r.Context(), sc, queryID(r, "org"))
			if err != nil {
				return err
			}
			name, write, err := spreadsheet.MembersExport(r.Context(), s.DB, s.Members, sc, o, member.Filter{IDs: ids}, "")
			if err != nil {
				return err
			}
			return sendXLSX(w, strings.TrimSuffix(name, ".xlsx")+"(所选"+strconv.Itoa(len(ids))+"人).xlsx", write)
		})
		if err != nil {
			s.fail(w, r, err)
		}
	case "letters":
		s.batchLetters(w, r, id, f, ids)
	default:
		s.fail(w, r, errUnknownOp)
	}
}

func (s *Site) batchLetters(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, ids []int64) {
	ctx := r.Context()
	p := batchPicker()
	to, err := s.pickOrg(ctx, id, f, &p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := letterInput(f)
	in.ToOrgID = to
	if in.IssuedOn.IsZero() {
		in.IssuedOn = s.Work.Today()
	}
	// What the letters say is checked once, beside its fields; the
	// receiving organisation's message goes under its picker.
	if err := s.Members.CheckLetter(&in); !f.fail(err) && err != nil {
		s.fail(w, r, err)
		return
	}
	if msg := f.Errors["to_org_id"]; msg != "" {
		delete(f.Errors, "to_org_id")
		f.Errors[p.Q] = cmp.Or(f.Errors[p.Q], msg)
	}
	if len(f.Errors) > 0 {
		s.memberListWith(w, r, id, f, http.StatusBadRequest)
		return
	}
	receive := f.Get("receive") == "1"
	var issued, moved int
	var refused []string
	err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		for _, mid := range ids {
			m, err := s.Members.Get(ctx, sc, mid)
			if err != nil {
				if _, ok := apperr.As(err); ok {
					continue // not the caller's: as if never ticked
				}
				return err
			}
			in.MemberID = mid
			t, err := s.Members.Issue(ctx, sc, in)
			if ae, ok := apperr.As(err); ok {
				refused = append(refused, m.Name+":"+ae.Message)
				continue
			} else if err != nil {
				return err
			}
			issued++
			if receive && to != 0 {
				if _, err := s.Members.Receive(ctx, sc, t.ID, date.Date{}); err == nil {
					moved++
				} else if ae, ok := apperr.As(err); ok {
					refused = append(refused, m.Name+"(介绍信已开具,未能同时接收):"+ae.Message)
				} else {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "已为 " + strconv.Itoa(issued) + " 人开具介绍信"
	if receive && to != 0 {
		msg += ",其中 " + strconv.Itoa(moved) + " 人已同时接收"
	}
	if len(refused) > 0 {
		msg += ";" + strconv.Itoa(len(refused)) + " 人未办:" + strings.Join(refused, ";")
	}
	done(w, r, "/transfers?tab=all", msg)
}
