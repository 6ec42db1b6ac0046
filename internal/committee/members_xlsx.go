package committee

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
)

// The columns of a committee's member list, by the names its export writes.
const (
	colName    spreadsheet.Field = "姓名"
	colSex     spreadsheet.Field = "性别"
	colSector  spreadsheet.Field = "界别"
	colParty   spreadsheet.Field = "党派"
	colSpecial spreadsheet.Field = "专门委员会"
	colTeam    spreadsheet.Field = "活动组"
	colPost    spreadsheet.Field = "职务"
	colPhone   spreadsheet.Field = "联系电话"
)

// memberColumns are the headers offices write for each column.
var memberColumns = spreadsheet.Columns{
	colName:    {"姓名", "委员姓名"},
	colSex:     {"性别"},
	colSector:  {"界别", "所在界别"},
	colParty:   {"党派", "政治面貌", "党派团体"},
	colSpecial: {"专门委员会", "专委会", "所在专委会"},
	colTeam:    {"活动组", "委员活动组", "小组"},
	colPost:    {"职务", "工作单位及职务", "政协职务"},
	colPhone:   {"联系电话", "手机", "手机号码", "电话"},
}

var memberOrder = []spreadsheet.Field{colName, colSex, colSector, colParty, colSpecial, colTeam, colPost, colPhone}

// MembersHead are the columns of the export, in the order the import reads back.
var MembersHead = func() []string {
	out := make([]string, len(memberOrder))
	for i, f := range memberOrder {
		out[i] = string(f)
	}
	return out
}()

// MembersTable is a committee's members as rows of MembersHead, phones
// masked: imported back, a masked phone keeps the phone stored.
func MembersTable(ms []Member) [][]any {
	out := make([][]any, len(ms))
	for i, m := range ms {
		out[i] = []any{m.Name, m.Sex, m.Sector, m.PartyLabel, m.Special, m.Team, m.Post, m.PhoneMasked}
	}
	return out
}

// ImportProblem is a wrong cell of an imported list.
type ImportProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportResult is what an import did: every row written, or none.
type ImportResult struct {
	Added    int             `json:"added"`
	Updated  int             `json:"updated"`
	Problems []ImportProblem `json:"problems,omitempty"`
}

// ImportMembers reads a list of members (.xlsx or .csv) into a term of a
// committee in scope. Every row is checked first; with any wrong cell
// nothing is written and each is named by its row and column. A member
// already in the term (same name, and the same phone when both have one)
// is updated, so that a list imported twice adds nobody twice.
func (s *Service) ImportMembers(ctx context.Context, sc store.Scope, committeeID, termID int64, name string, r io.Reader) (ImportResult, error) {
	var out ImportResult
	sh, err := spreadsheet.Open(name, r)
	if err != nil {
		return out, apperr.InvalidField("file", "%s", err.Error())
	}
	defer sh.Close()
	h, err := sh.HeaderOf(memberColumns, "“姓名”“性别”“界别”和“党派”", colName, colSex, colSector, colParty)
	if err != nil {
		return out, apperr.InvalidField("file", "%s", err.Error())
	}
	type line struct {
		row    int
		in     MemberInput
		masked bool
	}
	var lines []line
	for row := 0; ; row++ {
		cells, err := sh.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, apperr.InvalidField("file", "读取第 %d 行时出错,文件可能已损坏", row+1)
		}
		if row <= h.Row {
			continue
		}
		get := func(f spreadsheet.Field) string { v, _ := h.Cell(cells, f); return v }
		in := MemberInput{CommitteeID: committeeID, TermID: termID, Name: get(colName), Sex: get(colSex), Sector: get(colSector), Party: get(colParty),
			Special: get(colSpecial), Team: get(colTeam), Post: get(colPost), Phone: get(colPhone)}
		masked := strings.Contains(in.Phone, "*") // as the export writes it: the stored phone stays
		if masked {
			in.Phone = ""
		}
		if strings.TrimSpace(strings.Join(cells, "")) == "" {
			continue
		}
		if err := in.check(); err != nil {
			ae, _ := apperr.As(err)
			for _, fe := range ae.Fields {
				col := map[string]spreadsheet.Field{"name": colName, "sex": colSex, "party": colParty, "phone": colPhone}[fe.Field]
				out.Problems = append(out.Problems, ImportProblem{Row: row + 1, Column: h.Name(col), Message: fe.Message})
			}
		}
		lines = append(lines, line{row + 1, in, masked})
		if len(lines) > 5000 {
			return out, apperr.InvalidField("file", "一次最多导入 5000 名委员")
		}
	}
	if len(lines) == 0 && len(out.Problems) == 0 {
		return out, apperr.InvalidField("file", "表头以下没有委员")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.InputCommittee(ctx, tx, sc, committeeID)
		if err != nil {
			return err
		}
		if err := s.checkTerm(ctx, tx, c, termID); err != nil {
			return err
		}
		sectors, err := s.Names(ctx, c.ID, "sector")
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, n := range sectors {
			known[n] = true
		}
		existing, err := store.Query(ctx, tx, s.scanMember, "SELECT "+memberCols+" FROM cppcc_members m WHERE m.committee_id = $1 AND m.term_id = $2"+
			store.InProvince("m.province_id", c.Province()), c.ID, termID)
		if err != nil {
			return fmt.Errorf("import members: %w", err)
		}
		seen := map[string]int{}
		for _, l := range lines {
			if !known[l.in.Sector] {
				out.Problems = append(out.Problems, ImportProblem{Row: l.row, Column: h.Name(colSector), Message: fmt.Sprintf("界别“%s”不在本政协的界别名单中", l.in.Sector)})
			}
			k := l.in.Name + "|" + l.in.Phone
			if first, dup := seen[k]; dup {
				out.Problems = append(out.Problems, ImportProblem{Row: l.row, Column: h.Name(colName), Message: fmt.Sprintf("与第 %d 行是同一名委员", first)})
			}
			seen[k] = l.row
		}
		if len(out.Problems) > 0 {
			return errImportRefused
		}
		for _, l := range lines {
			id := int64(0)
			for _, m := range existing {
				if m.Name == l.in.Name && (m.Phone == "" || l.in.Phone == "" || m.Phone == l.in.Phone) {
					id = m.ID
					if l.masked {
						l.in.Phone = m.Phone
					}
					break
				}
			}
			if _, err := s.saveMember(ctx, tx, c, id, l.in); err != nil {
				return err
			}
			if id == 0 {
				out.Added++
			} else {
				out.Updated++
			}
		}
		return nil
	})
	if errors.Is(err, errImportRefused) {
		return out, importRefused(out.Problems)
	}
	return out, err
}

var errImportRefused = errors.New("import refused")

// importRefused names every wrong cell of a refused list by its row and column.
func importRefused(ps []ImportProblem) error {
	var v apperr.Invalid
	v.Add("file", "名单有 %d 处需要修改,一名委员也没有导入", len(ps))
	for _, p := range ps {
		v.Add("file", "第 %d 行“%s”:%s", p.Row, p.Column, p.Message)
	}
	return v.Err()
}
