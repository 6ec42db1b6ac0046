package party

import (
	"context"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/remind"
	"dangjian/internal/store"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

func (s *pages) reminders() *remind.Service { return &remind.Service{DB: s.DB} }

// remindView is the 催办 part of a page: the reminders made and the form.
type remindView struct {
	Type    string
	ID      int64
	Suggest string // whom to remind, as the thing names them
	List    []remind.Reminder
	CanAdd  bool
}

// remindFor lays out the reminders about a thing the caller sees in sc.
func (s *pages) remindFor(ctx context.Context, sc store.Scope, typ string, id int64, suggest string, canAdd bool) (*remindView, error) {
	l, err := s.reminders().List(ctx, sc, typ, id)
	if err != nil {
		return nil, err
	}
	return &remindView{Type: typ, ID: id, Suggest: suggest, List: l, CanAdd: canAdd}, nil
}

// remindAdd records a 催办 about a work record, a letter or an
// organisation's term, found in the caller's scope for changing it.
func (s *pages) remindAdd(c *web.Call) (web.Answer, error) {
	r, id := c.R, c.ID
	f := web.NewForm(r)
	typ, oid := f.Get("object_type"), f.ID("object_id")
	var o remind.Object
	var back string
	var err error
	switch k, isWork := work.KindOf(typ); {
	case isWork:
		err = id.Within(auth.PermWorkWrite, func(sc store.Scope) error {
			rec, err := s.Work.Get(r.Context(), sc, k, oid)
			o, back = remind.Object{Type: typ, ID: rec.ID, OrgID: rec.OrgID, OrgPath: rec.OrgPath}, "/work/"+typ+"/"+web.Itoa(rec.ID)
			return err
		})
	case typ == "transfer":
		err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
			t, err := s.Members.GetTransfer(r.Context(), sc, oid)
			if err != nil {
				return err
			}
			// Kept under the side of the letter the caller looks after.
			side := t.FromOrgID
			if p := s.pathOf(r, side); p == "" || !sc.Contains(p) {
				side = t.ToOrgID
			}
			if side == nil {
				return apperr.NotFound("组织关系介绍信")
			}
			o, back = remind.Object{Type: typ, ID: t.ID, OrgID: *side, OrgPath: s.pathOf(r, side)}, "/transfers/"+web.Itoa(t.ID)+"/print"
			return nil
		})
	case typ == "org":
		err = id.Within(auth.PermOrgWrite, func(sc store.Scope) error {
			g, err := s.Orgs.Get(r.Context(), sc, oid)
			o, back = remind.Object{Type: typ, ID: g.ID, OrgID: g.ID, OrgPath: g.Path}, "/orgs/"+web.Itoa(g.ID)
			return err
		})
	default:
		err = apperr.NotFound("催办的事项")
	}
	if err == nil {
		var rm remind.Reminder
		rm, err = s.reminders().Add(r.Context(), o, f.Get("to_whom"), f.Get("note"))
		if err == nil {
			return web.Redirect{To: back + "#reminders", Flash: "已催办 " + rm.ToWhom + ",记入催办记录"}, nil
		}
	}
	if ae, ok := apperr.As(err); ok && ae.Code != "not_found" && back != "" {
		return web.Redirect{To: back + "#reminders", Flash: "未催办:" + ae.Message}, nil
	}
	return nil, err
}
