package member

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// testHookAfterMove, when set by a test, runs inside Receive after the member
// row has moved and before the figures and the letter change.
var testHookAfterMove func() error

// Receive completes a pending letter. For a letter inside the system the
// receiving organisation (in scope) receives it and the member moves there
// in one transaction; for a letter to outside the system the issuing side
// (in scope) records the returned receipt (回执) and the person leaves the roster.
func (s *Service) Receive(ctx context.Context, sc store.Scope, id int64, on date.Date) (Transfer, error) {
	if on.IsZero() {
		on = s.today()
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.getTransfer(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if on.Before(t.IssuedOn) && t.Status == TransferPending {
			return apperr.InvalidField("on", "接收日期%s早于开具日期%s", on, t.IssuedOn)
		}
		// Taken first, so that of two receipts sent at once one alone goes on.
		if err := s.stepLetter(ctx, tx, t, "receive", "received_on = $3", on); err != nil {
			return err
		}
		fromPath, err := s.orgPath(ctx, tx, t.FromOrgID)
		if err != nil {
			return err
		}
		toPath, err := s.orgPath(ctx, tx, t.ToOrgID)
		if err != nil {
			return err
		}
		m, err := s.getIn(ctx, tx, store.All, store.InProvince("m.province_id", t.province), *t.MemberID)
		if err != nil {
			return err
		}
		before := m
		if toPath != "" {
			if !sc.Contains(toPath) {
				return apperr.Rule("应由接收的党组织办理接收")
			}
			if err := s.moveTo(ctx, tx, m, *t.ToOrgID, toPath); err != nil {
				return err
			}
			if testHookAfterMove != nil {
				if err := testHookAfterMove(); err != nil {
					return err
				}
			}
			if err := s.refigure(ctx, tx, m, fromPath, m, toPath); err != nil {
				return err
			}
		} else {
			if !sc.Contains(fromPath) {
				return apperr.Rule("转往系统外的介绍信应由开具的党组织登记回执")
			}
			m.Status = StatusTransferredOut
			if err := s.setPerson(ctx, tx, before, m); err != nil {
				return err
			}
		}
		if err := s.letterFigures(ctx, tx, fromPath, toPath, -1); err != nil {
			return err
		}
		return s.auditLetter(ctx, tx, "receive", id, t, fromPath, toPath)
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, store.All, id)
}

// UndoReceive takes back the receipt of a letter to an organisation in
// scope within UndoWindow of it: the person goes back to the issuing
// organisation and the letter waits again, the figures of both sides in
// the same transaction. Refused once the person has been changed or
// issued another letter since.
func (s *Service) UndoReceive(ctx context.Context, sc store.Scope, id int64) (Transfer, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.getTransfer(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if t.Status != TransferReceived {
			return apperr.Conflict("该介绍信未被接收,不能撤销接收")
		}
		if t.ToOrgID == nil || t.MemberID == nil || t.FromOrgID == nil {
			return apperr.Rule("系统外的介绍信不能撤销接收")
		}
		toPath, err := s.orgPath(ctx, tx, t.ToOrgID)
		if err != nil {
			return err
		}
		if !sc.Contains(toPath) {
			return apperr.Rule("应由接收的党组织撤销接收")
		}
		if !t.Undoable(s.now()) {
			return apperr.Rule("接收后%d小时内才能撤销接收;已超过时限,如需转回请重新开具介绍信", int(UndoWindow.Hours()))
		}
		m, err := s.getIn(ctx, tx, store.All, store.InProvince("m.province_id", t.province), *t.MemberID)
		if err != nil {
			return err
		}
		var later int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM transfers WHERE member_id = $1 AND id > $2 AND status <> 'cancelled'"+store.ProvinceIs("province_id", m.OrgPath), m.ID, id).Scan(&later); err != nil {
			return fmt.Errorf("undo receive: %w", err)
		}
		if m.OrgID != *t.ToOrgID || m.Status != StatusActive || later > 0 {
			return apperr.Rule("%s接收后已有其他变动(调整组织、再次转出或不在册),不能撤销接收", m.Name)
		}
		if err := s.stepLetter(ctx, tx, t, "unreceive", "received_on = NULL"); err != nil {
			return err
		}
		fromPath, err := s.orgPath(ctx, tx, t.FromOrgID)
		if err != nil {
			return err
		}
		if err := s.moveTo(ctx, tx, m, *t.FromOrgID, fromPath); err != nil {
			return err
		}
		if err := s.refigure(ctx, tx, m, toPath, m, fromPath); err != nil {
			return err
		}
		if err := s.letterFigures(ctx, tx, fromPath, toPath, +1); err != nil {
			return err
		}
		return s.auditLetter(ctx, tx, "unreceive", id, t, toPath, fromPath)
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, store.All, id)
}

// ReceiveIncoming records a letter from outside the system and adds the
// person to the receiving organisation's roster, in one transaction.
func (s *Service) ReceiveIncoming(ctx context.Context, sc store.Scope, in IncomingInput) (Transfer, error) {
	var v apperr.Invalid
	if strings.TrimSpace(in.FromText) == "" {
		v.Add("from_text", "请填写开具介绍信的系统外党组织名称")
	}
	if in.IssuedOn.IsZero() {
		v.Add("issued_on", "请填写介绍信的开具日期")
	}
	if in.ReceivedOn.IsZero() {
		in.ReceivedOn = s.today()
	}
	if !in.IssuedOn.IsZero() && in.ReceivedOn.Before(in.IssuedOn) {
		v.Add("received_on", "接收日期%s早于开具日期%s", in.ReceivedOn, in.IssuedOn)
	}
	if in.Member.Stage == nil || (*in.Member.Stage != "full" && *in.Member.Stage != "probationary" &&
		*in.Member.Stage != "正式党员" && *in.Member.Stage != "预备党员") {
		v.Add("member.stage", "转入人员应为正式党员或预备党员")
	}
	if err := v.Err(); err != nil {
		return Transfer{}, err
	}
	in.Member.OrgID = &in.ToOrgID
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		mid, err := s.insert(ctx, tx, sc, in.Member)
		if err != nil {
			return err
		}
		path, err := s.orgPath(ctx, tx, &in.ToOrgID)
		if err != nil {
			return err
		}
		id, err = s.insertLetter(ctx, tx, store.ProvinceOf(path), in.LetterNo, mid, strings.TrimSpace(*in.Member.Name), nil, strings.TrimSpace(in.FromText),
			in.ToOrgID, "", in.Reason, in.IssuedOn, in.ReceivedOn, TransferReceived, 0, "")
		if err != nil {
			return err
		}
		return s.auditLetter(ctx, tx, "receive_incoming", id, nil, path)
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, sc, id)
}

// moveTo puts person m on the roster of the organisation orgID at path, in
// tx, with their open out-flow registration; a person received in another
// province takes their rows to it (store.MoveMember).
func (s *Service) moveTo(ctx context.Context, tx *sql.Tx, m Member, orgID int64, path string) error {
	here := store.ProvinceIs("province_id", m.OrgPath)
	if _, err := tx.ExecContext(ctx, "UPDATE members SET org_id = $1, updated_at = $2 WHERE id = $3"+here, orgID, s.now(), m.ID); err != nil {
		return fmt.Errorf("move member: %w", err)
	}
	const open = "member_id = $2 AND kind = 'out' AND ended_on IS NULL"
	if _, err := tx.ExecContext(ctx, "UPDATE mobile_records SET org_id = $1 WHERE "+open+here, orgID, m.ID); err != nil {
		return fmt.Errorf("move member: %w", err)
	}
	prov := store.ProvinceOf(path)
	if prov == store.ProvinceOf(m.OrgPath) {
		return nil
	}
	if err := s.DB.MoveMember(ctx, tx, m.ID, prov); err != nil {
		return err
	}
	return s.DB.MoveRows(ctx, tx, "mobile_records", open, prov, m.ID)
}
