package letters

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mfonda/simhash"

	"dangjian/internal/apperr"
	"dangjian/internal/cnid"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/spam"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

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
		in.Channel = Online
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
	if in.Anonymous && in.Box != BoxPublic {
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

// SubmitPublic takes a letter from the public form: checked for spam (a held
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
	if in.ReceivedOn.After(s.Today()) || (!in.ReceivedOn.IsZero() && in.ReceivedOn.Before(s.Today().AddYears(-5))) {
		return Receipt{}, apperr.InvalidField("received_on", "收到日期应在五年内,且不能晚于今天")
	}
	c, err := s.InputCommittee(ctx, s.DB, sc, in.CommitteeID)
	if err != nil {
		return Receipt{}, err
	}
	return s.intake(ctx, c, in, spam.Verdict{}, "register")
}

func (s *Service) intake(ctx context.Context, c committee.Committee, in CaseInput, v spam.Verdict, action string) (Receipt, error) {
	code := cppcc.NewReceipt(c.ID)
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := cppcc.Spend(ctx, tx); err != nil {
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
func (s *Service) insertCase(ctx context.Context, tx *sql.Tx, c committee.Committee, in CaseInput, v spam.Verdict, action, code string, proposal any, note string) (int64, error) {
	received := in.ReceivedOn
	if received.IsZero() { // the public form: today; the office gives the day it came
		received = s.Today()
	}
	month := received.Year()*100 + int(received.Time().Month())
	nameEnc, nameHash := s.Seal(in.Name)
	phoneEnc, phoneHash := s.Seal(in.Phone)
	idEnc, idHash := s.Seal(in.IDNumber)
	reasons, _ := json.Marshal(v.Reasons)
	fp := cppcc.Fingerprint(in.Title + in.Content)
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
		return 0, fmt.Errorf("insert case: %w", err)
	}
	for _, f := range in.Files { // checked by in.check
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_files (province_id, case_id, name, content_type, size, sha256, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.Province(), id, f.Name, f.kind, len(f.Data), f.sum, f.Data, s.now()); err != nil {
			return 0, fmt.Errorf("insert case file: %w", err)
		}
	}
	x := Case{ID: id, province: c.Province(), State: ""}
	if err := s.caseEvent(ctx, tx, c, x, action, "", Received, note, true); err != nil {
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
func (s *Service) earlier(ctx context.Context, q store.Querier, c committee.Committee, received date.Date, anonymous bool, phone, idNumber string, fp int64) (any, error) {
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
		return nil, fmt.Errorf("find earlier letters: %w", err)
	}
	for _, r := range rows {
		if simhash.Compare(uint64(r.fp), uint64(fp)) <= cppcc.NearDuplicate {
			return r.id, nil
		}
	}
	return nil, nil
}

// FromProposal keeps a proposal not filed as a letter from its first
// proposer in the members' box (委员信箱), registered by the office in tx
// and naming the proposal (the route "letter" of cppcc.RejectRoutes).
func (s *Service) FromProposal(ctx context.Context, tx *sql.Tx, c committee.Committee, r cppcc.Routed) (int64, error) {
	p := r.Proposal
	in := CaseInput{Box: BoxMember, Channel: "letter", Name: r.Name, Phone: r.Phone, Title: p.Title, Content: p.Content, People: 1}
	return s.insertCase(ctx, tx, c, in, spam.Verdict{}, "register", cppcc.NewReceipt(c.ID), p.ID, r.Note)
}
