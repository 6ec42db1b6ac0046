package work

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// text turns a JSON or form value into trimmed text.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// parse checks one field's value and returns it typed; msg says what is
// wrong with it, err is a failure of the database.
func (s *Service) parse(ctx context.Context, q store.Querier, sc store.Scope, f Field, raw any) (val any, msg string, err error) {
	if b, ok := raw.(Bad); ok {
		return nil, string(b), nil
	}
	if nf, ok := raw.(NewFile); ok && f.Type == File {
		tx, _ := q.(*sql.Tx)
		a, err := s.attach(ctx, tx, sc, nf)
		if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
			return nil, ae.Fields[0].Message, nil
		}
		if err != nil {
			return nil, "", err
		}
		raw = a.ID
	}
	t := text(raw)
	if named(f.Type) {
		if t == "" || t == "0" {
			return int64(0), "", nil
		}
		return s.resolve(ctx, q, sc, f, t)
	}
	if num, isNum := raw.(float64); (f.Type == Fen || f.Type == Int) && raw != nil && !isNum {
		if _, isText := raw.(string); isText && s.strictJSON(ctx) {
			return nil, f.Label + "应为数字,不应加引号", nil
		}
	} else if isNum && num != math.Trunc(num) {
		return nil, f.Label + "应为整数", nil
	}
	val, msg = value(f, t, s.Today())
	return val, msg, nil
}

// The domains of numbers: money up to 100亿元 (10^12 fen), whole numbers
// of fields without a stated maximum up to a billion. Sums over the whole
// tree stay far inside int64.
const (
	MaxFen = 1_000_000_000_000
	maxInt = 1_000_000_000
)

// value checks a value of a field that refers to nothing else.
func value(f Field, t string, today date.Date) (any, string) {
	switch f.Type {
	case Text, Note:
		limit := 200
		if f.Type == Note {
			limit = 2000
		}
		if utf8.RuneCountInString(t) > limit {
			return nil, f.Label + "不能超过" + strconv.Itoa(limit) + "个字"
		}
		return t, ""
	case Enum:
		if t == "" {
			return "", ""
		}
		code, ok := f.Enum.Parse(t)
		if !ok {
			return nil, f.Label + "“" + t + "”无效,应为" + f.Enum.Labels() + "之一"
		}
		return code, ""
	case Date:
		d, err := date.Parse(t)
		if err != nil {
			return nil, f.Label + ":" + err.Error()
		}
		if f.Past && d.After(today) {
			return nil, f.Label + d.String() + "晚于今天"
		}
		return d, ""
	case Fen, Int:
		if t == "" {
			return int64(0), ""
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			n, err = math.MaxInt64, nil
		}
		if err != nil {
			if f.Type == Fen {
				return nil, f.Label + "“" + t + "”不是以分为单位的整数金额"
			}
			return nil, f.Label + "“" + t + "”不是整数"
		}
		if f.Type == Fen && n < 0 {
			return nil, f.Label + "不能为负数"
		}
		if f.Type == Fen && n > MaxFen {
			return nil, f.Label + "超过100亿元的上限,请核对金额(以分为单位)"
		}
		if hi := f.Max; f.Type == Int && (n < f.Min || n > cmp.Or(hi, maxInt)) {
			return nil, f.Label + "应在" + strconv.FormatInt(f.Min, 10) + "到" + strconv.FormatInt(cmp.Or(hi, maxInt), 10) + "之间"
		}
		return n, ""
	}
	return nil, f.Label + "的类型无法识别"
}

// resolve finds the person, organisation, record or file a reference field
// names, by id or (persons and organisations) by exact name, in scope.
func (s *Service) resolve(ctx context.Context, q store.Querier, sc store.Scope, f Field, t string) (any, string, error) {
	lo, hi := sc.Range()
	var table, nameCol, what string
	switch f.Type {
	case Member:
		table, nameCol, what = "members", "name", "党员"
	case Org:
		table, nameCol, what = "orgs", "name", "党组织"
	case Ref:
		ref := kindsByName[f.Ref]
		table, nameCol, what = ref.Name, ref.Title(), ref.Noun
	default:
		table, nameCol, what = "attachments", "name", "附件"
	}
	join, routed := " JOIN orgs o ON o.id = t.org_id", sc.ProvinceParam("t.province_id")
	if f.Type == Org {
		join, routed = " JOIN orgs o ON o.id = t.id", ""
	}
	query := "SELECT t.id FROM " + table + " t" + join + " WHERE o.path >= $1 AND o.path < $2" + sc.Exact("o.path") + routed + " AND "
	id, err := strconv.ParseInt(t, 10, 64)
	var ids []int64
	if err == nil {
		ids, err = store.Query(ctx, q, scanID, query+"t.id = $3", lo, hi, id)
	} else if f.Type == Member || f.Type == Org {
		cond := "t." + nameCol + " = $3"
		if f.Type == Member {
			cond += " AND t.status = 'active'"
		}
		ids, err = store.Query(ctx, q, scanID, query+cond+" LIMIT 3", lo, hi, t)
	}
	switch {
	case err != nil:
		if err != nil {
			return nil, "", fmt.Errorf("resolve reference: %w", err)
		}
		return nil, "", nil
	case len(ids) == 0:
		return nil, f.Label + ":您的管理范围内没有" + what + "“" + t + "”", nil
	case len(ids) > 1:
		return nil, f.Label + ":您的管理范围内有不止一名" + what + "叫“" + t + "”,请从候选中选择(接口调用请给出编号)", nil
	}
	return ids[0], "", nil
}

func scanID(sc store.Scanner) (int64, error) {
	var id int64
	return id, sc.Scan(&id)
}

// fill applies an input to a record: on creation every form field, on
// change only the fields present. Step and Auto fields are left alone.
func (s *Service) fill(ctx context.Context, q store.Querier, sc store.Scope, r *Record, in Input, creating bool, v *apperr.Invalid) error {
	for _, f := range r.Kind.Fields {
		if f.Step != "" || f.Auto {
			continue
		}
		raw, present := in[f.Col]
		if !present && !creating {
			continue
		}
		val, msg, err := s.parse(ctx, q, sc, f, raw)
		if err != nil {
			return err
		}
		if msg != "" {
			v.Add(f.Col, "%s", msg)
			continue
		}
		r.V[f.Col] = val
	}
	for _, f := range r.Kind.Fields {
		if f.Step == "" && !f.Auto && f.Required && empty(r.V[f.Col]) && !hasField(v, f.Col) {
			v.Add(f.Col, "请填写%s", f.Label)
		}
	}
	return nil
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case date.Date:
		return x.IsZero()
	case int64:
		return x == 0
	}
	return false
}

func hasField(v *apperr.Invalid, col string) bool {
	err, _ := apperr.As(v.Err())
	if err == nil {
		return false
	}
	for _, f := range err.Fields {
		if f.Field == col {
			return true
		}
	}
	return false
}
