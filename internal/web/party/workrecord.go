package party

import (
	"slices"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

// A work record's page: its facts, its steps, the records under it and
// the forms that change it; the change, the step and the deletion.

type childView struct {
	Kind *work.Kind
	Head []string
	Rows []rowView
	Add  *formView
}

type fact struct {
	Label, Value, Href string
	Warn               bool
}

type recordData struct {
	Kind     *work.Kind
	Heading  string
	Rec      work.Record
	Parent   *work.Record
	Facts    []fact
	Edit     *formView
	Notice   string
	Actions  []formView
	Children []childView
	Delete   bool
	// Reminders are the 催办 of a record that has a state to chase.
	Reminders *remindView
}

func (s *pages) workRecord(c *web.Call) (web.Answer, error) {
	rid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.showRecord(c, c.R.PathValue("kind"), rid, nil)
}

// showRecord shows a record with its facts, its steps, the records under it
// and the forms to change it; forms holds what a refused form typed, by kind
// (or by "edit" and by action name).
func (s *pages) showRecord(c *web.Call, kind string, rid int64, forms map[string]*web.Form) (web.Answer, error) {
	r := c.R
	k, ok := work.KindOf(kind)
	if !ok {
		return nil, apperr.NotFound("页面")
	}
	d := recordData{Kind: k}
	sc, err := c.Within(auth.PermWorkRead)
	if err != nil {
		return nil, err
	}
	if d.Rec, err = s.Work.Get(r.Context(), sc, k, rid); err != nil {
		return nil, err
	}
	if k.Parent != "" {
		pk, _ := work.KindOf(k.Parent)
		p, err := s.Work.Get(r.Context(), sc, pk, d.Rec.ParentID)
		if err != nil {
			return nil, err
		}
		d.Parent = &p
	}
	if title, ok := k.Field(k.Title()); ok {
		d.Heading = display(d.Rec, title, true)
	}
	d.Facts = append(d.Facts, fact{Label: "所属党组织", Value: d.Rec.OrgName, Href: "/orgs/" + web.Itoa(d.Rec.OrgID)})
	for _, fd := range k.Fields {
		ft := fact{Label: fd.Label, Value: display(d.Rec, fd, true)}
		if fd.Type == work.File && d.Rec.Int(fd.Col) != 0 {
			ft.Href = "/attachments/" + web.Itoa(d.Rec.Int(fd.Col))
		}
		ft.Warn = ft.Value == "已逾期"
		d.Facts = append(d.Facts, ft)
	}
	d.Facts = append(d.Facts, fact{Label: "录入", Value: d.Rec.Maker + " " + d.Rec.CreatedAt.In(date.Shanghai).Format("2006-01-02 15:04")})
	write := c.ID.Allows(auth.PermWorkWrite, d.Rec.OrgPath)
	if k.Status != "" {
		suggest := d.Rec.OrgName
		if d.Parent != nil && d.Parent.Str("helper") != "" {
			suggest = d.Parent.Str("helper")
		}
		if d.Reminders, err = s.remindFor(r.Context(), sc, k.Name, rid, suggest, write); err != nil {
			return nil, err
		}
	}
	if k.Lock != nil {
		d.Notice = k.Lock(d.Rec)
	}
	if write && d.Notice == "" {
		fv, err := s.buildForm(r, sc, k, "", &d.Rec, forms["edit"], d.Rec.OrgID)
		if err != nil {
			return nil, err
		}
		fv.Action, fv.Title, fv.Submit = "/work/"+k.Name+"/"+web.Itoa(rid), "修改", "保存修改"
		d.Edit, d.Delete = &fv, true
	}
	for _, a := range k.Actions {
		perm := auth.PermWorkWrite
		if a.Checker {
			perm = auth.PermFundApprove
		}
		if !c.ID.Allows(perm, d.Rec.OrgPath) || !slices.Contains(a.From, d.Rec.Str(k.Status)) {
			continue
		}
		if a.Undoes != "" && store.Now(s.Work.Now).Sub(d.Rec.UpdatedAt) > work.UndoWindow {
			continue // past the time a step may be taken back
		}
		if a.Checker && c.ID.User.ID == d.Rec.CreatedBy {
			d.Notice = "“" + a.Label + "”须由录入人以外的另一名有审批权限的用户办理"
			continue
		}
		fv, err := s.buildForm(r, sc, k, a.Name, nil, forms[a.Name], d.Rec.OrgID)
		if err != nil {
			return nil, err
		}
		fv.Action, fv.Title, fv.Submit = "/work/"+k.Name+"/"+web.Itoa(rid)+"/act/"+a.Name, a.Label, a.Label
		// A step is a button in sight, asked once more before it is taken.
		fv.Step, fv.Confirm = true, "确定“"+a.Label+"”?办理后记录状态随之改变。"
		d.Actions = append(d.Actions, fv)
	}
	for _, ck := range k.Children() {
		l, err := s.Work.List(r.Context(), sc, ck, work.Filter{ParentID: rid}, store.Page{Size: 200})
		if err != nil {
			return nil, err
		}
		cv := childView{Kind: ck}
		cv.Head, cv.Rows = rows(ck, l.Items, false)
		if write {
			fv, err := s.buildForm(r, sc, ck, "", nil, forms[ck.Name], d.Rec.OrgID)
			if err != nil {
				return nil, err
			}
			fv.Action, fv.Title, fv.Submit = "/work/"+ck.Name+"?parent="+web.Itoa(rid), "添加"+ck.Noun, "添加"
			cv.Add = &fv
		}
		d.Children = append(d.Children, cv)
	}
	return web.View{Name: "workrecord.html", Title: k.Noun, Data: d}, nil
}

func (s *pages) workUpdate(c *web.Call) (web.Answer, error) {
	return s.workChange(c, "edit")
}

func (s *pages) workAct(c *web.Call) (web.Answer, error) {
	return s.workChange(c, c.R.PathValue("action"))
}

// workChange saves the edit form (step "edit") or takes a step of a record.
func (s *pages) workChange(c *web.Call, step string) (web.Answer, error) {
	r := c.R
	k, ok := work.KindOf(r.PathValue("kind"))
	rid, err := web.PathID(r)
	if !ok || err != nil {
		return nil, apperr.NotFound("页面")
	}
	f := web.NewForm(r)
	perm, msg := auth.PermWorkWrite, "已保存修改"
	a, isAction := k.Action(step)
	if isAction {
		msg = "已办理:" + a.Label
		if a.Checker {
			perm = auth.PermFundApprove
		}
	}
	// A step of the checker's is taken within the grants that approve; a
	// caller without one sees the record again with the refusal.
	err = c.ID.Within(perm, func(sc store.Scope) error {
		rec, err := s.Work.Get(r.Context(), sc, k, rid)
		if err != nil {
			return err
		}
		if !isAction {
			in, err := s.input(r, k, "", f, rec.OrgID)
			if err != nil {
				return err
			}
			_, err = s.Work.Save(r.Context(), sc, k, rid, in)
			return err
		}
		in, err := s.input(r, k, step, f, rec.OrgID)
		if err != nil {
			return err
		}
		_, err = s.Work.Act(r.Context(), sc, k, rid, step, in)
		return err
	})
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.showRecord(c, k.Name, rid, map[string]*web.Form{step: f}) })
	}
	return web.Redirect{To: "/work/" + k.Name + "/" + web.Itoa(rid), Flash: msg}, nil
}

func (s *pages) workDelete(c *web.Call) (web.Answer, error) {
	k, ok := work.KindOf(c.R.PathValue("kind"))
	rid, err := web.PathID(c.R)
	if !ok || err != nil {
		return nil, apperr.NotFound("页面")
	}
	rec, err := s.Work.Get(c.R.Context(), c.Scope, k, rid)
	if err != nil {
		return nil, err
	}
	if err := s.Work.Delete(c.R.Context(), c.Scope, k, rid); err != nil {
		return nil, err
	}
	if k.Parent != "" {
		return web.Redirect{To: "/work/" + k.Parent + "/" + web.Itoa(rec.ParentID), Flash: "已删除" + k.Noun}, nil
	}
	return web.Redirect{To: "/work/" + k.Name + "?org=" + web.Itoa(rec.OrgID), Flash: "已删除" + k.Noun}, nil
}
