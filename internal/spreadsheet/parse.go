package spreadsheet

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"dangjian/internal/cnid"
	"dangjian/internal/date"
)

// Field is a column the importer understands.
type Field string

// The columns of a member roster, by the name the export writes.
const (
	FName       Field = "姓名"
	FSex        Field = "性别"
	FEthnicity  Field = "民族"
	FID         Field = "公民身份号码"
	FBirth      Field = "出生日期"
	FEducation  Field = "学历"
	FCategory   Field = "人员类别"
	FJoined     Field = "入党日期"
	FFull       Field = "转正日期"
	FOrg        Field = "所在党组织"
	FPhone      Field = "联系电话"
	FPost       Field = "工作岗位"
	FMobile     Field = "是否流动党员"
	FMobileDest Field = "流动去向"
)

// Columns are the columns a file may have, each with the headers people write for it.
type Columns map[Field][]string

// aliases are the headers people write for each column of a member roster.
var aliases = Columns{
	FName:       {"姓名", "党员姓名", "名字"},
	FSex:        {"性别"},
	FEthnicity:  {"民族"},
	FID:         {"公民身份号码", "身份证号", "身份证号码", "身份证", "公民身份证号码", "身份证件号码"},
	FBirth:      {"出生日期", "出生年月", "出生时间", "出生年月日"},
	FEducation:  {"学历", "文化程度", "最高学历"},
	FCategory:   {"人员类别", "党员类别", "类别", "党籍状态"},
	FJoined:     {"入党日期", "入党时间", "入党年月"},
	FFull:       {"转正日期", "转正时间", "转正年月"},
	FOrg:        {"所在党支部", "所在党组织", "党支部", "所属党支部", "所在支部", "党组织"},
	FPhone:      {"联系电话", "手机号码", "手机号", "手机", "电话", "联系方式"},
	FPost:       {"工作岗位", "岗位", "职务", "工作单位及职务"},
	FMobile:     {"是否流动党员", "流动党员"},
	FMobileDest: {"流动去向", "外出地点", "流向"},
}

// clean removes spaces, line breaks and the marks people add to headers.
func clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '*', r == '＊', r == ':', r == '：', r == '\u200b', r == '\ufeff':
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (c Columns) fieldOf(header string) (Field, bool) {
	h := clean(header)
	// 身份证号(必填) and the like: the part before a bracket.
	if i := strings.IndexAny(h, "(("); i > 0 {
		h = h[:i]
	}
	for f, names := range c {
		for _, n := range names {
			if h == n {
				return f, true
			}
		}
	}
	return "", false
}

// Header is where the header row is and which column holds each field.
type Header struct {
	Row   int           // index in the table (Excel row Row+1)
	Cols  map[Field]int // column index of each field
	Names map[Field]string
}

// FindHeader looks in the first rows for the header, below any title rows; a
// header cell left empty by a merge takes the text above it.
func FindHeader(t Table) (Header, error) { return FindHeaderOf(t, aliases, rosterHeader, FName, FID) }

// rosterHeader names the columns a member roster's header must have.
const rosterHeader = "“姓名”和“公民身份号码”(或“身份证号”)"

// FindHeaderOf looks for the header of a file of cols: the first row, below
// any title rows, that has every required column; missing names them for
// the message when there is none.
func FindHeaderOf(t Table, cols Columns, missing string, required ...Field) (Header, error) {
	for i := 0; i < len(t) && i < headerRows; i++ {
		h := Header{Row: i, Cols: map[Field]int{}, Names: map[Field]string{}}
		for j, cell := range t[i] {
			text := cell
			if clean(text) == "" && i > 0 && j < len(t[i-1]) {
				text = t[i-1][j]
			}
			if f, ok := cols.fieldOf(text); ok {
				if _, dup := h.Cols[f]; !dup {
					h.Cols[f], h.Names[f] = j, strings.TrimSpace(text)
				}
			}
		}
		found := true
		for _, f := range required {
			_, ok := h.Cols[f]
			found = found && ok
		}
		if found {
			return h, nil
		}
	}
	return Header{}, errors.New("没有找到表头:前20行中应有一行同时包含" + missing)
}

// Name is the column's header as the file writes it.
func (h Header) Name(f Field) string {
	if n, ok := h.Names[f]; ok {
		return n
	}
	return string(f)
}

// Cell returns the cleaned value of a field in row, and whether the file has the column.
func (h Header) Cell(row []string, f Field) (string, bool) {
	j, ok := h.Cols[f]
	if !ok {
		return "", false
	}
	if j >= len(row) {
		return "", true
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '\u3000' || r == '\u00a0':
			return ' '
		}
		return r
	}, row[j])), true
}

var (
	reYMD   = regexp.MustCompile(`^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$`)
	reYM    = regexp.MustCompile(`^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$`)
	reDigit = regexp.MustCompile(`^\d{8}$`)
	reSer   = regexp.MustCompile(`^\d{4,5}(\.\d+)?$`)
)

// ParseDate reads the ways dates are typed in rosters: Excel serial numbers,
// 2003-07-01, 2003/7/1, 2003.7.1, 2003年7月1日, 20030701, and a month alone
// (2003.07, 2003年7月), which is taken as the first of the month.
func ParseDate(s string) (date.Date, error) {
	s = strings.TrimSpace(s)
	var y, m, d int
	switch {
	case s == "":
		return date.Date{}, nil
	case reYMD.MatchString(s):
		p := reYMD.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case reDigit.MatchString(s):
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	case reYM.MatchString(s):
		p := reYM.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), 1
	case reSer.MatchString(s):
		f, _ := strconv.ParseFloat(s, 64)
		// Serials below 61 fall before March 1900 (and around Excel's fictitious 29 February 1900).
		if f < 61 || f > 2958465 {
			return date.Date{}, fmt.Errorf("“%s”不是有效的日期", s)
		}
		// Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(math.Floor(f)))
		return date.New(t.Year(), t.Month(), t.Day()), nil
	default:
		return date.Date{}, fmt.Errorf("“%s”不是可识别的日期,请写成 2003-07-01、2003年7月1日或 2003.07", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d || y < 1900 {
		return date.Date{}, fmt.Errorf("“%s”不是有效的日期", s)
	}
	return date.New(y, time.Month(m), d), nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// ParseID normalises an ID number cell and says when Excel turned it into a number.
func ParseID(s string) (string, error) {
	v := cnid.Normalize(s)
	if strings.ContainsAny(v, "Ee") && strings.Contains(v, "+") || (strings.Contains(v, ".") && len(v) > 10) {
		return "", errors.New("身份证号被 Excel 存成了数字,后几位已经丢失:请把该列设为“文本”格式后重新填写")
	}
	return v, nil
}

var educationWords = map[string]string{
	"研究生": "研究生", "博士": "研究生", "硕士": "研究生", "博士研究生": "研究生", "硕士研究生": "研究生",
	"本科": "大学本科", "大学本科": "大学本科", "大学": "大学本科",
	"大专": "大学专科", "专科": "大学专科", "大学专科": "大学专科",
	"中专": "中专", "中技": "中专", "中等专科": "中专", "技校": "中专",
	"高中": "高中", "职高": "高中",
	"初中": "初中及以下", "小学": "初中及以下", "初中及以下": "初中及以下", "文盲": "初中及以下",
}

// Education maps the words rosters use to the statistical levels.
func Education(s string) string {
	if v, ok := educationWords[clean(s)]; ok {
		return v
	}
	return s
}

var categoryWords = map[string]string{
	"正式党员": "正式党员", "正式": "正式党员", "党员": "正式党员",
	"预备党员": "预备党员", "预备": "预备党员",
	"发展对象": "发展对象", "入党积极分子": "入党积极分子", "积极分子": "入党积极分子", "入党申请人": "入党申请人",
}

// Category maps the words rosters use to the development stages.
func Category(s string) string {
	if v, ok := categoryWords[clean(s)]; ok {
		return v
	}
	return s
}

// YesNo reads 是/否 cells.
func YesNo(s string) (bool, error) {
	switch clean(s) {
	case "是", "Y", "y", "√", "1", "流动党员":
		return true, nil
	case "", "否", "N", "n", "0", "×":
		return false, nil
	}
	return false, fmt.Errorf("“%s”应填“是”或“否”", s)
}
