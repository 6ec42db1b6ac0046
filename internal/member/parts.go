package member

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/cnid"
	"dangjian/internal/store"
)

// The parts of an ID number and the phone a role that may reveal them
// searches by are kept as keyed hashes (an HMAC under the lookup key, cut
// to 16 hex characters): the database never holds them in the clear, and
// a search reads an index instead of opening every row.

// partLen is the length kept of a part's hash: 64 bits tell apart the
// rows of an index; the key, not the length, keeps the part secret.
const partLen = 16

// part kinds, each with its column and the words of the audit trail.
var partKinds = map[string]struct{ col, label string }{
	"tail4": {"id_tail4", "身份证号码后四位"},
	"tail6": {"id_tail6", "身份证号码后六位"},
	"head6": {"id_head6", "身份证号码前六位"},
	"phone": {"phone_hash", "手机号码"},
}

var (
	tail4RE = regexp.MustCompile(`^\d{3}[\dX]$`)
	six     = regexp.MustCompile(`^\d{5}[\dX]$`)
	mobile  = regexp.MustCompile(`^1\d{10}$`)
)

// partsOf are the kinds a search text may be ("tail6" and "head6" together
// for six digits), none for any other text.
func partsOf(q string) []string {
	n := cnid.Normalize(q)
	switch {
	case tail4RE.MatchString(n):
		return []string{"tail4"}
	case six.MatchString(n) && strings.HasSuffix(n, "X"):
		return []string{"tail6"}
	case six.MatchString(n):
		return []string{"tail6", "head6"}
	case mobile.MatchString(n):
		return []string{"phone"}
	}
	return nil
}

// PartSearch tells whether q searches by a part of an ID number or by a
// phone: only a role that may reveal them may, and each such search is
// audited.
func PartSearch(q string) bool { return len(partsOf(strings.TrimSpace(q))) > 0 }

// ErrPartSearch refuses a part search to a role that may not reveal.
var ErrPartSearch = apperr.Rule("按身份证号码的后四位、后六位、前六位或手机号码查找,需要“查看完整号码”的权限;请输入姓名、拼音或完整的身份证号码")

// partText is what is hashed for a part: its kind and its value, so that
// the same digits as another part hash apart.
func partText(kind, value string) string { return kind + ":" + value }

// partValue is a person's part of one kind.
func partValue(kind, idNumber, phone string) string {
	switch kind {
	case "tail4":
		return idNumber[len(idNumber)-4:]
	case "tail6":
		return idNumber[len(idNumber)-6:]
	case "head6":
		return idNumber[:6]
	}
	return NormalizePhone(phone)
}

// partHashes are the stored hashes of a person's parts under the newest
// key, nil for a phone not given.
func (s *Service) partHashes(idNumber, phone string) []any {
	out := make([]any, 0, 4)
	for _, k := range []string{"tail4", "tail6", "head6", "phone"} {
		if k == "phone" && phone == "" || len(idNumber) < 6 {
			out = append(out, nil)
			continue
		}
		out = append(out, s.Box.Hash(partText(k, partValue(k, idNumber, phone)))[:partLen])
	}
	return out
}

// partCondition is the roster condition of a part search, under every key
// of the ring (a rotation may be under way).
func (s *Service) partCondition(q string) (string, []any) {
	n := cnid.Normalize(strings.TrimSpace(q))
	var conds []string
	var args []any
	for _, k := range partsOf(n) {
		v := n
		if k == "phone" {
			v = NormalizePhone(n)
		}
		hs := s.Box.Hashes(partText(k, v))
		marks := make([]string, len(hs))
		for i, h := range hs {
			marks[i] = "?"
			args = append(args, h[:partLen])
		}
		conds = append(conds, "m."+partKinds[k].col+" IN ("+strings.Join(marks, ", ")+")")
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// auditPartSearch records that a part search was made, by which part, not
// the part itself.
func (s *Service) auditPartSearch(ctx context.Context, q string, orgID int64) error {
	var by []string
	for _, k := range partsOf(cnid.Normalize(strings.TrimSpace(q))) {
		by = append(by, partKinds[k].label)
	}
	return audit.Append(ctx, s.DB, audit.Event{Action: "search", ObjectType: "member", Detail: map[string]any{"by": strings.Join(by, "或"), "org": orgID}})
}

// FillParts computes the part hashes of people stored before they were
// kept, batch rows at a time; the server calls it at start.
func (s *Service) FillParts(ctx context.Context, batch int) error {
	_, err := s.reseal(ctx, batch, `SELECT id, id_enc, phone_enc FROM members WHERE id > $1 AND id_tail4 IS NULL AND (id_enc LIKE $2`+store.LikeEscape+` OR id_enc NOT LIKE $2`+store.LikeEscape+`) ORDER BY id LIMIT $3`,
		s.Box.Open, func(ctx context.Context, tx *sql.Tx, id int64, _, v []string) error {
			p := s.partHashes(v[0], v[1])
			_, err := tx.ExecContext(ctx, "UPDATE members SET id_tail4 = $1, id_tail6 = $2, id_head6 = $3, phone_hash = $4 WHERE id = $5", append(p, id)...)
			if err != nil {
				return fmt.Errorf("read member's parts: %w", err)
			}
			return nil
		}, nil)
	if err != nil {
		return fmt.Errorf("read member's parts: %w", err)
	}
	return nil
}
