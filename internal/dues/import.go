package dues

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/member"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// The columns of a branch's sheet of dues bases, as branches keep it.
const (
	FName      spreadsheet.Field = "姓名"
	FID        spreadsheet.Field = "公民身份号码"
	FKind      spreadsheet.Field = "党员类别"
	FBase      spreadsheet.Field = "计算基数"
	FAmount    spreadsheet.Field = "月交纳党费"
	FFrom      spreadsheet.Field = "起始月份"
	FApproval  spreadsheet.Field = "批准情况"
	FOpened    spreadsheet.Field = "党费交到"
	FConfirmed spreadsheet.Field = "本人确认"
)

// baseColumns are the headers people write for each column.
var baseColumns = spreadsheet.Columns{
	FName:      {"姓名", "党员姓名"},
	FID:        {"公民身份号码", "身份证号", "身份证号码", "身份证"},
	FKind:      {"党员类别", "类别", "人员类别", "交纳类别"},
	FBase:      {"计算基数", "党费计算基数", "交纳基数", "税后工资", "月工资收入", "工资收入", "离退休费", "养老金", "月收入", "基数"},
	FAmount:    {"月交纳党费", "每月党费", "月交党费", "月应交党费", "交纳金额"},
	FFrom:      {"起始月份", "起始月", "自何月起"},
	FApproval:  {"批准情况", "批准文件", "批准文号"},
	FOpened:    {"党费交到", "开账时党费交到", "已交至"},
	FConfirmed: {"本人确认", "本人签字确认", "是否确认"},
}

// kindWords are the words a sheet writes for each kind, besides its code and label.
var kindWords = map[string]string{
	"在职": KindWage, "在职党员": KindWage, "工资": KindWage, "年薪制": KindAnnual, "年薪": KindAnnual,
	"个体": KindSelfEmployed, "个体经营": KindSelfEmployed, "个体经营者": KindSelfEmployed,
	"离退休": KindRetired, "退休": KindRetired, "离休": KindRetired, "农民": KindFarmer, "学生": KindStudent,
	"下岗失业": KindUnemployed, "下岗": KindUnemployed, "失业": KindUnemployed, "抚恤": KindRelief, "救济": KindRelief,
	"抚恤救济": KindRelief, "低保": KindAllowance, "最低生活保障": KindAllowance,
	"困难": KindHardship, "少交": KindHardship, "免交": KindHardship, "少交或免交": KindHardship,
}

// kindIn reads a kind as a sheet writes it.
func kindIn(s string) (string, bool) {
	if k, ok := KindLabels.Parse(s); ok {
		return k, true
	}
	k, ok := kindWords[strings.TrimSpace(s)]
	return k, ok
}

// ImportReport is what an import of bases found and did.
type ImportReport struct {
	Rows      int                     `json:"rows"`
	Set       int                     `json:"set"`
	Confirmed int                     `json:"confirmed"`
	Errors    []spreadsheet.CellError `json:"errors"`
	// Refused tells that nothing was written: a row was wrong.
	Refused bool `json:"refused"`
}

// errDry ends the transaction of a trial import.
var errDry = errors.New("dry run")

// Import sets, for the year, the bases of the members of the organisation
// orgID in scope that a branch's sheet lists (found by ID number, or by a
// name unique in the organisation), as the branch keeps them: every row is
// checked first, each wrong cell named by row, column and reason, and
// nothing is written if any is wrong (nor in a trial, dry). A row marked as
// confirmed by the member (本人确认: 是) records their signed confirmation.
func (s *Service) Import(ctx context.Context, sc store.Scope, members *member.Service, orgID int64, year int, sh *spreadsheet.Sheet, dry bool) (ImportReport, error) {
	rep := ImportReport{Errors: []spreadsheet.CellError{}}
	_, path, err := orgIn(ctx, s.DB, sc, orgID)
	if err != nil {
		return rep, err
	}
	h, err := sh.HeaderOf(baseColumns, "“姓名”和“党员类别”", FName, FKind)
	if err != nil {
		return rep, apperr.New("invalid", http.StatusBadRequest, "%s", err.Error())
	}
	type row struct {
		line     int
		memberID int64
		in       BaseInput
		fen      int64
		confirm  bool
	}
	var rows []row
	seen := map[int64]int{}
	bad := func(line int, f spreadsheet.Field, value, format string, args ...any) {
		rep.Errors = append(rep.Errors, spreadsheet.CellError{Row: line, Column: h.Name(f), Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	for i := 0; ; i++ {
		cells, err := sh.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, err
		}
		line := i + 1
		name, _ := h.Cell(cells, FName)
		if i <= h.Row || name == "" {
			continue
		}
		rep.Rows++
		r := row{line: line, in: BaseInput{Year: year}}
		kindText, _ := h.Cell(cells, FKind)
		kind, ok := kindIn(kindText)
		if !ok {
			bad(line, FKind, kindText, "党员类别应为在职、年薪制、个体经营者、离退休、农民、学生、下岗失业、抚恤救济、低保、少交或免交之一(或规定中的全称)")
		}
		r.in.Kind = kind
		for _, c := range []struct {
			f   spreadsheet.Field
			dst *int64
		}{{FBase, &r.in.BaseFen}, {FAmount, &r.in.AmountFen}} {
			v, _ := h.Cell(cells, c.f)
			if fen, ok := work.ParseYuan(v); ok {
				*c.dst = fen
			} else {
				bad(line, c.f, v, "应为以元计的金额,如 4000 或 0.50")
			}
		}
		if v, _ := h.Cell(cells, FFrom); v != "" {
			if n, err := strconv.Atoi(strings.TrimSuffix(v, "月")); err == nil && n >= 1 && n <= 12 {
				r.in.FromMonth = n
			} else {
				bad(line, FFrom, v, "起始月份应为1至12")
			}
		}
		r.in.Approval, _ = h.Cell(cells, FApproval)
		r.in.OpenedTo, _ = h.Cell(cells, FOpened)
		if v, _ := h.Cell(cells, FConfirmed); v != "" {
			if r.confirm, err = spreadsheet.YesNo(v); err != nil {
				bad(line, FConfirmed, v, "应填“是”或“否”")
			}
		}
		amount := r.in.AmountFen
		if k, ok := kindOf(kind); ok && len(k.Bands) > 0 {
			r.in.AmountFen = 0 // the rate gives it: a written amount is checked against it below
		}
		fen, err := s.checkBase(&r.in)
		if ae, isUser := apperr.As(err); ok && isUser {
			for _, fe := range ae.Fields {
				f := fieldColumn(fe.Field)
				v, _ := h.Cell(cells, f)
				bad(line, f, v, "%s", fe.Message)
			}
		} else if k, _ := kindOf(kind); ok && len(k.Bands) > 0 && amount != 0 && amount != fen {
			bad(line, FAmount, work.Yuan(amount), "按规定应为%s元(%s)", work.Yuan(fen), k.Article)
		}
		r.fen = fen
		id, _ := h.Cell(cells, FID)
		r.memberID, err = findMember(ctx, members, store.ScopeOf(path), name, id)
		if err != nil {
			f := FName
			if id != "" {
				f = FID
			}
			ae, ok := apperr.As(err)
			if !ok {
				return rep, err
			}
			bad(line, f, map[spreadsheet.Field]string{FName: name, FID: id}[f], "%s", ae.Message)
		} else if first, dup := seen[r.memberID]; dup {
			bad(line, FName, name, "与第%d行是同一名党员", first)
		} else {
			seen[r.memberID] = line
		}
		rows = append(rows, r)
	}
	if len(rep.Errors) > 0 {
		rep.Refused = true
		return rep, nil
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			// A row refused leaves no trace (and on PostgreSQL the transaction goes on).
			if _, err := tx.ExecContext(ctx, "SAVEPOINT dues_row"); err != nil {
				return err
			}
			var id, prov int64
			err := s.setBase(ctx, tx, sc, r.memberID, r.in, r.fen, &id, &prov)
			if err == nil && r.confirm {
				var b Base
				err = s.stepBaseIn(ctx, tx, sc, 0, id, "confirm", ActInput{}, &b)
			}
			end := "RELEASE SAVEPOINT dues_row"
			if err != nil {
				end = "ROLLBACK TO SAVEPOINT dues_row"
			}
			if _, serr := tx.ExecContext(ctx, end); serr != nil {
				return errors.Join(err, serr)
			}
			ae, ok := apperr.As(err)
			switch {
			case err == nil:
				rep.Set++
				if r.confirm {
					rep.Confirmed++
				}
			case !ok:
				return err
			case len(ae.Fields) > 0:
				for _, fe := range ae.Fields {
					rep.Errors = append(rep.Errors, spreadsheet.CellError{Row: r.line, Column: h.Name(fieldColumn(fe.Field)), Reason: fe.Message})
				}
			default:
				rep.Errors = append(rep.Errors, spreadsheet.CellError{Row: r.line, Column: h.Name(FName), Reason: ae.Message})
			}
		}
		if len(rep.Errors) > 0 || dry {
			return errDry
		}
		return nil
	})
	if errors.Is(err, errDry) {
		rep.Refused, err = len(rep.Errors) > 0, nil
	}
	return rep, err
}

// findMember is the active Party member in scope with ID number id, or
// else with the name, when one alone has it.
func findMember(ctx context.Context, members *member.Service, sc store.Scope, name, id string) (int64, error) {
	q := id
	if q == "" {
		q = name
	}
	l, err := members.List(ctx, sc, member.Filter{Q: q, Category: "member"}, store.Page{Size: store.MaxSize})
	if err != nil {
		return 0, err
	}
	var found []member.Member
	for _, m := range l.Items {
		if m.Name == name {
			found = append(found, m)
		}
	}
	switch {
	case len(found) == 1:
		return found[0].ID, nil
	case len(found) > 1:
		return 0, apperr.Rule("本党组织有%d名党员名叫%s,请填写公民身份号码", len(found), name)
	case id != "" && len(l.Items) > 0:
		return 0, apperr.Rule("该公民身份号码的党员是%s,与姓名“%s”不符", l.Items[0].Name, name)
	case id != "":
		return 0, apperr.Rule("本党组织(含下级)的在册党员中没有这个公民身份号码")
	}
	return 0, apperr.Rule("本党组织(含下级)的在册党员中没有%s", name)
}

// fieldColumn is the column of a field of BaseInput.
func fieldColumn(field string) spreadsheet.Field {
	switch field {
	case "kind":
		return FKind
	case "base_fen":
		return FBase
	case "amount_fen":
		return FAmount
	case "from_month", "year":
		return FFrom
	case "approval":
		return FApproval
	case "opened_to":
		return FOpened
	}
	return FName
}
