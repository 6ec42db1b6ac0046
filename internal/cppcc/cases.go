package cppcc

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mfonda/simhash"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/clock"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/flow"
	"dangjian/internal/member"
	"dangjian/internal/spam"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

// Boxes are where a letter comes in.
var Boxes = vocab.Enum{
	{Code: "member", Label: "委员信箱"},
	{Code: "public", Label: "民意信箱"},
	{Code: "petition", Label: "信访"},
}

// Channels are how a letter or a case reaches the office (信访渠道).
var Channels = vocab.Enum{
	{Code: "letter", Label: "来信"},
	{Code: "visit", Label: "来访"},
	{Code: "phone", Label: "来电"},
	{Code: "online", Label: "网上"},
	{Code: "upper", Label: "上级转送"},
	{Code: "leader", Label: "领导批示交办"},
}

// CaseStates are the states of a letter or a case.
var CaseStates = vocab.Enum{
	{Code: "received", Label: "待受理"},
	{Code: "accepted", Label: "已受理待交办"},
	{Code: "not_accepted", Label: "不予受理"},
	{Code: "transferred", Label: "已转送有权处理机关"},
	{Code: "junk", Label: "垃圾信息"},
	{Code: "handling", Label: "办理中"},
	{Code: "replied", Label: "已答复"},
	{Code: "review", Label: "复查中"},
	{Code: "reviewed", Label: "已复查"},
	{Code: "recheck", Label: "复核中"},
	{Code: "final", Label: "复核终结"},
	{Code: "closed", Label: "已办结"},
}

// Routes are how a case goes to a unit: 转办 (the unit handles and answers)
// or 交办 (and reports its result back to the office).
var Routes = vocab.Enum{
	{Code: "refer", Label: "转办"},
	{Code: "assign", Label: "交办"},
}

// CaseSteps are the steps of a case.
var CaseSteps = flow.NewTable([]flow.Step{
	{Object: "case", Action: "accept", Label: "受理", From: []string{"received"}, To: "accepted", By: "office", Rule: "收到之日起15日内告知受理;复核终结的同一事项不再受理"},
	{Object: "case", Action: "not_accept", Label: "不予受理", From: []string{"received"}, To: "not_accepted", By: "office", Rule: "不予受理须说明理由,并告知信访人"},
	{Object: "case", Action: "transfer", Label: "转送", From: []string{"received"}, To: "transferred", By: "office", Rule: "不属于本机关职责的,转送有权处理的机关,并告知信访人"},
	{Object: "case", Action: "junk", Label: "确认为垃圾信息", From: []string{"received"}, To: "junk", By: "office", Rule: "审核确认为垃圾信息(分类器从中学习);信访人仍可凭回执码查看"},
	{Object: "case", Action: "route", Label: "转办交办", From: []string{"accepted"}, To: "handling", By: "office", Rule: "转办或交办给一个承办单位"},
	{Object: "case", Action: "extend", Label: "延长办理期限", From: []string{"handling"}, To: "handling", By: "unit", Rule: "情况复杂的,经本单位负责人批准延长一次,不超过30日,告知信访人理由"},
	{Object: "case", Action: "reply", Label: "出具处理意见", From: []string{"handling"}, To: "replied", By: "unit", Rule: "承办单位出具书面处理意见"},
	{Object: "case", Action: "rate", Label: "评价", From: []string{"replied", "reviewed", "final"}, To: "", By: "sender", Rule: "信访人凭回执码评价;满意或基本满意即办结"},
	{Object: "case", Action: "request_review", Label: "请求复查", From: []string{"replied"}, To: "review", By: "sender", Rule: "信访人不服处理意见,自收到答复之日起30日内请求复查(仅信访件)"},
	{Object: "case", Action: "decide_review", Label: "复查", From: []string{"review"}, To: "reviewed", By: "office", Rule: "收到复查请求之日起30日内提出复查意见"},
	{Object: "case", Action: "request_recheck", Label: "请求复核", From: []string{"reviewed"}, To: "recheck", By: "sender", Rule: "不服复查意见,自收到之日起30日内请求复核"},
	{Object: "case", Action: "hearing", Label: "听证", From: []string{"recheck"}, To: "recheck", By: "office", Rule: "复核举行听证,听证期间不计入复核期限"},
	{Object: "case", Action: "decide_recheck", Label: "复核", From: []string{"recheck"}, To: "final", By: "office", Rule: "30日内提出复核意见;复核终结,同一事实和理由不再受理"},
	{Object: "case", Action: "close", Label: "办结", From: []string{"replied", "reviewed"}, To: "closed", By: "office", Rule: "请求复查、复核的期限届满未请求,或信访人满意"},
}, map[string]string{"release": "放行", "supervise": "督办", "register": "登记", "submit_public": "网上提交", "publish": "公开到论坛", "hide": "举报隐藏"})

// Case is a letter of a mailbox or a letters-and-visits case. The sender's
// name and phone are masked in JSON; the office reads them with Person.
type Case struct {
	ID           int64         `json:"id"`
	CommitteeID  int64         `json:"committee_id"`
	Box          string        `json:"box"`
	BoxLabel     string        `json:"box_label"`
	Channel      string        `json:"channel"`
	ChannelLabel string        `json:"channel_label"`
	Sender       string        `json:"sender"`
	Phone        string        `json:"phone"`
	Anonymous    bool          `json:"anonymous"`
	People       int           `json:"people"`
	Collective   bool          `json:"collective"`
	Title        string        `json:"title"`
	Content      string        `json:"content"`
	PublicOK     bool          `json:"public_ok"`
	NameOK       bool          `json:"name_ok"`
	State        string        `json:"state"`
	StateLabel   string        `json:"state_label"`
	Held         bool          `json:"held"`
	WasHeld      bool          `json:"was_held"`
	Score        int           `json:"score"`
	Reasons      []spam.Reason `json:"reasons"`
	DuplicateOf  *int64        `json:"duplicate_of"`
	// ProposalID is the proposal not filed the letter was made from.
	ProposalID   *int64    `json:"proposal_id"`
	UnitID       *int64    `json:"unit_id"`
	UnitName     string    `json:"unit_name"`
	Route        string    `json:"route"`
	Decision     string    `json:"decision"`
	Reply        string    `json:"reply"`
	Review       string    `json:"review"`
	Recheck      string    `json:"recheck"`
	Satisfaction string    `json:"satisfaction"`
	Extended     bool      `json:"extended"`
	Late         bool      `json:"late"`
	Stage        int       `json:"stage"`
	ReceivedOn   date.Date `json:"received_on"`
	RepliedOn    date.Date `json:"replied_on"`
	Month        int       `json:"-"`
	Clocks       []Clock   `json:"clocks,omitempty"`
	Files        []File    `json:"files,omitempty"`
	Events       []Event   `json:"events,omitempty"`
	// Overdue is a running clock of the office or the unit past its date.
	Overdue bool `json:"overdue"`
	// DueOn is the date of the running clock the office or a unit must keep
	// (in lists), and DaysOverdue how many days ago it passed.
	DueOn       *date.Date `json:"due_on,omitempty"`
	DaysOverdue int        `json:"days_overdue,omitempty"`
	province    int64
	name        string
}

// endedStates are the states a case ends in: nothing more is done on it.
var endedStates = []string{"not_accepted", "transferred", "junk", "final", "closed"}

// Running tells whether a case is still being handled, so may be
// supervised (督办): not ended, not held as suspected spam.
func (x Case) Running() bool { return !x.Held && !slices.Contains(endedStates, x.State) }

const caseCols = `x.id, x.committee_id, x.box, x.channel, x.name_enc, x.phone_enc, x.anonymous, x.people, x.title, x.content, x.public_ok, x.name_ok, x.state,
	x.held, x.was_held, x.score, x.reasons, x.duplicate_of, x.unit_id, COALESCE(uc.name, ''), x.route, x.decision, x.reply, x.review, x.recheck, x.satisfaction,
	x.extended, x.late, x.stage, x.received_on, x.replied_on, x.month, x.province_id, x.proposal_id`

const caseFrom = " FROM cases x LEFT JOIN committees uc ON uc.id = x.unit_id"

func (s *Service) scanCase(r store.Scanner) (Case, error) {
	var c Case
	var name, phone, reasons string
	var dup, unit, proposal sql.NullInt64
	var replied sql.Null[date.Date]
	err := r.Scan(&c.ID, &c.CommitteeID, &c.Box, &c.Channel, &name, &phone, &c.Anonymous, &c.People, &c.Title, &c.Content, &c.PublicOK, &c.NameOK, &c.State,
		&c.Held, &c.WasHeld, &c.Score, &reasons, &dup, &unit, &c.UnitName, &c.Route, &c.Decision, &c.Reply, &c.Review, &c.Recheck, &c.Satisfaction,
		&c.Extended, &c.Late, &c.Stage, &c.ReceivedOn, &replied, &c.Month, &c.province, &proposal)
	if err != nil {
		return c, err
	}
	if proposal.Valid {
		c.ProposalID = &proposal.Int64
	}
	c.RepliedOn = replied.V
	if dup.Valid {
		c.DuplicateOf = &dup.Int64
	}
	if unit.Valid {
		c.UnitID = &unit.Int64
	}
	_ = json.Unmarshal([]byte(reasons), &c.Reasons)
	c.BoxLabel, c.ChannelLabel, c.StateLabel = Boxes.Label(c.Box), Channels.Label(c.Channel), CaseStates.Label(c.State)
	c.Collective = c.People > 5
	if name != "" && s.Box != nil {
		if c.name, err = s.Box.Open(name); err != nil {
			return c, err
		}
		c.Sender = maskName(c.name)
	}
	if c.Anonymous {
		c.Sender = "匿名"
	}
	if phone != "" && s.Box != nil {
		p, err := s.Box.Open(phone)
		if err != nil {
			return c, err
		}
		c.Phone = member.MaskPhone(p)
	}
	return c, nil
}

// maskName keeps a name's first character: 张** for 张三丰.
func maskName(n string) string {
	rs := []rune(n)
	if len(rs) == 0 {
		return ""
	}
	return string(rs[0]) + strings.Repeat("*", max(1, len(rs)-1))
}

// CaseInput is a letter as the public form or the office enters it.
type CaseInput struct {
	CommitteeID int64  `json:"committee_id"`
	Box         string `json:"box"`
	Channel     string `json:"channel"`
	Title       string `json:"title"`
	Content     string `json:"content"`
	Name        string `json:"name"`
	Phone       string `json:"phone"`
	IDNumber    string `json:"id_number"`
	Anonymous   bool   `json:"anonymous"`
	People      int    `json:"people"`
	// PublicOK: the sender agrees that the letter and its reply are
	// published in the forum; NameOK: with the name.
	PublicOK bool `json:"public_ok"`
	NameOK   bool `json:"name_ok"`
	// ReceivedOn is the day a letter came in (the office's registration; today when empty).
	ReceivedOn date.Date `json:"received_on"`
	// Files are the letter's attachments: images or PDF, at most MaxFiles of MaxFileSize each.
	Files []Upload `json:"-"`
}

// Upload is a file sent with a letter; check fills in what its check found.
type Upload struct {
	Name      string
	Data      []byte
	kind, sum string
}

// A letter's attachments.
const (
	MaxFiles    = 3
	MaxFileSize = 5 << 20
)

// Limits of a letter's text.
const (
	TitleMax   = 60
	ContentMin = 10
	ContentMax = 3000
)

func (in *CaseInput) check(office bool) error {
	var v apperr.Invalid
	in.Title, in.Content, in.Name, in.Phone = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content), strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone)
	in.IDNumber = strings.ToUpper(strings.TrimSpace(in.IDNumber))
	if _, ok := Boxes.Parse(in.Box); !ok {
		v.Add("box", "信箱应为 %s 之一", Boxes.Labels())
	}
	in.Box, _ = Boxes.Parse(in.Box)
	if !office {
		in.Channel = "online"
	} else if c, ok := Channels.Parse(in.Channel); ok {
		in.Channel = c
	} else {
		v.Add("channel", "来源渠道应为 %s 之一", Channels.Labels())
	}
	if n := utf8.RuneCountInString(in.Title); n < 4 || n > TitleMax {
		v.Add("title", "标题应为 4 到 %d 个字,现在是 %d 个字", TitleMax, n)
	}
	if n := utf8.RuneCountInString(in.Content); n < ContentMin || n > ContentMax {
		v.Add("content", "内容应为 %d 到 %d 个字,现在是 %d 个字", ContentMin, ContentMax, n)
	}
	if in.Anonymous && in.Box != "public" {
		v.Add("anonymous", "只有民意信箱可以匿名;%s须留真实姓名和联系电话", Boxes.Label(in.Box))
	}
	if !in.Anonymous {
		if n := utf8.RuneCountInString(in.Name); n < 2 || n > 20 {
			v.Add("name", "请填写真实姓名(2 到 20 个字)")
		}
		if !member.PhoneRE.MatchString(in.Phone) {
			v.Add("phone", "联系电话“%s”格式不对,应为11位手机号码或带区号的固定电话", in.Phone)
		}
	} else {
		in.Name, in.Phone, in.IDNumber, in.NameOK = "", "", "", false
	}
	if in.IDNumber != "" {
		if _, err := cnid.Parse(in.IDNumber, time.Now()); err != nil {
			v.Add("id_number", "身份证号码不对:请核对18位号码")
		}
	}
	if in.People == 0 {
		in.People = 1
	}
	if in.People < 1 || in.People > 10000 {
		v.Add("people", "人数应在 1 到 10000 之间")
	}
	if len(in.Files) > MaxFiles {
		v.Add("file", "最多附 %d 个文件,收到 %d 个", MaxFiles, len(in.Files))
	}
	for i, f := range in.Files {
		if len(f.Data) > MaxFileSize {
			v.Add("file", "附件“%s”超过 5MB,请压缩后再附上", f.Name)
			continue
		}
		name, kind, sum, err := work.CheckFile(f.Name, f.Data, "图片(.jpg、.png)或 PDF", ".jpg", ".jpeg", ".png", ".pdf")
		if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
			v.Add("file", "%s", ae.Fields[0].Message)
		}
		in.Files[i].Name, in.Files[i].kind, in.Files[i].sum = name, kind, sum
	}
	return v.Err()
}

// Fingerprint is a text's SimHash over the character trigrams of its
// normalised form (near duplicates differ in a few bits).
func Fingerprint(text string) int64 {
	rs := []rune(spam.Normalize(text).Compact)
	var fs [][]byte
	for i := 0; i+3 <= len(rs); i++ {
		fs = append(fs, []byte(string(rs[i:i+3])))
	}
	if len(fs) == 0 {
		fs = append(fs, []byte(string(rs)))
	}
	return int64(simhash.SimhashBytes(fs))
}

// NearDuplicate is how many bits two fingerprints may differ in.
const NearDuplicate = 6

// Submit takes a letter from the public form: checked for spam (a held
// letter is still a case, its sender still gets a receipt code), its
// sender's data sealed, its repeats found, its clock started.
func (s *Service) SubmitPublic(ctx context.Context, in CaseInput, filter *spam.Model) (Receipt, error) {
	if err := in.check(false); err != nil {
		return Receipt{}, err
	}
	c, err := s.Lookup(ctx, s.DB, store.All, in.CommitteeID, "committee")
	if err != nil {
		return Receipt{}, err
	}
	var v spam.Verdict
	if filter != nil {
		v = filter.Check(in.Title, in.Content)
	}
	return s.intake(ctx, c, in, v, "submit_public")
}

// Register enters a letter, a visit or a call the office received.
func (s *Service) Register(ctx context.Context, sc store.Scope, in CaseInput) (Receipt, error) {
	if err := in.check(true); err != nil {
		return Receipt{}, err
	}
	if in.ReceivedOn.After(s.today()) || (!in.ReceivedOn.IsZero() && in.ReceivedOn.Before(s.today().AddYears(-5))) {
		return Receipt{}, apperr.InvalidField("received_on", "收到日期应在五年内,且不能晚于今天")
	}
	c, err := s.InputCommittee(ctx, s.DB, sc, in.CommitteeID)
	if err != nil {
		return Receipt{}, err
	}
	return s.intake(ctx, c, in, spam.Verdict{}, "register")
}

func (s *Service) intake(ctx context.Context, c Committee, in CaseInput, v spam.Verdict, action string) (Receipt, error) {
	code := NewReceipt(c.ID)
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := Spend(ctx, tx); err != nil {
			return err
		}
		var err error
		id, err = s.insertCase(ctx, tx, c, in, v, action, code, nil, "")
		return err
	})
	if err != nil {
		return Receipt{}, err
	}
	x, err := s.caseByID(ctx, s.DB, c, id)
	return Receipt{Code: code, Case: x}, err
}

// insertCase stores a letter of c in tx as it was checked: its sender's data
// sealed, its repeats found, its files, its history (note), its clock and its
// figures; proposal is the proposal not filed it was made from (nil: none).
func (s *Service) insertCase(ctx context.Context, tx *sql.Tx, c Committee, in CaseInput, v spam.Verdict, action, code string, proposal any, note string) (int64, error) {
	received := in.ReceivedOn
	if received.IsZero() { // the public form: today; the office gives the day it came
		received = s.today()
	}
	month := received.Year()*100 + int(received.Time().Month())
	nameEnc, nameHash := s.Seal(in.Name)
	phoneEnc, phoneHash := s.Seal(in.Phone)
	idEnc, idHash := s.Seal(in.IDNumber)
	reasons, _ := json.Marshal(v.Reasons)
	fp := Fingerprint(in.Title + in.Content)
	dup, err := s.earlier(ctx, tx, c, received, in.Anonymous, in.Phone, in.IDNumber, fp)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO cases (province_id, committee_id, box, channel, receipt_hash, name_enc, phone_enc, idno_enc, name_hash, phone_hash, idno_hash,
		anonymous, people, title, content, public_ok, name_ok, state, held, was_held, score, reasons, simhash, duplicate_of, received_on, month, created_at, updated_at, proposal_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'received', $18, $18, $19, $20, $21, $22, $23, $24, $25, $25, $26) RETURNING id`,
		c.Province(), c.ID, in.Box, in.Channel, s.Box.Hash(code), nameEnc, phoneEnc, idEnc, nameHash, phoneHash, idHash, in.Anonymous, in.People, in.Title, in.Content,
		in.PublicOK, in.NameOK, v.Held, v.Score, string(reasons), fp, dup, received, month, s.now(), proposal).Scan(&id); err != nil {
		return 0, err
	}
	for _, f := range in.Files { // checked by in.check
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_files (province_id, case_id, name, content_type, size, sha256, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.Province(), id, f.Name, f.kind, len(f.Data), f.sum, f.Data, s.now()); err != nil {
			return 0, err
		}
	}
	x := Case{ID: id, province: c.Province(), State: ""}
	if err := s.caseEvent(ctx, tx, c, x, action, "", "received", note, true); err != nil {
		return 0, err
	}
	if err := s.StartClock(ctx, tx, c, "case", id, "accept", received); err != nil {
		return 0, err
	}
	return id, s.recase(ctx, tx, c, Case{}, id)
}

// earlier is the latest earlier letter to the committee within its repeat
// period from the same phone or ID number (by their hashes under every key
// of the ring), or with a near-duplicate text. An anonymous letter is looked
// for among anonymous ones only, a named one among named ones: a link
// between the two would name the anonymous sender.
func (s *Service) earlier(ctx context.Context, q store.Querier, c Committee, received date.Date, anonymous bool, phone, idNumber string, fp int64) (any, error) {
	since := received.AddDate(0, 0, -c.Rules.RepeatWindow())
	prov := store.InProvince("province_id", c.Province())
	args := []any{c.ID, since, anonymous}
	var sender []string
	for _, f := range []struct{ col, v string }{{"phone_hash", phone}, {"idno_hash", idNumber}} {
		if f.v != "" {
			var cond string
			cond, args = s.UnderEveryKey(f.col, f.v, args)
			sender = append(sender, cond)
		}
	}
	if len(sender) > 0 {
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM cases WHERE committee_id = $1 AND received_on >= $2 AND state <> 'junk' AND anonymous = $3
			AND (`+strings.Join(sender, " OR ")+")"+prov+" ORDER BY id DESC LIMIT 1", args...).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !apperr.IsNotFound(err) {
			return nil, err
		}
	}
	type fpRow struct {
		id int64
		fp int64
	}
	rows, err := store.Query(ctx, q, func(r store.Scanner) (fpRow, error) {
		var x fpRow
		return x, r.Scan(&x.id, &x.fp)
	}, "SELECT id, simhash FROM cases WHERE committee_id = $1 AND received_on >= $2 AND state <> 'junk' AND anonymous = $3"+prov+" ORDER BY id DESC LIMIT 2000", c.ID, since, anonymous)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if simhash.Compare(uint64(r.fp), uint64(fp)) <= NearDuplicate {
			return r.id, nil
		}
	}
	return nil, nil
}

func (s *Service) caseByID(ctx context.Context, q store.Querier, c Committee, id int64) (Case, error) {
	x, err := s.scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE x.id = $1"+store.InProvince("x.province_id", c.Province()), id))
	if apperr.IsNotFound(err) {
		return x, apperr.NotFound("来信")
	}
	if err != nil {
		return x, err
	}
	if x.Clocks, err = s.Clocks(ctx, q, c, "case", x.ID); err != nil {
		return x, err
	}
	x.Overdue = overdue(x.Clocks)
	x.Events, err = s.PublicEvents(ctx, q, c, "case", x.ID, false, CaseActionLabel, CaseStates)
	if err != nil {
		return x, err
	}
	x.Files, err = store.Query(ctx, q, func(r store.Scanner) (File, error) {
		var f File
		return f, r.Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.SHA256)
	}, "SELECT id, name, content_type, size, sha256 FROM case_files WHERE case_id = $1"+store.InProvince("province_id", c.Province())+" ORDER BY id", x.ID)
	return x, err
}

// CaseFile is an attachment of a case the view reaches.
func (s *Service) CaseFile(ctx context.Context, sc store.Scope, view View, caseID, fileID int64) (File, []byte, error) {
	x, _, err := s.GetCase(ctx, s.DB, sc, view, caseID)
	if err != nil {
		return File{}, nil, err
	}
	var f File
	var data []byte
	err = s.DB.QueryRowContext(ctx, "SELECT id, name, content_type, size, sha256, data FROM case_files WHERE id = $1 AND case_id = $2"+store.InProvince("province_id", x.province),
		fileID, x.ID).Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.SHA256, &data)
	if apperr.IsNotFound(err) {
		return f, nil, apperr.NotFound("附件")
	}
	return f, data, err
}

// PublicEvents are the history of a case, an item or a comment (notices:
// only what its sender was told), its steps and states said by label and
// states.
func (s *Service) PublicEvents(ctx context.Context, q store.Querier, c Committee, object string, id int64, notices bool, label func(action string) string, states vocab.Enum) ([]Event, error) {
	where := ""
	if notices {
		where = " AND notice"
	}
	events, err := store.Query(ctx, q, func(r store.Scanner) (Event, error) {
		var e Event
		err := r.Scan(&e.Action, &e.From, &e.To, &e.Note, &e.By, &e.by, &e.At)
		e.Object, e.ActionLabel, e.ToLabel = object, label(e.Action), states.Label(e.To)
		e.At = e.At.UTC()
		if notices {
			e.By = ""
		}
		return e, err
	}, "SELECT action, from_state, to_state, note, by_name, by_user, at FROM public_events WHERE object = $1 AND object_id = $2"+where+store.InProvince("province_id", c.Province())+" ORDER BY id", object, id)
	if err != nil || notices {
		return events, err
	}
	return events, s.byName(ctx, q, c.Province(), events)
}

// senderSteps are the steps the sender takes (with the receipt code, no account).
var senderSteps = map[string]bool{"submit_public": true, "rate": true, "request_review": true, "request_recheck": true}

// CaseActionLabel is a step of a case in words.
func CaseActionLabel(action string) string { return CaseSteps.Label("case", action) }

func (s *Service) caseEvent(ctx context.Context, tx *sql.Tx, c Committee, x Case, action, from, to, note string, notice bool) error {
	by := audit.ActorOf(ctx).Username
	if senderSteps[action] {
		by = "来信人"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO public_events (province_id, committee_id, object, object_id, action, from_state, to_state, note, notice, by_user, by_name, at)
		VALUES ($1, $2, 'case', $3, $4, $5, $6, $7, $8, $9, $10, $11)`, c.Province(), c.ID, x.ID, action, from, to, note, notice, NullUser(ctx), by, s.now()); err != nil {
		return err
	}
	return s.Audit(ctx, tx, c, "case_"+action, "case", x.ID, map[string]any{"from": from, "to": to, "note": note})
}

// recase moves the committee's figures from what before counted to what the case counts now.
func (s *Service) recase(ctx context.Context, tx *sql.Tx, c Committee, before Case, id int64) error {
	after, err := s.scanCase(tx.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE x.id = $1"+store.InProvince("x.province_id", c.Province()), id))
	if err != nil {
		return err
	}
	return ApplyFigures(ctx, tx, c.Province(), c.ID, CaseKeys(after), CaseKeys(before))
}

// accepted are the states of a case once accepted.
var acceptedStates = []string{"accepted", "handling", "replied", "review", "reviewed", "recheck", "final", "closed"}

// CaseKeys are the figures a case counts in the month it was received
// ("s|yyyymm|c:…") and its year.
func CaseKeys(x Case) []string {
	if x.ID == 0 {
		return nil
	}
	m := "s|" + strconv.Itoa(x.Month) + "|c:"
	keys := []string{m + "all", m + "box:" + x.Box, m + "ch:" + x.Channel, m + "st:" + x.State}
	add := func(ok bool, k string) {
		if ok {
			keys = append(keys, m+k)
		}
	}
	add(slices.Contains(acceptedStates, x.State), "accepted")
	add(x.State == "not_accepted", "not_accepted")
	add(x.State == "transferred", "transferred")
	add(!x.RepliedOn.IsZero() && !x.Late, "ontime")
	add(!x.RepliedOn.IsZero() && x.Late, "late")
	add(x.Satisfaction != "", "sat:"+x.Satisfaction)
	add(x.Stage >= 1, "review")
	add(x.Stage >= 2, "recheck")
	add(x.DuplicateOf != nil, "repeat")
	add(x.People > 5, "collective")
	add(x.Held, "held")
	add(x.WasHeld && !x.Held && x.State != "junk", "released")
	add(x.Extended, "extended")
	if x.UnitID != nil { // the unit's line: routed to it, replied on time or late
		u := "unit:" + strconv.FormatInt(*x.UnitID, 10) + ":"
		keys = append(keys, m+u+"routed")
		add(!x.RepliedOn.IsZero() && !x.Late, u+"ontime")
		add(!x.RepliedOn.IsZero() && x.Late, u+"late")
	}
	return WithYears(x.Month, keys)
}

// caseVisible is the condition on the cases a view reaches in scope.
func caseVisible(w *store.Where, sc store.Scope, view View) {
	lo, hi := sc.Range()
	if view == ViewUnit {
		w.And("x.unit_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
	} else {
		w.And("x.committee_id IN (SELECT id FROM committees WHERE path >= ? AND path < ?"+sc.Exact("path")+")", lo, hi)
	}
	w.And("1 = 1" + InRoute(sc, view, "x.province_id"))
}

// CaseFilter narrows a list of cases.
type CaseFilter struct {
	CommitteeID int64
	Box, State  string
	// Held keeps the letters held for review alone; Clean leaves them out.
	Held, Clean bool
	Overdue     bool
	Q           string
	Months      Period
}

// Cases lists the cases a view reaches, newest first.
func (s *Service) Cases(ctx context.Context, sc store.Scope, view View, f CaseFilter, pg store.Page) (store.List[Case], error) {
	out, pg := store.NewList[Case](pg)
	w := store.NewWhere()
	caseVisible(w, sc, view)
	if f.CommitteeID != 0 {
		n, err := s.NodeIn(ctx, store.All, f.CommitteeID, "committee")
		if err != nil && !apperr.IsNotFound(err) {
			return out, err
		}
		w.And("x.committee_id = ?"+store.ProvinceIs("x.province_id", n.Path), f.CommitteeID)
	}
	f.Months.where(w, "x.month")
	if f.Box != "" {
		w.And("x.box = ?", f.Box)
	}
	if f.State != "" {
		w.And("x.state = ?", f.State)
	}
	if f.Held {
		w.And("x.held")
	}
	if f.Clean {
		w.And("NOT x.held")
	}
	if f.Q != "" {
		w.And("x.title LIKE ?", "%"+f.Q+"%")
	}
	if f.Overdue {
		w.And(`NOT x.held AND EXISTS (SELECT 1 FROM clocks k WHERE k.province_id = x.province_id AND k.object = 'case' AND k.object_id = x.id AND k.stopped_on IS NULL
			AND k.paused_on IS NULL AND k.period IN `+OfficeClocks+` AND k.due_on < ?)`, s.today())
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases x WHERE 1 = 1"+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, err
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, s.scanCase, "SELECT "+caseCols+caseFrom+" WHERE 1 = 1"+w.String()+" ORDER BY x.id DESC"+limit, args...)
	if err != nil {
		return out, err
	}
	out.Items = append(out.Items, items...)
	return out, s.dues(ctx, out.Items)
}

// dues sets the listed cases' dates of their running clocks the office or a
// unit must keep; a letter held for review has none running for them.
func (s *Service) dues(ctx context.Context, cs []Case) error {
	if len(cs) == 0 {
		return nil
	}
	at := map[int64]*Case{}
	var ids, provs []string
	for i := range cs {
		if !cs[i].Held {
			at[cs[i].ID] = &cs[i]
			ids = append(ids, strconv.FormatInt(cs[i].ID, 10))
			if p := strconv.FormatInt(cs[i].province, 10); !slices.Contains(provs, p) {
				provs = append(provs, p)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := store.Query(ctx, s.DB, func(r store.Scanner) (struct {
		id  int64
		due date.Date
	}, error) {
		var x struct {
			id  int64
			due date.Date
		}
		return x, r.Scan(&x.id, &x.due)
	}, "SELECT object_id, MIN(due_on)"+RunningClocks+" AND province_id IN ("+strings.Join(provs, ", ")+") AND object_id IN ("+strings.Join(ids, ", ")+") GROUP BY object_id")
	today := s.today()
	for _, r := range rows {
		x := at[r.id]
		x.DueOn = &r.due
		if r.due.Before(today) {
			x.Overdue, x.DaysOverdue = true, clock.Between(r.due, today)
		}
	}
	return err
}

// Case reads a case the view reaches, with its clocks and history.
func (s *Service) Case(ctx context.Context, sc store.Scope, view View, id int64) (Case, error) {
	x, c, err := s.GetCase(ctx, s.DB, sc, view, id)
	if err != nil {
		return x, err
	}
	return s.caseByID(ctx, s.DB, c, x.ID)
}

// GetCase reads a case the view reaches in scope, with its committee.
func (s *Service) GetCase(ctx context.Context, q store.Querier, sc store.Scope, view View, id int64) (Case, Committee, error) {
	w := store.NewWhere(id)
	caseVisible(w, sc, view)
	x, err := s.scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE x.id = $1"+w.String(), w.Args...))
	if apperr.IsNotFound(err) {
		return x, Committee{}, apperr.NotFound("来信")
	}
	if err != nil {
		return x, Committee{}, err
	}
	c, err := s.Lookup(ctx, q, store.All, x.CommitteeID, "committee")
	return x, c, err
}

// Person is a case's sender in clear, for the office that handles it
// (every reading audited).
type Person struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	IDNumber string `json:"id_number"`
}

// Person reads a case's sender in clear (the office), audited.
func (s *Service) Person(ctx context.Context, sc store.Scope, id int64) (Person, error) {
	x, c, err := s.GetCase(ctx, s.DB, sc, ViewOffice, id)
	if err != nil {
		return Person{}, err
	}
	var name, phone, idno string
	if err := s.DB.QueryRowContext(ctx, "SELECT name_enc, phone_enc, idno_enc FROM cases WHERE id = $1"+store.InProvince("province_id", x.province), x.ID).Scan(&name, &phone, &idno); err != nil {
		return Person{}, err
	}
	var p Person
	for _, f := range []struct {
		enc string
		dst *string
	}{{name, &p.Name}, {phone, &p.Phone}, {idno, &p.IDNumber}} {
		if f.enc != "" {
			if *f.dst, err = s.Box.Open(f.enc); err != nil {
				return Person{}, err
			}
		}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		return s.Audit(ctx, tx, c, "read_person", "case", x.ID, map[string]any{"fields": "name, phone, id_number"})
	})
	return p, err
}

// CaseAction is a step on a case with what it carries.
type CaseAction struct {
	Action string `json:"action"`
	// Text: the reason (不予受理), the competent body (转送), the reply
	// (处理意见), the 复查 or 复核 opinion, the extension's reason.
	Text   string `json:"text"`
	UnitID int64  `json:"unit_id"`
	Route  string `json:"route"`
	// Days and Approver: an extension's days (≤ 30) and the unit head who approved it.
	Days     int    `json:"days"`
	Approver string `json:"approver"`
	// Rating: 满意 / 基本满意 / 不满意 (the sender).
	Rating string `json:"rating"`
	// Hearing: start (true) or end (false) of a 复核 hearing.
	Hearing bool `json:"hearing"`
}

// changeCase runs a step on a case the view reaches, in one transaction
// that moves the figures too.
func (s *Service) changeCase(ctx context.Context, sc store.Scope, view View, id int64, fn func(tx *sql.Tx, x Case, c Committee) error) (Case, error) {
	var c Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, cc, err := s.GetCase(ctx, tx, sc, view, id)
		if err != nil {
			return err
		}
		c = cc
		if err := fn(tx, x, c); err != nil {
			return err
		}
		return s.recase(ctx, tx, c, x, x.ID)
	})
	if err != nil {
		return Case{}, err
	}
	return s.caseByID(ctx, s.DB, c, id)
}

// stepCase moves a case by action: compare-and-set on its state; set adds
// assignments numbered from $3.
func (s *Service) stepCase(ctx context.Context, tx *sql.Tx, c Committee, x Case, action, note string, notice bool, set string, args ...any) error {
	to, ok := CaseSteps.Next("case", action, x.State)
	if !ok {
		return refusedCase(x, action)
	}
	if to == "" {
		to = x.State
	}
	if set != "" {
		set = ", " + set
	}
	n := len(args)
	query := fmt.Sprintf("UPDATE cases SET state = $1, updated_at = $2%s WHERE id = $%d AND state = $%d", set, n+3, n+4) + store.InProvince("province_id", x.province)
	if err := store.Swap(ctx, tx, "来信", query, append(append([]any{to, s.now()}, args...), x.ID, x.State)...); err != nil {
		return err
	}
	return s.caseEvent(ctx, tx, c, x, action, x.State, to, note, notice)
}

// Notify tells the sender of a case what happened to it (in their notices).
func (s *Service) Notify(ctx context.Context, tx *sql.Tx, c Committee, caseID int64, action, note string) error {
	return s.caseEvent(ctx, tx, c, Case{ID: caseID, province: c.Province()}, action, "", "", note, true)
}

// Author is how the sender is named where the letter is published: by
// name only if they agreed to it.
func (x Case) Author() string {
	if x.NameOK && x.name != "" {
		return x.name
	}
	return "匿名"
}

// refusedCase says that the case cannot take action from its state.
func refusedCase(x Case, action string) error {
	return apperr.Conflict("当前状态为“%s”,不能%s", x.StateLabel, CaseActionLabel(action))
}

// Decide is the office's step on a case: accept, not_accept, transfer,
// junk, route, decide_review, hearing, decide_recheck, close, release, supervise.
func (s *Service) Decide(ctx context.Context, sc store.Scope, id int64, in CaseAction, filter *spam.Model) (Case, error) {
	return s.changeCase(ctx, sc, ViewOffice, id, func(tx *sql.Tx, x Case, c Committee) error {
		today := s.today()
		switch in.Action {
		case "accept":
			if x.DuplicateOf != nil {
				var st string
				if err := tx.QueryRowContext(ctx, "SELECT state FROM cases WHERE id = $1"+store.InProvince("province_id", x.province), *x.DuplicateOf).Scan(&st); err != nil {
					return err
				}
				if st == "final" {
					return apperr.Rule("这封来信与第 %d 号信访件是同一事项,该件已复核终结,依照《信访工作条例》不再受理;请选择“不予受理”并告知信访人", *x.DuplicateOf)
				}
			}
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, "accept"); err != nil {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "accept", strings.TrimSpace(in.Text), true, "")
		case "not_accept", "transfer":
			what := map[string]string{"not_accept": "不予受理的理由", "transfer": "有权处理的机关"}[in.Action]
			t, err := Text("text", what, in.Text, 500)
			if err != nil {
				return err
			}
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, "accept"); err != nil {
				return err
			}
			note := map[string]string{"not_accept": "不予受理:", "transfer": "已转送"}[in.Action] + t
			return s.stepCase(ctx, tx, c, x, in.Action, note, true, "decision = $3", t)
		case "junk":
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, "accept"); err != nil {
				return err
			}
			if err := s.Learn(ctx, tx, x.Title+"\n"+x.Content, true, filter); err != nil {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "junk", "", false, "held = $3", false)
		case "release":
			if !x.Held {
				return apperr.Conflict("这封来信没有被拦截")
			}
			if err := s.Learn(ctx, tx, x.Title+"\n"+x.Content, false, filter); err != nil {
				return err
			}
			if err := store.Swap(ctx, tx, "来信", "UPDATE cases SET held = $1, updated_at = $2 WHERE id = $3 AND held"+store.InProvince("province_id", x.province), false, s.now(), x.ID); err != nil {
				return err
			}
			return s.caseEvent(ctx, tx, c, x, "release", x.State, x.State, "审核后放行", false)
		case "route":
			r, ok := Routes.Parse(in.Route)
			if !ok {
				return apperr.InvalidField("route", "办理方式应为 %s 之一", Routes.Labels())
			}
			u, err := s.unitOf(ctx, tx, c, in.UnitID)
			if err != nil {
				return err
			}
			if err := s.StartClock(ctx, tx, c, "case", x.ID, "handle", today); err != nil {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "route", Routes.Label(r)+"至"+u.Name, false, "unit_id = $3, route = $4", u.ID, r)
		case "decide_review", "decide_recheck":
			t, err := Text("text", map[string]string{"decide_review": "复查意见", "decide_recheck": "复核意见"}[in.Action], in.Text, 3000)
			if err != nil {
				return err
			}
			period := map[string]string{"decide_review": "review", "decide_recheck": "recheck"}[in.Action]
			if _, err := s.StopClock(ctx, tx, c, "case", x.ID, period); err != nil {
				return err
			}
			col := map[string]string{"decide_review": "review", "decide_recheck": "recheck"}[in.Action]
			if in.Action == "decide_review" {
				if err := s.StartClock(ctx, tx, c, "case", x.ID, "recheck_window", today); err != nil {
					return err
				}
			}
			return s.stepCase(ctx, tx, c, x, in.Action, t, true, col+" = $3", t)
		case "hearing":
			if _, ok := CaseSteps.Next("case", "hearing", x.State); !ok {
				return refusedCase(x, "hearing")
			}
			_, ok, err := s.ChangeClock(ctx, tx, c, "case", x.ID, "recheck", map[bool]string{true: "pause", false: "resume"}[in.Hearing], func(k *clock.Clock) {
				if in.Hearing && k.PausedOn.IsZero() {
					k.PausedOn = today
				} else if !in.Hearing && !k.PausedOn.IsZero() {
					k.Paused += clock.Between(k.PausedOn, today)
					k.PausedOn = date.Date{}
				}
			})
			if err != nil || !ok {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "hearing", map[bool]string{true: "举行听证,暂停计算复核期限", false: "听证结束,恢复计算复核期限"}[in.Hearing], true, "")
		case "close":
			if x.Box == "petition" {
				// The sender's right to ask for 复查 (复核) runs to the end of its window.
				ks, err := s.Clocks(ctx, tx, c, "case", x.ID)
				if err != nil {
					return err
				}
				for _, k := range ks {
					if strings.HasSuffix(k.Period, "_window") && !k.State.Stopped && !k.State.Overdue {
						return apperr.Rule("信访人请求%s的期限到%s届满,届满后才能办结", k.Label[len("请求"):], k.State.Due.Chinese())
					}
				}
			}
			for _, w := range []string{"review_window", "recheck_window"} {
				if _, err := s.StopClock(ctx, tx, c, "case", x.ID, w); err != nil {
					return err
				}
			}
			return s.stepCase(ctx, tx, c, x, "close", in.Text, false, "")
		case "supervise":
			if !x.Running() {
				return apperr.Rule("这封来信已办结或待审核,不需要督办")
			}
			t, err := Text("text", "督办意见", in.Text, 500)
			if err != nil {
				return err
			}
			return s.caseEvent(ctx, tx, c, x, "supervise", x.State, x.State, t, false)
		}
		return apperr.InvalidField("action", "不认识的操作“%s”", in.Action)
	})
}

// overdue tells whether a running clock of the office's or a unit's
// periods (not the sender's windows) is past its date.
func overdue(ks []Clock) bool {
	return slices.ContainsFunc(ks, func(k Clock) bool { return k.State.Overdue && !strings.HasSuffix(k.Period, "_window") })
}

// unitOf is a handling unit of the committee.
func (s *Service) unitOf(ctx context.Context, q store.Querier, c Committee, id int64) (Committee, error) {
	u, err := s.Lookup(ctx, q, store.ScopeOf(c.Path), id, "unit")
	if apperr.IsNotFound(err) || (err == nil && (u.ParentID == nil || *u.ParentID != c.ID)) {
		return Committee{}, apperr.InvalidField("unit_id", "请从本政协的承办单位中选择")
	}
	return u, err
}

// Handle is a unit's step on a case routed to it: extend or reply.
func (s *Service) Handle(ctx context.Context, sc store.Scope, id int64, in CaseAction) (Case, error) {
	return s.changeCase(ctx, sc, ViewUnit, id, func(tx *sql.Tx, x Case, c Committee) error {
		switch in.Action {
		case "extend":
			if x.Extended {
				return apperr.Rule("办理期限只能延长一次")
			}
			limit := c.Periods()["extend"].N
			if in.Days < 1 || in.Days > limit {
				return apperr.InvalidField("days", "延长的天数应在 1 到 %d 之间", limit)
			}
			reason, err := Text("text", "延期理由", in.Text, 500)
			if err != nil {
				return err
			}
			approver, err := Text("approver", "批准延期的单位负责人", in.Approver, 40)
			if err != nil {
				return err
			}
			if _, ok, err := s.ChangeClock(ctx, tx, c, "case", x.ID, "handle", "extend", func(k *clock.Clock) { k.Extended += in.Days }); err != nil || !ok {
				return err
			}
			return s.stepCase(ctx, tx, c, x, "extend", fmt.Sprintf("经%s批准,办理期限延长 %d 日。理由:%s", approver, in.Days, reason), true, "extended = $3", true)
		case "reply":
			t, err := Text("text", "处理意见", in.Text, 3000)
			if err != nil {
				return err
			}
			met, err := s.StopClock(ctx, tx, c, "case", x.ID, "handle")
			if err != nil {
				return err
			}
			today := s.today()
			if x.Box == "petition" {
				if err := s.StartClock(ctx, tx, c, "case", x.ID, "review_window", today); err != nil {
					return err
				}
			}
			return s.stepCase(ctx, tx, c, x, "reply", t, true, "reply = $3, replied_on = $4, late = $5", t, today, !met)
		}
		return apperr.InvalidField("action", "不认识的操作“%s”", in.Action)
	})
}

// Learn keeps a moderator's decision and teaches the filter.
func (s *Service) Learn(ctx context.Context, tx *sql.Tx, text string, isSpam bool, filter *spam.Model) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO spam_samples (text, spam, source, created_by, created_at) VALUES ($1, $2, 'moderation', $3, $4)",
		text, isSpam, NullUser(ctx), s.now()); err != nil {
		return err
	}
	if filter != nil {
		filter.Learn(text, isSpam)
	}
	return nil
}

// Teach is a model that learnt the labelled set and every moderator's decision kept.
func (s *Service) Teach(ctx context.Context) (*spam.Model, error) {
	m := spam.Trained()
	type sample struct {
		text string
		spam bool
	}
	rows, err := store.Query(ctx, s.DB, func(r store.Scanner) (sample, error) {
		var x sample
		return x, r.Scan(&x.text, &x.spam)
	}, "SELECT text, spam FROM spam_samples ORDER BY id")
	for _, r := range rows {
		m.Learn(r.text, r.spam)
	}
	return m, err
}
