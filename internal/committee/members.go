package committee

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/member"
	"dangjian/internal/store"
)

// Member is a CPPCC member (委员); the phone is masked in JSON.
type Member struct {
	ID          int64  `json:"id"`
	CommitteeID int64  `json:"committee_id"`
	TermID      int64  `json:"term_id"`
	Name        string `json:"name"`
	Sex         string `json:"sex"`
	Sector      string `json:"sector"`
	Party       string `json:"party"`
	PartyLabel  string `json:"party_label"`
	Special     string `json:"special"`
	Team        string `json:"team"`
	Post        string `json:"post"`
	Phone       string `json:"-"`
	PhoneMasked string `json:"phone"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	UserID      *int64 `json:"-"`
}

// MemberInput adds a member.
type MemberInput struct {
	CommitteeID int64  `json:"committee_id"`
	TermID      int64  `json:"term_id"`
	Name        string `json:"name"`
	Sex         string `json:"sex"`
	Sector      string `json:"sector"`
	Party       string `json:"party"`
	Special     string `json:"special"`
	Team        string `json:"team"`
	Post        string `json:"post"`
	Phone       string `json:"phone"`
	UserID      *int64 `json:"user_id"`
}

const memberCols = "m.id, m.committee_id, m.term_id, m.name, m.sex, m.sector, m.party, m.special, m.team, m.post, m.phone_enc, m.status, m.user_id"

func (s *Service) scanMember(r store.Scanner) (Member, error) {
	var m Member
	var enc string
	var user sql.NullInt64
	if err := r.Scan(&m.ID, &m.CommitteeID, &m.TermID, &m.Name, &m.Sex, &m.Sector, &m.Party, &m.Special, &m.Team, &m.Post, &enc, &m.Status, &user); err != nil {
		return m, err
	}
	if enc != "" {
		phone, err := s.Box.Open(enc)
		if err != nil {
			return m, err
		}
		m.Phone = phone
	}
	if user.Valid {
		m.UserID = &user.Int64
	}
	m.PhoneMasked = member.MaskPhone(m.Phone)
	m.PartyLabel = Parties.Label(m.Party)
	m.StatusLabel = MemberStatuses.Label(m.Status)
	return m, nil
}

// check normalises a member's fields and names every wrong one.
func (in *MemberInput) check() error {
	var v apperr.Invalid
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 30 {
		v.Add("name", "姓名不能为空,且不超过 30 个字")
	}
	if in.Sex != "男" && in.Sex != "女" {
		v.Add("sex", "性别应为“男”或“女”")
	}
	if party, ok := Parties.Parse(in.Party); ok {
		in.Party = party
	} else {
		v.Add("party", "党派应为 %s 之一", Parties.Labels())
	}
	if in.Phone = strings.TrimSpace(in.Phone); in.Phone != "" && !member.PhoneRE.MatchString(in.Phone) {
		v.Add("phone", "联系电话“%s”格式不对,应为11位手机号码或带区号的固定电话", in.Phone)
	}
	in.Sector, in.Special, in.Team, in.Post = strings.TrimSpace(in.Sector), strings.TrimSpace(in.Special), strings.TrimSpace(in.Team), strings.TrimSpace(in.Post)
	return v.Err()
}

// AddMember adds a member to a term of a committee in scope.
func (s *Service) AddMember(ctx context.Context, sc store.Scope, in MemberInput) (Member, error) {
	if err := in.check(); err != nil {
		return Member{}, err
	}
	var m Member
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.InputCommittee(ctx, tx, sc, in.CommitteeID)
		if err != nil {
			return err
		}
		if err := s.checkTerm(ctx, tx, c, in.TermID); err != nil {
			return err
		}
		ok, err := s.inList(ctx, tx, c.ID, "sector", in.Sector)
		if err == nil && !ok {
			err = apperr.InvalidField("sector", "界别“%s”不在本政协的界别名单中", in.Sector)
		}
		if err != nil {
			return err
		}
		id, err := s.saveMember(ctx, tx, c, 0, in)
		if err != nil {
			return err
		}
		m, err = s.MemberIn(ctx, tx, sc, id)
		return err
	})
	return m, err
}

// checkTerm refuses a term the committee does not have.
func (s *Service) checkTerm(ctx context.Context, tx *sql.Tx, c Committee, termID int64) error {
	var term int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM cppcc_terms WHERE id = $1 AND committee_id = $2", termID, c.ID).Scan(&term)
	if apperr.IsNotFound(err) {
		return apperr.InvalidField("term_id", "该政协没有这一届")
	}
	if err != nil {
		return fmt.Errorf("check term: %w", err)
	}
	return nil
}

// saveMember inserts a member (id 0) or rewrites one, checked, and audits it.
func (s *Service) saveMember(ctx context.Context, tx *sql.Tx, c Committee, id int64, in MemberInput) (int64, error) {
	enc := ""
	if in.Phone != "" {
		enc = s.Box.Seal(in.Phone)
	}
	now := s.now()
	action := "update"
	if id == 0 {
		action = "create"
		if err := tx.QueryRowContext(ctx, `INSERT INTO cppcc_members (province_id, committee_id, term_id, name, sex, sector, party, special, team, post, phone_enc, status, user_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $13, $13) RETURNING id`,
			c.Province(), c.ID, in.TermID, in.Name, in.Sex, in.Sector, in.Party, in.Special, in.Team, in.Post, enc, in.UserID, now).Scan(&id); err != nil {
			if err != nil {
				return 0, fmt.Errorf("save member: %w", err)
			}
			return 0, nil
		}
	} else if _, err := tx.ExecContext(ctx, `UPDATE cppcc_members SET sex = $1, sector = $2, party = $3, special = $4, team = $5, post = $6, phone_enc = $7, updated_at = $8
		WHERE id = $9`+store.InProvince("province_id", c.Province()), in.Sex, in.Sector, in.Party, in.Special, in.Team, in.Post, enc, now, id); err != nil {
		if err != nil {
			return 0, fmt.Errorf("save member: %w", err)
		}
		return 0, nil
	}
	return id, s.Audit(ctx, tx, c, action, "cppcc_member", id, map[string]any{"name": in.Name, "sector": in.Sector, "party": in.Party})
}

// memberFrom joins a member to its committee, for the scope's range.
const memberFrom = " FROM cppcc_members m JOIN committees c ON c.id = m.committee_id WHERE c.path >= $1 AND c.path < $2"

// MemberIn is a member of a committee in scope, read by q.
func (s *Service) MemberIn(ctx context.Context, q store.Querier, sc store.Scope, id int64) (Member, error) {
	lo, hi := sc.Range()
	m, err := s.scanMember(q.QueryRowContext(ctx, "SELECT "+memberCols+memberFrom+sc.Exact("c.path")+sc.ProvinceParam("m.province_id")+" AND m.id = $3", lo, hi, id))
	if apperr.IsNotFound(err) {
		return m, apperr.NotFound("政协委员")
	}
	if err != nil {
		return m, fmt.Errorf("read member: %w", err)
	}
	return m, nil
}

// Member returns a member of a committee in scope.
func (s *Service) Member(ctx context.Context, sc store.Scope, id int64) (Member, error) {
	return s.MemberIn(ctx, s.DB, sc, id)
}

// Members lists the members of a committee in scope, by name; q narrows by
// name, sector or party.
func (s *Service) Members(ctx context.Context, sc store.Scope, committeeID int64, q string, p store.Page) (store.List[Member], error) {
	out, p := store.NewList[Member](p)
	if _, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee"); err != nil {
		return out, err
	}
	lo, hi := sc.Range()
	where := sc.Exact("c.path") + sc.ProvinceParam("m.province_id") + " AND m.committee_id = $3"
	args := []any{lo, hi, committeeID}
	if q = strings.TrimSpace(q); q != "" {
		where += " AND (m.name LIKE $4" + store.LikeEscape + " OR m.sector = $5 OR m.party = $6)"
		code, _ := Parties.Parse(q)
		args = append(args, store.Prefix(q), q, code)
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+memberFrom+where, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list members: %w", err)
	}
	items, err := store.Query(ctx, s.DB, s.scanMember, "SELECT "+memberCols+memberFrom+where+" ORDER BY m.name, m.id LIMIT "+itoa(p.Size)+" OFFSET "+itoa(p.Offset()), args...)
	out.Items = append(out.Items, items...)
	if err != nil {
		return out, fmt.Errorf("list members: %w", err)
	}
	return out, nil
}

// CommitteeMembers are every member of c, by name.
func (s *Service) CommitteeMembers(ctx context.Context, c Committee) ([]Member, error) {
	out, err := store.Query(ctx, s.DB, s.scanMember, "SELECT "+memberCols+" FROM cppcc_members m WHERE m.committee_id = $1"+
		store.InProvince("m.province_id", c.Province())+" ORDER BY m.name, m.id", c.ID)
	if err != nil {
		return nil, fmt.Errorf("list committee members: %w", err)
	}
	return out, nil
}

// MeIn is the caller's member record in a committee in scope (a member's grant), read by q.
func (s *Service) MeIn(ctx context.Context, q store.Querier, sc store.Scope, userID int64) (Member, error) {
	lo, hi := sc.Range()
	m, err := s.scanMember(q.QueryRowContext(ctx, "SELECT "+memberCols+memberFrom+sc.Exact("c.path")+sc.ProvinceParam("m.province_id")+
		" AND m.user_id = $3 AND m.status = 'active' ORDER BY m.id DESC LIMIT 1", lo, hi, userID))
	if apperr.IsNotFound(err) {
		return m, apperr.Rule("您的账号没有关联在任的政协委员档案,请联系政协办公室")
	}
	if err != nil {
		return m, fmt.Errorf("read own member record: %w", err)
	}
	return m, nil
}

// Me returns the caller's own member record.
func (s *Service) Me(ctx context.Context, sc store.Scope, userID int64) (Member, error) {
	return s.MeIn(ctx, s.DB, sc, userID)
}

// LinkAccount ties a member of a committee in scope to the login account
// username, which must hold the member role (政协委员) on the member's
// committee: the member then proposes and reports as themselves.
func (s *Service) LinkAccount(ctx context.Context, sc store.Scope, memberID int64, username string) (Member, error) {
	username = strings.TrimSpace(username)
	var m Member
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = s.MemberIn(ctx, tx, sc, memberID); err != nil {
			return err
		}
		c, err := s.Lookup(ctx, tx, store.All, m.CommitteeID, "committee")
		if err != nil {
			return err
		}
		var user int64
		err = tx.QueryRowContext(ctx, `SELECT u.id FROM users u JOIN grants g ON g.user_id = u.id WHERE u.username = $1 AND g.role = 'cppcc_member'
			AND g.committee_id = $2 AND g.revoked_at IS NULL LIMIT 1`, username, c.ID).Scan(&user)
		if apperr.IsNotFound(err) {
			return apperr.InvalidField("username", "没有授予本政协“政协委员”角色的账号“%s”:请安全管理员先建立账号并授予该角色", username)
		}
		if err != nil {
			return fmt.Errorf("link account: %w", err)
		}
		var other int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cppcc_members WHERE user_id = $1 AND id <> $2 AND status = 'active'", user, m.ID).Scan(&other); err != nil {
			return fmt.Errorf("link account: %w", err)
		}
		if other > 0 {
			return apperr.InvalidField("username", "账号“%s”已关联另一名在任委员", username)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cppcc_members SET user_id = $1, updated_at = $2 WHERE id = $3"+store.InProvince("province_id", c.Province()), user, s.now(), m.ID); err != nil {
			return fmt.Errorf("link account: %w", err)
		}
		m.UserID = &user
		return s.Audit(ctx, tx, c, "link_account", "cppcc_member", m.ID, map[string]any{"user_id": user})
	})
	return m, err
}
