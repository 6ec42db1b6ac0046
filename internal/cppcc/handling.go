package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/clock"
	"dangjian/internal/committee"
	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// AssignInput is an assignment (交办): one lead with co-handlers, or a split.
type AssignInput struct {
	Lead  int64   `json:"lead"`
	Co    []int64 `json:"co"`
	Split []int64 `json:"split"`
}

// Assign hands a filed proposal to its units.
func (s *Service) Assign(ctx context.Context, sc store.Scope, id int64, in AssignInput) (Proposal, error) {
	return s.change(ctx, sc, ViewOffice, id, func(tx *sql.Tx, p Proposal, c committee.Committee, _ int64) error {
		type part struct {
			unit int64
			role string
		}
		var parts []part
		switch {
		case in.Lead != 0 && len(in.Split) > 0:
			return apperr.InvalidField("split", "主办和分办只能选一种:主办单位(可加会办单位),或几个分办单位")
		case in.Lead != 0:
			parts = append(parts, part{in.Lead, "lead"})
			for _, u := range in.Co {
				parts = append(parts, part{u, "co"})
			}
		case len(in.Split) >= 2 && len(in.Co) == 0:
			for _, u := range in.Split {
				parts = append(parts, part{u, "split"})
			}
		default:
			return apperr.InvalidField("lead", "请选择一个主办单位,或至少两个分办单位")
		}
		seen := map[int64]bool{}
		for _, x := range parts {
			if seen[x.unit] {
				return apperr.InvalidField("co", "同一个承办单位不能选两次")
			}
			seen[x.unit] = true
			if err := s.addPart(ctx, tx, c, p, x.unit, x.role); err != nil {
				return err
			}
		}
		return s.step(ctx, tx, c, p, "assign", fmt.Sprintf("%d 个承办单位", len(parts)), "")
	})
}

// addPart gives a unit of the committee its part, with the committee's periods from today.
func (s *Service) addPart(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal, unit int64, role string) error {
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT name FROM committees WHERE id = $1 AND parent_id = $2 AND kind = 'unit'", unit, c.ID).Scan(&name); err != nil {
		if apperr.IsNotFound(err) {
			return apperr.InvalidField("lead", "所选承办单位不是本政协登记的承办单位")
		}
		if err != nil {
			return fmt.Errorf("add unit's part: %w", err)
		}
		return nil
	}
	today := s.Today()
	due := today.AddDate(0, c.Rules.ReplyMonths, 0)
	if role == "co" {
		due = today.AddDate(0, c.Rules.OpinionMonths, 0)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO proposal_units (province_id, proposal_id, committee_id, unit_id, role, state, assigned_on, object_by, due_on, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'handling', $6, $7, $8, $9) RETURNING id`, p.province, p.ID, c.ID, unit, role, today, today.AddDate(0, 0, c.Rules.ObjectDays), due, s.now()).Scan(&id); err != nil {
		if err != nil {
			return fmt.Errorf("add unit's part: %w", err)
		}
		return nil
	}
	if err := s.StartClockAt(ctx, tx, c, "part", id, partPeriod(role), today, due); err != nil {
		return err
	}
	return s.event(ctx, tx, c, p, "unit", "assign", "", PartHandling, UnitRoles.Label(role)+":"+name)
}

// part reads a unit's part the caller reaches, with its proposal.
func (s *Service) part(ctx context.Context, tx *sql.Tx, sc store.Scope, view View, partID int64) (Part, Proposal, committee.Committee, error) {
	var proposalID int64
	query := "SELECT proposal_id FROM proposal_units WHERE id = $1" + InRoute(sc, view, "province_id")
	if err := tx.QueryRowContext(ctx, query, partID).Scan(&proposalID); err != nil {
		if apperr.IsNotFound(err) {
			err = apperr.NotFound("承办任务")
		}
		return Part{}, Proposal{}, committee.Committee{}, err
	}
	p, err := s.get(ctx, tx, sc, view, proposalID)
	if apperr.IsNotFound(err) {
		err = apperr.NotFound("承办任务")
	}
	if err != nil {
		return Part{}, p, committee.Committee{}, err
	}
	i := slices.IndexFunc(p.Parts, func(x Part) bool { return x.ID == partID })
	if view == ViewUnit {
		lo, hi := sc.Range()
		var path string
		if err := tx.QueryRowContext(ctx, "SELECT path FROM committees WHERE id = $1", p.Parts[i].UnitID).Scan(&path); err != nil {
			return Part{}, p, committee.Committee{}, fmt.Errorf("read unit's part: %w", err)
		}
		if path < lo || path >= hi || !sc.Contains(path) {
			return Part{}, p, committee.Committee{}, apperr.NotFound("承办任务")
		}
	}
	c, err := s.Lookup(ctx, tx, store.All, p.CommitteeID, "committee")
	return p.Parts[i], p, c, err
}

// stepPart moves a unit's part by action, compare-and-set on its state.
func (s *Service) stepPart(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal, x Part, action, note, set string, args ...any) error {
	to, ok := Steps.Next("unit", action, x.State)
	if !ok {
		return refused(x.StateLabel, "unit", action)
	}
	if set != "" {
		set = ", " + set
	}
	n := len(args)
	query := fmt.Sprintf("UPDATE proposal_units SET state = $1, updated_at = $2%s WHERE id = $%d AND state = $%d", set, n+3, n+4) + store.InProvince("province_id", x.province)
	if err := store.Swap(ctx, tx, "承办任务", query, append(append([]any{to, s.now()}, args...), x.ID, x.State)...); err != nil {
		return fmt.Errorf("step unit's part: %w", err)
	}
	if err := s.partClock(ctx, tx, c, x, action, args); err != nil {
		return err
	}
	return s.event(ctx, tx, c, p, "unit", action, x.State, to, Joined(x.UnitName, note))
}

// partPeriod is the period a unit's part runs on: the reply's, or the co-handler's opinion.
func partPeriod(role string) string {
	if role == "co" {
		return "opinion"
	}
	return "reply"
}

// partClock moves a part's clock with the step just taken: an extension
// granted moves its date to the one granted (the office grants a date, not
// days), an opinion or a reply stops it, a part given to another unit stops
// it, re-handling starts a new one to its new date.
func (s *Service) partClock(ctx context.Context, tx *sql.Tx, c committee.Committee, x Part, action string, args []any) error {
	period := partPeriod(x.Role)
	switch action {
	case "extend":
		_, _, err := s.ChangeClock(ctx, tx, c, "part", x.ID, period, "extend", func(k *clock.Clock) { k.Base = x.ExtensionTo })
		return err
	case "opinion", "reply", "reassign":
		_, err := s.StopClock(ctx, tx, c, "part", x.ID, period)
		return err
	case "rehandle":
		return s.StartClockAt(ctx, tx, c, "part", x.ID, period, s.Today(), args[0].(date.Date))
	}
	return nil
}

// changePart runs fn on a unit's part the caller reaches, moving the figures.
func (s *Service) changePart(ctx context.Context, sc store.Scope, view View, partID int64, fn func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error) (Proposal, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, p, c, err := s.part(ctx, tx, sc, view, partID)
		if err != nil {
			return err
		}
		id = p.ID
		if err := fn(tx, x, p, c); err != nil {
			return err
		}
		return s.refigure(ctx, tx, p)
	})
	if err != nil {
		return Proposal{}, err
	}
	return s.Get(ctx, sc, view, id)
}

// Text is a required text of the field (what it is, for the message), trimmed, at most max characters.
func Text(field, what string, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || utf8.RuneCountInString(v) > max {
		return "", apperr.InvalidField(field, "%s不能为空,且不超过 %d 字", what, max)
	}
	return v, nil
}

// Object is a unit's objection to its assignment, within the committee's days.
func (s *Service) Object(ctx context.Context, sc store.Scope, partID int64, reason string) (Proposal, error) {
	reason, err := Text("text", "调整理由", reason, 500)
	if err != nil {
		return Proposal{}, err
	}
	return s.changePart(ctx, sc, ViewUnit, partID, func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error {
		if x.ObjectBy.Before(s.Today()) {
			return apperr.Conflict("申请调整的期限(%s)已过,请按交办办理", x.ObjectBy.Chinese())
		}
		return s.stepPart(ctx, tx, c, p, x, "object", reason, "objection = $3", reason)
	})
}

// DecideObjection keeps the unit (keep) or gives its part to another unit of the committee.
func (s *Service) DecideObjection(ctx context.Context, sc store.Scope, partID int64, to int64) (Proposal, error) {
	return s.changePart(ctx, sc, ViewOffice, partID, func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error {
		if to == 0 {
			return s.stepPart(ctx, tx, c, p, x, "keep", "", "")
		}
		if slices.ContainsFunc(p.Parts, func(y Part) bool { return y.UnitID == to && y.State != PartWithdrawn }) {
			return apperr.InvalidField("unit_id", "该单位已经承办这件提案")
		}
		if err := s.stepPart(ctx, tx, c, p, x, "reassign", "", ""); err != nil {
			return err
		}
		return s.addPart(ctx, tx, c, p, to, x.Role)
	})
}

// AskExtension is a lead's or a split unit's request for more time.
func (s *Service) AskExtension(ctx context.Context, sc store.Scope, partID int64, reason string, until date.Date) (Proposal, error) {
	reason, err := Text("text", "延期理由", reason, 500)
	if err != nil {
		return Proposal{}, err
	}
	return s.changePart(ctx, sc, ViewUnit, partID, func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error {
		latest := x.AssignedOn.AddDate(0, c.Rules.MaxMonths, 0)
		switch {
		case x.Role == "co":
			return apperr.Rule("会办单位不申请延期,请与主办单位商量")
		case !until.After(x.DueOn):
			return apperr.InvalidField("until", "延期后的期限应晚于现在的期限(%s)", x.DueOn.Chinese())
		case until.After(latest):
			return apperr.InvalidField("until", "延期最迟到交办后 %d 个月(%s)", c.Rules.MaxMonths, latest.Chinese())
		}
		return s.stepPart(ctx, tx, c, p, x, "ask_extension", reason, "extension_reason = $3, extension_to = $4", reason, until)
	})
}

// DecideExtension grants (the due date moves) or refuses an extension.
func (s *Service) DecideExtension(ctx context.Context, sc store.Scope, partID int64, grant bool) (Proposal, error) {
	return s.changePart(ctx, sc, ViewOffice, partID, func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error {
		if !grant {
			return s.stepPart(ctx, tx, c, p, x, "refuse_extension", "", "")
		}
		return s.stepPart(ctx, tx, c, p, x, "extend", "至"+x.ExtensionTo.Chinese(), "due_on = $3", x.ExtensionTo)
	})
}

// Opinion is a co-handler's opinion to the lead.
func (s *Service) Opinion(ctx context.Context, sc store.Scope, partID int64, opinion string) (Proposal, error) {
	opinion, err := Text("text", "会办意见", opinion, 5000)
	if err != nil {
		return Proposal{}, err
	}
	return s.changePart(ctx, sc, ViewUnit, partID, func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error {
		if x.Role != "co" {
			return apperr.Rule("只有会办单位提出会办意见;主办、分办单位请直接答复")
		}
		return s.stepPart(ctx, tx, c, p, x, "opinion", "", "opinion = $3, answered_at = $4, late = $5", opinion, s.now(), s.Today().After(x.DueOn))
	})
}

// ReplyInput is a unit's reply to the proposer, with its letter (答复函)
// when one is sent: .pdf, .docx, .doc or .ofd, in base64 in JSON.
type ReplyInput struct {
	Class      string `json:"class"`
	Text       string `json:"text"`
	Contact    string `json:"contact"`
	LetterName string `json:"letter_name,omitempty"`
	Letter     []byte `json:"letter,omitempty"`
}

// letterTypes are the files a reply letter may be.
var letterTypes = []string{".pdf", ".docx", ".doc", ".ofd"}

// File is a stored reply letter (its bytes are read apart).
type File struct {
	ID     int64  `json:"id"`
	PartID int64  `json:"part_id"`
	Name   string `json:"name"`
	Type   string `json:"content_type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Reply is a lead's or a split unit's answer. A lead waits for its
// co-handlers' opinions (or their dates); the proposal is replied once
// every lead or split part is.
func (s *Service) Reply(ctx context.Context, sc store.Scope, partID int64, in ReplyInput) (Proposal, error) {
	body, err := Text("text", "答复内容", in.Text, 20000)
	if err != nil {
		return Proposal{}, err
	}
	contact, ok := Contacts.Parse(in.Contact)
	if !ok {
		return Proposal{}, apperr.InvalidField("contact", "请说明答复前与提案者的联系方式:%s", Contacts.Labels())
	}
	return s.changePart(ctx, sc, ViewUnit, partID, func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error {
		class, ok := Classes.Parse(in.Class)
		if !ok || (class == "D" && !c.Rules.ClassD) {
			allowed := "A、B、C"
			if c.Rules.ClassD {
				allowed += "、D"
			}
			return apperr.InvalidField("class", "办理结果类别应为 %s 之一", allowed)
		}
		if x.Role == "co" {
			return apperr.Rule("会办单位不直接答复提案者,请向主办单位提出会办意见")
		}
		if p.Contact != "none" && contact == "none" {
			return apperr.InvalidField("contact", "提案者希望答复前%s,请先联系后再答复", Contacts.Label(p.Contact))
		}
		today := s.Today()
		for _, y := range p.Parts {
			if y.Role == "co" && open(y.State) && !y.DueOn.Before(today) && x.Role == "lead" {
				return apperr.Conflict("会办单位“%s”尚未提出会办意见(期限%s),请待其意见后再答复", y.UnitName, y.DueOn.Chinese())
			}
		}
		if err := s.stepPart(ctx, tx, c, p, x, "reply", Classes.Label(class), "reply_class = $3, reply_text = $4, contact = $5, answered_at = $6, late = $7",
			class, body, contact, s.now(), today.After(x.DueOn)); err != nil {
			return err
		}
		if in.Letter != nil || in.LetterName != "" {
			name, typ, sum, err := work.CheckFile(in.LetterName, in.Letter, "PDF、Word(.doc/.docx)、OFD", letterTypes...)
			if err != nil {
				return err
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO cppcc_files (province_id, proposal_id, part_id, name, content_type, size, sha256, data, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, p.province, p.ID, x.ID, name, typ, len(in.Letter), sum, in.Letter, NullUser(ctx), s.now()).Scan(&id); err != nil {
				if err != nil {
					return fmt.Errorf("record proposal reply: %w", err)
				}
				return nil
			}
			if err := s.Audit(ctx, tx, c, "upload", "cppcc_file", id, map[string]any{"name": name, "size": len(in.Letter), "sha256": sum, "proposal_id": p.ID}); err != nil {
				return err
			}
		}
		worst := class
		for _, y := range p.Parts {
			if y.ID == x.ID || y.State == PartWithdrawn || y.Role == "co" {
				continue
			}
			if y.State != PartReplied {
				return nil // another split unit still to reply
			}
			worst = max(worst, y.ReplyClass)
		}
		return s.step(ctx, tx, c, p, "replied", "", "result_class = $3, replied_at = $4, evaluate_by = $5", worst, s.now(), today.AddDate(0, 0, c.Rules.EvaluateDays))
	})
}

// EvaluateInput is the proposer's evaluation (征询意见).
type EvaluateInput struct {
	Attitude string `json:"attitude"`
	Result   string `json:"result"`
	Note     string `json:"note"`
}

// Evaluate is the evaluation of a reply by the first proposer (by its
// contact person, for a party's or a group's proposal): satisfied or
// basically satisfied closes it; unsatisfied sends it back to its units
// while re-handling is left, and closes it otherwise.
func (s *Service) Evaluate(ctx context.Context, sc store.Scope, id int64, in EvaluateInput) (Proposal, error) {
	attitude, ok1 := Ratings.Parse(in.Attitude)
	result, ok2 := Ratings.Parse(in.Result)
	switch {
	case !ok1:
		return Proposal{}, apperr.InvalidField("attitude", "请评价办理态度:%s", Ratings.Labels())
	case !ok2:
		return Proposal{}, apperr.InvalidField("result", "请评价办理结果:%s", Ratings.Labels())
	}
	note := strings.TrimSpace(in.Note)
	if result == "unsatisfied" && note == "" {
		return Proposal{}, apperr.InvalidField("note", "评价不满意时请写明不满意的理由,承办单位据此重新办理")
	}
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c committee.Committee, me int64) error {
		if p.EvaluatorID != nil && *p.EvaluatorID != me {
			return apperr.Rule("这件%s提案由%s的联系人%s评价", p.WayLabel, p.ProposerName, p.EvaluatorName)
		}
		if p.EvaluatorID == nil {
			if err := own(p, me); err != nil {
				return err
			}
		}
		if result != "unsatisfied" || p.Rehandles >= c.Rules.Rehandles {
			return s.step(ctx, tx, c, p, "evaluate", Joined(Ratings.Label(result), note), "attitude = $3, satisfaction = $4, closed_at = $5",
				attitude, result, s.now())
		}
		due := s.Today().AddDate(0, c.Rules.ReplyMonths, 0)
		for _, x := range p.Parts {
			if x.State == PartReplied {
				if err := s.stepPart(ctx, tx, c, p, x, "rehandle", note, "due_on = $3, late = FALSE, answered_at = NULL", due); err != nil {
					return err
				}
			}
		}
		return s.step(ctx, tx, c, p, "dissatisfied", note, "attitude = $3, satisfaction = $4, rehandles = rehandles + 1, result_class = ''", attitude, result)
	})
}

// Close ends a replied proposal whose evaluation date has passed (the office).
func (s *Service) Close(ctx context.Context, sc store.Scope, id int64) (Proposal, error) {
	return s.change(ctx, sc, ViewOffice, id, func(tx *sql.Tx, p Proposal, c committee.Committee, _ int64) error {
		if p.State == Replied && !p.EvaluateBy.Before(s.Today()) {
			return apperr.Conflict("提案者评价的期限到%s,期限届满前只能由提案者评价后办结", p.EvaluateBy.Chinese())
		}
		return s.step(ctx, tx, c, p, "close", "评价期限届满", "closed_at = $3", s.now())
	})
}

// Inbox lists the parts of a handling unit in scope, the open ones first by due date.
func (s *Service) Inbox(ctx context.Context, sc store.Scope, openOnly bool, pg store.Page) (store.List[Part], error) {
	out, pg := store.NewList[Part](pg)
	lo, hi := sc.Range()
	w := store.NewWhere(lo, hi)
	w.Exact(sc, "uc.path")
	w.And("1 = 1" + InRoute(sc, ViewUnit, "u.province_id"))
	if openOnly {
		w.And("u.state IN " + SQLList(openStates))
	} else {
		w.And("u.state <> 'withdrawn'")
	}
	from := " FROM proposal_units u JOIN committees uc ON uc.id = u.unit_id WHERE uc.path >= $1 AND uc.path < $2"
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+from+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list unit's inbox: %w", err)
	}
	limit, args := w.Limit(pg)
	today := s.Today()
	items, err := store.Query(ctx, s.DB, func(r store.Scanner) (Part, error) { return scanPart(r, today) },
		"SELECT "+partCols+from+w.String()+" ORDER BY CASE WHEN u.state IN "+SQLList(openStates)+" THEN 0 ELSE 1 END, u.due_on, u.id"+limit, args...)
	out.Items = append(out.Items, items...)
	if err != nil {
		return out, fmt.Errorf("list unit's inbox: %w", err)
	}
	return out, nil
}

// Joined is a history note: a, then b after a semicolon when there is one.
func Joined(a, b string) string {
	if b == "" {
		return a
	}
	return a + ";" + b
}

// Letter returns a reply letter of a proposal the caller reaches from view.
func (s *Service) Letter(ctx context.Context, sc store.Scope, view View, proposalID, fileID int64) (File, []byte, error) {
	p, err := s.get(ctx, s.DB, sc, view, proposalID)
	if err != nil {
		return File{}, nil, err
	}
	var f File
	var data []byte
	err = s.DB.QueryRowContext(ctx, "SELECT id, part_id, name, content_type, size, sha256, data FROM cppcc_files WHERE id = $1 AND proposal_id = $2"+
		store.InProvince("province_id", p.province), fileID, p.ID).Scan(&f.ID, &f.PartID, &f.Name, &f.Type, &f.Size, &f.SHA256, &data)
	if apperr.IsNotFound(err) {
		return f, nil, apperr.NotFound("答复函")
	}
	if err != nil {
		return f, data, fmt.Errorf("read reply letter: %w", err)
	}
	return f, data, nil
}

// LatePart is a unit's part past its date, as the office's 逾期 list shows
// it: which proposal, which unit, the date it was due, how many days ago.
type LatePart struct {
	Part
	Number string `json:"number_text"`
	Title  string `json:"title"`
	Days   int    `json:"days_overdue"`
}

// LateParts lists the parts of a committee's proposals that are past their
// date today, the longest overdue first (the office's 逾期 tab: the count
// beside it is the same rows').
func (s *Service) LateParts(ctx context.Context, sc store.Scope, committeeID int64, pg store.Page) (store.List[LatePart], error) {
	out, pg := store.NewList[LatePart](pg)
	today := s.Today()
	w := store.NewWhere()
	visible(w, sc, ViewOffice, 0)
	w.And("p.committee_id = ?", committeeID)
	w.And("u.state IN "+SQLList(openStates)+" AND u.due_on < ?", today)
	from := ` FROM proposal_units u JOIN committees uc ON uc.id = u.unit_id JOIN proposals p ON p.province_id = u.province_id AND p.id = u.proposal_id WHERE 1 = 1`
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+from+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list late parts: %w", err)
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, func(r store.Scanner) (LatePart, error) {
		var x LatePart
		var number sql.NullInt64
		var err error
		x.Part, err = scanPart(also{r, []any{&number, &x.Title}}, today)
		if number.Valid {
			x.Number = fmt.Sprintf("第%d号", number.Int64)
		}
		x.Days = clock.Between(x.DueOn, today)
		return x, err
	}, "SELECT "+partCols+", p.number, p.title"+from+w.String()+" ORDER BY u.due_on, u.id"+limit, args...)
	out.Items = append(out.Items, items...)
	return out, err
}

// also scans the columns after a row's own into more.
type also struct {
	r    store.Scanner
	more []any
}

func (a also) Scan(dest ...any) error { return a.r.Scan(append(dest, a.more...)...) }

// MarkKey makes a filed proposal a key proposal (重点提案), chosen by the
// chair meeting, with the chair who leads its supervision (a leader).
func (s *Service) MarkKey(ctx context.Context, sc store.Scope, id int64, lead string) (Proposal, error) {
	lead = strings.TrimSpace(lead)
	if lead == "" || utf8.RuneCountInString(lead) > 60 {
		return Proposal{}, apperr.InvalidField("lead", "请填写领衔督办的主席会议成员(不超过 60 字)")
	}
	return s.change(ctx, sc, ViewOffice, id, func(tx *sql.Tx, p Proposal, c committee.Committee, _ int64) error {
		switch {
		case p.Key:
			return apperr.Conflict("该提案已是重点提案(领衔督办:%s)", p.KeyLead)
		case !slices.Contains(FiledStates, p.State) || p.State == Closed:
			return apperr.Conflict("当前状态为“%s”,只有已立案、尚未办结的提案可以列为重点提案", p.StateLabel)
		}
		if err := store.Swap(ctx, tx, "提案", "UPDATE proposals SET is_key = TRUE, key_lead = $1, updated_at = $2 WHERE id = $3 AND is_key = FALSE AND state = $4"+
			store.InProvince("province_id", p.province), lead, s.now(), p.ID, p.State); err != nil {
			if err != nil {
				return fmt.Errorf("mark key proposal: %w", err)
			}
			return nil
		}
		return s.event(ctx, tx, c, p, "proposal", "mark_key", p.State, p.State, "领衔督办:"+lead)
	})
}

// Remind records a 催办 of a unit's open part by the office: who reminded whom, when, and why.
func (s *Service) Remind(ctx context.Context, sc store.Scope, partID int64, note string) (Proposal, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return Proposal{}, apperr.InvalidField("text", "催办意见不超过 500 字")
	}
	return s.changePart(ctx, sc, ViewOffice, partID, func(tx *sql.Tx, x Part, p Proposal, c committee.Committee) error {
		if !open(x.State) {
			return apperr.Conflict("%s已经%s,不需要催办", x.UnitName, x.StateLabel)
		}
		msg := "催办" + x.UnitName + "(期限" + x.DueOn.Chinese() + ")"
		return s.event(ctx, tx, c, p, "unit", "remind", x.State, x.State, Joined(msg, note))
	})
}

// Comment is a confirmed co-signer's own view of the handling, added to
// the first proposer's evaluation (in the proposal's history).
func (s *Service) Comment(ctx context.Context, sc store.Scope, id int64, note string) (Proposal, error) {
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 500 {
		return Proposal{}, apperr.InvalidField("note", "请写明意见(不超过 500 字)")
	}
	return s.change(ctx, sc, ViewMember, id, func(tx *sql.Tx, p Proposal, c committee.Committee, me int64) error {
		if !slices.ContainsFunc(p.Signers, func(g Signer) bool { return g.MemberID == me && g.State == Confirmed }) {
			return apperr.Rule("只有确认联名的附议委员可以补充意见")
		}
		if p.State != Replied && p.State != Rehandling && p.State != Closed {
			return apperr.Conflict("当前状态为“%s”,承办单位答复后才能补充意见", p.StateLabel)
		}
		return s.event(ctx, tx, c, p, "signer", "comment", p.State, p.State, note)
	})
}
