package work

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
)

// MaxAttachment bounds one uploaded file.
const MaxAttachment = 10 << 20

// Attachment is an uploaded file kept in the database, so that it is in
// every backup and under the same scope rules as the records that cite it.
type Attachment struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// fileTypes are the kinds of file accepted, by extension, with the first
// bytes each must start with: what a user says a file is must be what it is.
var fileTypes = map[string]struct {
	contentType string
	magic       [][]byte
}{
	".pdf":  {"application/pdf", [][]byte{[]byte("%PDF-")}},
	".jpg":  {"image/jpeg", [][]byte{{0xFF, 0xD8, 0xFF}}},
	".jpeg": {"image/jpeg", [][]byte{{0xFF, 0xD8, 0xFF}}},
	".png":  {"image/png", [][]byte{[]byte("\x89PNG\r\n\x1a\n")}},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", [][]byte{[]byte("PK\x03\x04")}},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [][]byte{[]byte("PK\x03\x04")}},
	".doc":  {"application/msword", [][]byte{{0xD0, 0xCF, 0x11, 0xE0}}},
	".xls":  {"application/vnd.ms-excel", [][]byte{{0xD0, 0xCF, 0x11, 0xE0}}},
	".ofd":  {"application/ofd", [][]byte{[]byte("PK\x03\x04")}},
}

// AllowedTypes names the accepted file types for messages and forms.
const AllowedTypes = "PDF、Word(.doc/.docx)、Excel(.xls/.xlsx)、OFD、JPG、PNG"

// NewFile is a file posted with a record's form, stored as an attachment of
// the organisation in the transaction of the record: a record refused
// leaves no file behind.
type NewFile struct {
	OrgID int64
	Name  string
	Data  []byte
}

// Upload stores a file of an organisation in scope as an attachment.
func (s *Service) Upload(ctx context.Context, sc store.Scope, orgID int64, name string, data []byte) (Attachment, error) {
	var a Attachment
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = s.attach(ctx, tx, sc, NewFile{orgID, name, data})
		return err
	})
	return a, err
}

// CheckFile checks an uploaded file: its name, its size, and that its
// first bytes are those of its type, one of the extensions allowed (every
// type when none is given; described for the message). It returns the
// file's clean name, its content type and its SHA-256.
func CheckFile(name string, data []byte, described string, allowed ...string) (string, string, string, error) {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	ext := strings.ToLower(path.Ext(name))
	ft, ok := fileTypes[ext]
	if len(allowed) > 0 && !slices.Contains(allowed, ext) {
		ok = false
	}
	if described == "" {
		described = AllowedTypes
	}
	switch {
	case name == "" || name == "." || name == "/":
		return "", "", "", apperr.InvalidField("file", "请选择要上传的文件")
	case utf8.RuneCountInString(name) > 100:
		return "", "", "", apperr.InvalidField("file", "文件名不能超过100个字")
	case !ok:
		return "", "", "", apperr.InvalidField("file", "不接受“%s”这类文件,只接受%s", ext, described)
	case len(data) == 0:
		return "", "", "", apperr.InvalidField("file", "文件“%s”是空的", name)
	case len(data) > MaxAttachment:
		return "", "", "", apperr.InvalidField("file", "文件“%s”超过10MB", name)
	}
	if !hasMagic(data, ft.magic) {
		return "", "", "", apperr.InvalidField("file", "文件“%s”的内容不是%s文件,可能已损坏或扩展名不对", name, strings.ToUpper(ext[1:]))
	}
	sum := sha256.Sum256(data)
	return name, ft.contentType, hex.EncodeToString(sum[:]), nil
}

// attach checks and stores f inside tx.
func (s *Service) attach(ctx context.Context, tx *sql.Tx, sc store.Scope, f NewFile) (Attachment, error) {
	orgID, data := f.OrgID, f.Data
	name, contentType, sum, err := CheckFile(f.Name, data, "")
	if err != nil {
		return Attachment{}, err
	}
	a := Attachment{OrgID: orgID, Name: name, ContentType: contentType, Size: int64(len(data)), SHA256: sum, CreatedAt: s.now()}
	path, err := s.pathIn(ctx, tx, sc, orgID)
	if err != nil {
		return a, err
	}
	var by any
	if actor := audit.ActorOf(ctx); actor.UserID != 0 {
		by = actor.UserID
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO attachments (org_id, name, content_type, size, sha256, data, created_by, created_at, province_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, orgID, a.Name, a.ContentType, a.Size, a.SHA256, data, by, a.CreatedAt,
		store.ProvinceOf(path)).Scan(&a.ID)
	if err != nil {
		return a, fmt.Errorf("attach file: %w", err)
	}
	return a, audit.Record(ctx, s.DB, tx, audit.Event{Action: "upload", ObjectType: "attachment", ObjectID: a.ID, OrgPath: path,
		Detail: map[string]any{"name": a.Name, "size": a.Size, "sha256": a.SHA256}})
}

func hasMagic(data []byte, magic [][]byte) bool {
	for _, m := range magic {
		if bytes.HasPrefix(data, m) {
			return true
		}
	}
	return false
}

// Download returns a stored file of an organisation in scope.
func (s *Service) Download(ctx context.Context, sc store.Scope, id int64) (Attachment, []byte, error) {
	var a Attachment
	var data []byte
	lo, hi := sc.Range()
	err := s.DB.QueryRowContext(ctx, `SELECT a.id, a.org_id, a.name, a.content_type, a.size, a.sha256, a.created_at, a.data
		FROM attachments a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1 AND o.path >= $2 AND o.path < $3`+sc.Exact("o.path")+sc.ProvinceParam("a.province_id"), id, lo, hi).
		Scan(&a.ID, &a.OrgID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, apperr.NotFound("附件")
	}
	if err != nil {
		return a, data, fmt.Errorf("download attachment: %w", err)
	}
	return a, data, nil
}
