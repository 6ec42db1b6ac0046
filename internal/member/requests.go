package member

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/flow"
	"dangjian/internal/store"
)

// ChangeRequest is a member's request to correct their own record, decided
// by an administrator of their organisation.
type ChangeRequest struct {
	ID         int64      `json:"id"`
	MemberID   int64      `json:"member_id"`
	MemberName string     `json:"member_name"`
	Changes    Input      `json:"-"`       // sealed at rest: it may carry a phone
	Shown      Input      `json:"changes"` // the changes with the phone masked
	Note       string     `json:"note"`
	Status     string     `json:"status"` // pending, approved, rejected
	DecidedBy  string     `json:"decided_by"`
	DecidedAt  *time.Time `json:"decided_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// RequestInput is what a member asks to change.
type RequestInput struct {
	Changes Input  `json:"changes"`
	Note    string `json:"note"`
}

// RequestChange records a member's own request. Only contact and work
// particulars may be asked for; identity and stage change through their own procedures.
func (s *Service) RequestChange(ctx context.Context, memberID, userID int64, in RequestInput) (ChangeRequest, error) {
	c := in.Changes
	if c.OrgID != nil || c.Name != nil || c.Sex != nil || c.IDNumber != nil || c.BirthDate != nil || c.Ethnicity != nil || c.UnitID != nil ||
		c.Stage != nil || c.AppliedOn != nil || c.ActivistOn != nil || c.CandidateOn != nil || c.JoinedOn != nil || c.FullOn != nil {
		return ChangeRequest{}, apperr.InvalidField("changes", "本人只能申请修改联系电话、学历、职业和工作岗位;其他信息请联系所在党组织办理")
	}
	if c.Phone == nil && c.Education == nil && c.Occupation == nil && c.Post == nil {
		return ChangeRequest{}, apperr.InvalidField("changes", "请填写要修改的内容")
	}
	m, err := s.Get(ctx, store.All, memberID)
	if err != nil {
		return ChangeRequest{}, err
	}
	var v apperr.Invalid
	apply(&m, c, false, s.today(), &v)
	if err := v.Err(); err != nil {
		return ChangeRequest{}, err
	}
	raw, _ := json.Marshal(c)
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO change_requests (member_id, user_id, changes, note, status, created_at, province_id)
			VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id`, memberID, userID, s.Box.Seal(string(raw)), strings.TrimSpace(in.Note), s.now(),
			store.ProvinceOf(m.OrgPath)).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("request change: %w", err)
			}
			return nil
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "request", ObjectType: "change_request", ObjectID: id, OrgPath: m.OrgPath,
			Detail: map[string]any{"member_id": memberID, "fields": changedFields(c)}})
	})
	if err != nil {
		return ChangeRequest{}, fmt.Errorf("request change: %w", err)
	}
	return s.getRequest(ctx, s.DB, store.All, id)
}

func changedFields(c Input) []string {
	var out []string
	for name, set := range map[string]bool{"phone": c.Phone != nil, "education": c.Education != nil, "occupation": c.Occupation != nil, "post": c.Post != nil} {
		if set {
			out = append(out, name)
		}
	}
	return out
}

const requestCols = `r.id, r.member_id, m.name, r.changes, r.note, r.status, r.decided_by, r.decided_at, r.created_at`
const requestFrom = ` FROM change_requests r JOIN members m ON m.province_id = r.province_id AND m.id = r.member_id JOIN orgs o ON o.id = m.org_id
	WHERE o.path >= $1 AND o.path < $2`

func (s *Service) scanRequest(sc store.Scanner) (ChangeRequest, error) {
	var r ChangeRequest
	var raw string
	var decided sql.NullTime
	if err := sc.Scan(&r.ID, &r.MemberID, &r.MemberName, &raw, &r.Note, &r.Status, &r.DecidedBy, &decided, &r.CreatedAt); err != nil {
		return r, err
	}
	if decided.Valid {
		t := decided.Time.UTC()
		r.DecidedAt = &t
	}
	raw, err := s.openText(raw)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(raw), &r.Changes); err != nil {
		return r, err
	}
	r.Shown = r.Changes
	if r.Shown.Phone != nil {
		p := MaskPhone(NormalizePhone(*r.Shown.Phone))
		r.Shown.Phone = &p
	}
	return r, nil
}

func (s *Service) getRequest(ctx context.Context, q store.Querier, sc store.Scope, id int64) (ChangeRequest, error) {
	lo, hi := sc.Range()
	r, err := s.scanRequest(q.QueryRowContext(ctx, "SELECT "+requestCols+requestFrom+sc.Exact("o.path")+sc.ProvinceParam("r.province_id")+" AND r.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("修改申请")
	}
	if err != nil {
		return r, fmt.Errorf("read change request: %w", err)
	}
	return r, nil
}

// Requests lists change requests of members in scope (of one member when
// memberID is not 0), newest first.
func (s *Service) Requests(ctx context.Context, sc store.Scope, status string, memberID int64, p store.Page) (store.List[ChangeRequest], error) {
	out, p := store.NewList[ChangeRequest](p)
	w := store.NewWhere(sc.Range())
	w.Exact(sc, "o.path")
	w.Province(sc, "r.province_id")
	if status != "" {
		w.And("r.status = ?", status)
	}
	if memberID != 0 {
		w.And("r.member_id = ?", memberID)
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+requestFrom+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list change requests: %w", err)
	}
	limit, args := w.Limit(p)
	items, err := store.Query(ctx, s.DB, s.scanRequest, "SELECT "+requestCols+requestFrom+w.String()+" ORDER BY r.id DESC"+limit, args...)
	out.Items = items
	if err != nil {
		return out, fmt.Errorf("list change requests: %w", err)
	}
	return out, nil
}

// requestSteps is the life of a change request: decided once.
var requestSteps = flow.Machine{
	"approve": {From: []string{"pending"}, To: "approved"},
	"reject":  {From: []string{"pending"}, To: "rejected"},
}

// Decision approves or rejects a request.
type Decision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// Decide settles a pending request of a member in scope; an approval applies
// the changes in the same transaction.
func (s *Service) Decide(ctx context.Context, sc store.Scope, id int64, d Decision) (ChangeRequest, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.getRequest(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		action := map[bool]string{true: "approve", false: "reject"}[d.Approve]
		status, ok := requestSteps.Next(action, r.Status)
		if !ok {
			return apperr.Conflict("该申请已经处理过了")
		}
		by := audit.ActorOf(ctx).Username
		if err := store.Swap(ctx, tx, "修改申请", "UPDATE change_requests SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = $5",
			status, by, s.now(), id, r.Status); err != nil {
			if err != nil {
				return fmt.Errorf("decide change request: %w", err)
			}
			return nil
		}
		if d.Approve {
			if err := s.update(ctx, tx, sc, r.MemberID, r.Changes); err != nil {
				return err
			}
		}
		var path string
		if err := tx.QueryRowContext(ctx, "SELECT o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = $1", r.MemberID).Scan(&path); err != nil {
			return fmt.Errorf("decide change request: %w", err)
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: status, ObjectType: "change_request", ObjectID: id, OrgPath: path,
			Detail: map[string]any{"member_id": r.MemberID, "note": d.Note}})
	})
	if err != nil {
		return ChangeRequest{}, fmt.Errorf("decide change request: %w", err)
	}
	return s.getRequest(ctx, s.DB, sc, id)
}
