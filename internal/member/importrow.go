package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Row is one person read from a roster file, to add or to bring up to date.
type Row struct {
	Input Input // OrgID names the organisation the file puts the person in
	// MobileOut is the file's 是否流动党员 (nil when the file has no such column),
	// MobilePlace its 流动去向.
	MobileOut   *bool
	MobilePlace string
}

// What importing a row did.
const (
	Added     = "added"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// ErrOnRoster is AddNew's answer for a row whose ID number is on the
// roster already: UpdateRow brings that person up to date.
var ErrOnRoster = errors.New("already on the roster")

// Checked is a row checked for adding as far as that needs no write lock;
// AddNew finishes the check and writes it.
type Checked struct {
	row    Row
	person *newPerson // nil when the ID number cannot be read
	err    error      // why the person cannot be added, as far as Check sees
}

// Row is the row that was checked.
func (c Checked) Row() Row { return c.row }

// Person is the id (once added) and the name of the row's person.
func (c Checked) Person() (int64, string) {
	if c.person == nil {
		return 0, ""
	}
	return c.person.ID, c.person.Name
}

// Err is why the row's person cannot be added, as far as Check sees.
func (c Checked) Err() error { return c.err }

// OnRoster tells whether a person of this ID number is on the roster (any
// scope: it decides only which rules a row is checked by).
func (s *Service) OnRoster(ctx context.Context, q store.Querier, idNumber string) (bool, error) {
	n, err := cnid.Parse(idNumber, s.today().Time())
	if err != nil {
		return false, nil
	}
	for _, h := range s.Box.Hashes(n.Value) {
		var one int
		err := q.QueryRowContext(ctx, "SELECT 1 FROM id_numbers WHERE id_hash = $1", h).Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	return false, nil
}

// Outcome is what UpdateRow did to whom.
type Outcome struct {
	Action string // Updated or Unchanged
	ID     int64
	Name   string
}

// Check checks a row for adding, reading the organisations from q. It is
// safe to call from several goroutines (with a context from CacheOrgs,
// each organisation is read once).
func (s *Service) Check(ctx context.Context, q store.Querier, sc store.Scope, row Row) Checked {
	m, err := s.prepare(ctx, q, sc, row.Input)
	if err == nil && row.MobileOut != nil && *row.MobileOut {
		err = canFlowOut(m)
	}
	c := Checked{row: row, err: err}
	switch {
	case m.IDNumber == "":
	case err == nil:
		c.person, c.err = s.sealed(m)
	default:
		// The hashes tell whether the person is on the roster, to be brought up to date instead.
		c.person = &newPerson{Member: m, hashes: s.Box.Hashes(m.IDNumber)}
	}
	return c
}

// AddNew adds, inside tx, the people of the checked rows who are not on
// the roster yet, all written together. It returns for each row nil when
// the person was added, ErrOnRoster when their ID number is on the roster,
// or why the row was refused; nothing is written for a refused row.
func (s *Service) AddNew(ctx context.Context, tx *sql.Tx, rows []Checked) ([]error, error) {
	out := make([]error, len(rows))
	owner := map[string]int{} // the row of each hash of an ID number
	for i, c := range rows {
		if c.person == nil {
			if _, refused := apperr.As(c.err); !refused {
				return nil, c.err
			}
			out[i] = c.err
			continue
		}
		// A valid row's newest hash is found by the unique index as it is
		// inserted; the others are looked for first (a refused row may be
		// a person on the roster, whom UpdateRow brings up to date; during a
		// key rotation a person may be stored under an older key).
		for k, h := range c.person.hashes {
			if k > 0 || c.err != nil {
				owner[h] = i
			}
		}
	}
	hashes := slices.Collect(maps.Keys(owner))
	for start := 0; start < len(hashes); start += insertBatch {
		part := hashes[start:min(start+insertBatch, len(hashes))]
		var sb strings.Builder
		sb.WriteString("SELECT id_hash FROM id_numbers WHERE id_hash IN ")
		s.DB.Values(&sb, 1, len(part))
		args := make([]any, len(part))
		for i, h := range part {
			args[i] = h
		}
		found, err := store.BulkQuery(ctx, tx, sb.String(), args...)
		if err != nil {
			return nil, err
		}
		for found.Next() {
			var h string
			if err := found.Scan(&h); err != nil {
				found.Close()
				if err != nil {
					return nil, fmt.Errorf("add imported person: %w", err)
				}
				return nil, nil
			}
			out[owner[h]] = ErrOnRoster
		}
		if err := found.Close(); err != nil {
			return nil, err
		}
	}
	var ps []*newPerson
	var at []int
	for i, c := range rows {
		switch _, refused := apperr.As(c.err); {
		case out[i] != nil:
		case refused:
			out[i] = c.err
		case c.err != nil:
			return nil, c.err
		default:
			ps, at = append(ps, c.person), append(at, i)
		}
	}
	taken, err := s.insertAll(ctx, tx, ps)
	if err != nil {
		return nil, err
	}
	for _, j := range taken {
		out[at[j]] = ErrOnRoster
	}
	for j, p := range ps {
		r := rows[at[j]].row
		if out[at[j]] != nil || r.MobileOut == nil || !*r.MobileOut {
			continue
		}
		if _, err := s.registerOut(ctx, tx, p.Member, MobileInput{PresentPlace: r.MobilePlace, Since: s.today(), Note: "花名册导入"}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateRow brings the person of row, whose ID number is on the roster,
// up to date inside tx. A person already in another organisation is not
// moved: that is a transfer. The stage and its dates are changed only by
// pipeline steps.
func (s *Service) UpdateRow(ctx context.Context, tx *sql.Tx, sc store.Scope, row Row) (Outcome, error) {
	in := row.Input
	n, err := cnid.Parse(str(in.IDNumber), s.today().Time())
	if err != nil {
		return Outcome{}, apperr.InvalidField("id_number", "%s", err.Error())
	}
	var id int64
	var path string
	// The registry names the province, whose worker holds the person.
	hs := s.Box.Hashes(n.Value)
	prov, found, err := provinceOf(ctx, tx, hs)
	if err == nil && !found {
		err = sql.ErrNoRows
	}
	if err == nil {
		w := store.NewWhere(prov)
		hashIn(w, "m.id_hash", hs)
		err = tx.QueryRowContext(ctx, "SELECT m.id, o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.province_id = $1"+w.String(),
			w.Args...).Scan(&id, &path)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Outcome{}, apperr.NotFound("人员")
	case err != nil:
		if err != nil {
			return Outcome{}, fmt.Errorf("update imported row: %w", err)
		}
		return Outcome{}, nil
	case !sc.Contains(path):
		return Outcome{}, apperr.InvalidField("id_number", "该公民身份号码已登记在您管理范围以外的党组织:每人只能有一个组织关系")
	}
	m, err := s.get(ctx, tx, store.ScopeOf(path), id)
	if err != nil {
		return Outcome{}, err
	}
	if in.OrgID != nil && *in.OrgID != m.OrgID {
		return Outcome{}, apperr.InvalidField("org_id", "%s已在“%s”,调整所在党组织请办理组织关系转接", m.Name, m.OrgName)
	}
	if m.Status != StatusActive {
		return Outcome{}, apperr.InvalidField("id_number", "%s已不在册(已转出或已取消预备党员资格)", m.Name)
	}
	stage, _ := vocab.Stages.Parse(str(in.Stage))
	if (in.Stage != nil && stage != m.Stage) ||
		dateDiffers(in.JoinedOn, m.JoinedOn) || dateDiffers(in.FullOn, m.FullOn) {
		return Outcome{}, apperr.InvalidField("stage", "人员类别或入党、转正日期与系统中的不一致(系统中为%s,入党日期%s),请通过“发展党员”步骤办理",
			m.StageLabel, m.JoinedOn)
	}
	upd := Input{Name: in.Name, Sex: in.Sex, Ethnicity: in.Ethnicity, BirthDate: in.BirthDate, Education: in.Education,
		Phone: in.Phone, Occupation: in.Occupation, Post: in.Post}
	cand := m
	var v apperr.Invalid
	apply(&cand, upd, false, s.today(), &v)
	if err := v.Err(); err != nil {
		return Outcome{}, err
	}
	changed := cand.Name != m.Name || cand.Sex != m.Sex || cand.Ethnicity != m.Ethnicity || cand.BirthDate != m.BirthDate ||
		cand.Education != m.Education || cand.Phone != m.Phone || cand.Occupation != m.Occupation || cand.Post != m.Post
	if changed {
		if err := s.update(ctx, tx, sc, id, upd); err != nil {
			return Outcome{}, err
		}
	}
	if row.MobileOut != nil && *row.MobileOut != m.MobileOut {
		changed = true
		if *row.MobileOut {
			if _, err := s.registerOut(ctx, tx, m, MobileInput{PresentPlace: row.MobilePlace, Since: s.today(), Note: "花名册导入"}); err != nil {
				return Outcome{}, err
			}
		} else {
			r, err := s.scanMobile(tx.QueryRowContext(ctx, "SELECT "+mobileCols+` FROM mobile_records r JOIN orgs o ON o.id = r.org_id
				WHERE r.member_id = $1 AND r.kind = 'out' AND r.ended_on IS NULL`, id))
			if err != nil {
				return Outcome{}, fmt.Errorf("update imported row: %w", err)
			}
			if err := s.endMobile(ctx, tx, r, date.Date{}); err != nil {
				return Outcome{}, err
			}
		}
	}
	if changed {
		return Outcome{Updated, id, m.Name}, nil
	}
	return Outcome{Unchanged, id, m.Name}, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func dateDiffers(given *date.Date, stored date.Date) bool {
	return given != nil && !given.IsZero() && *given != stored
}
