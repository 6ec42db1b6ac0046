package party

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

// The forms of the work records: the fields of a kind (or of one of its
// steps) laid out and filled, a record's values as a person reads them,
// and a posted form read back into a record's input.

// fieldView is one input of a form.
type fieldView struct {
	Col, Label, Type, Value, Err, Hint, Placeholder string
	Required                                        bool
	Options                                         vocab.Enum
	// A person's field is a picker: Value is the id chosen (hidden), Text
	// the name shown; Choices are the people a refused name could mean.
	Text    string
	Choices []web.Picked
}

// formView is a form over some fields of a kind.
type formView struct {
	Action, Title, Submit, Error string
	Fields                       []fieldView
	Multipart, Open              bool
	// Step: a step of the record's state, shown as a button rather than
	// folded, confirmed before it is sent.
	Step    bool
	Confirm string
	// Org is the organisation whose people a person's field offers.
	Org int64
}

// Problems are the form's refused fields, for the banner.
func (fv formView) Problems() []web.Problem {
	var out []web.Problem
	if fv.Error != "" {
		out = append(out, web.Problem{Message: fv.Error})
	}
	for _, f := range fv.Fields {
		if f.Err != "" {
			out = append(out, web.Problem{Label: f.Label, Message: f.Err, Href: "#" + fv.Title + "-" + f.Col})
		}
	}
	return out
}

var typeOf = map[work.FieldType]string{work.Text: "text", work.Note: "note", work.Date: "date", work.Enum: "enum", work.Fen: "yuan",
	work.Int: "int", work.Member: "member", work.Org: "org", work.Ref: "ref", work.File: "file"}

// buildForm lays out the fields of k that step sets ("" for the record's own form),
// filled from rec (nil: empty) or from what the user typed (f).
func (s *pages) buildForm(r *http.Request, sc store.Scope, k *work.Kind, step string, rec *work.Record, f *web.Form, orgID int64) (formView, error) {
	fv := formView{Org: orgID}
	var err error
	for _, fd := range k.Fields {
		if fd.Step != step || fd.Auto || fd.Col == k.Status {
			continue
		}
		v := fieldView{Col: fd.Col, Label: fd.Label, Type: typeOf[fd.Type], Required: fd.Required, Hint: fd.Hint, Options: fd.Enum}
		if rec != nil {
			v.Value = display(*rec, fd, false)
			if fd.Type == work.Ref || fd.Type == work.Member {
				v.Value = strconv.FormatInt(rec.Int(fd.Col), 10)
				v.Text = rec.Names[fd.Col]
			}
		}
		if fd.Type == work.Date && (step != "" || (rec == nil && fd.Past)) {
			// A step, or a new record of something that happened: most often today.
			v.Value = s.Work.Today().String()
		}
		if f != nil && f.Values != nil {
			v.Value, v.Err, v.Text = f.Get(fd.Col), f.Err(fd.Col), f.Get(fd.Col+"_q")
		}
		switch fd.Type {
		case work.File:
			fv.Multipart = true
			if rec != nil && rec.Int(fd.Col) != 0 {
				v.Hint = "已上传:" + rec.Names[fd.Col] + "(不选择文件则保留)"
			} else {
				v.Hint = "不超过10MB,接受" + work.AllowedTypes
			}
		case work.Member:
			if v.Err != "" && v.Text != "" {
				// The people the name could mean, to choose from.
				if v.Choices, err = s.PersonChoices(r, sc, orgID, v.Text); err != nil {
					return fv, err
				}
			}
		case work.Ref:
			ref, _ := work.KindOf(fd.Ref)
			l, err := s.Work.List(r.Context(), sc, ref, work.Filter{}, store.Page{Size: 200})
			if err != nil {
				return fv, err
			}
			for _, it := range l.Items {
				v.Options = append(v.Options, vocab.Item{Code: strconv.FormatInt(it.ID, 10), Label: it.Str(ref.Title()) + "(" + it.OrgName + ")"})
			}
		}
		fv.Fields = append(fv.Fields, v)
	}
	if f != nil {
		fv.Error, fv.Open = f.Error, true
	}
	return fv, nil
}

// fillSelf offers the signed-in user's own name in a new record's Self
// fields (a visit's 走访人); an account that names no person leaves them
// empty, with a placeholder that asks for the name.
func (s *pages) fillSelf(ctx context.Context, k *work.Kind, fv *formView, id auth.Identity) error {
	me, err := s.personName(ctx, id)
	if err != nil {
		return err
	}
	for i, v := range fv.Fields {
		if fd, ok := k.Field(v.Col); ok && fd.Self && v.Value == "" {
			fv.Fields[i].Value, fv.Fields[i].Placeholder = me, "请填写"+fd.Label+"的姓名"
		}
	}
	return nil
}

// personName is the signed-in user's own name: the member the account is
// linked to, else its display name unless that is a role's name (an
// account named for its post, "支部书记"); "" when the account names no
// person (the user name is a login, not a name).
func (s *pages) personName(ctx context.Context, id auth.Identity) (string, error) {
	if mid := id.User.MemberID; mid != nil {
		m, err := s.Members.Get(ctx, store.All, *mid)
		if err == nil {
			return m.Name, nil
		}
		if _, ok := apperr.As(err); !ok {
			return "", err
		}
	}
	name := strings.TrimSpace(id.User.DisplayName)
	if slices.Contains(auth.Roles.LabelList(), name) {
		return "", nil
	}
	return name, nil
}

// display is a record's value as a person reads it.
func display(r work.Record, fd work.Field, forList bool) string {
	switch fd.Type {
	case work.Fen:
		if forList && r.Int(fd.Col) == 0 {
			return ""
		}
		return work.Yuan(r.Int(fd.Col))
	case work.Int:
		if fd.Auto && fd.Col == "target_mobile" {
			if r.Int(fd.Col) == 1 {
				return "是"
			}
			return ""
		}
		return strconv.FormatInt(r.Int(fd.Col), 10)
	case work.Date:
		if forList {
			return r.Date(fd.Col).Chinese()
		}
		return r.Date(fd.Col).String()
	case work.Text, work.Note:
		return r.Str(fd.Col)
	case work.Enum:
		if forList {
			return r.Names[fd.Col]
		}
		return r.Str(fd.Col)
	}
	return r.Names[fd.Col]
}

// input turns a posted form into a record input: money typed in yuan
// becomes fen, uploaded files become attachments of the organisation.
func (s *pages) input(r *http.Request, k *work.Kind, step string, f *web.Form, orgID int64) (work.Input, error) {
	in := work.Input{}
	for _, fd := range k.Fields {
		if fd.Step != step || fd.Auto || fd.Col == k.Status {
			continue
		}
		switch fd.Type {
		case work.Fen:
			fen, ok := work.ParseYuan(f.Get(fd.Col))
			if !ok {
				in[fd.Col] = work.Bad(fd.Label + "“" + f.Get(fd.Col) + "”格式不对,应为以元为单位的金额,最多两位小数,如 500 或 1200.50")
				continue
			}
			in[fd.Col] = fen
		case work.File:
			file, hdr, err := r.FormFile(fd.Col)
			if err != nil {
				continue // nothing chosen: a new record has none, a changed one keeps its file
			}
			data, err := io.ReadAll(io.LimitReader(file, work.MaxAttachment+1))
			file.Close()
			if err != nil {
				return nil, err
			}
			// Stored with the record, in its transaction (work.NewFile).
			in[fd.Col] = work.NewFile{OrgID: orgID, Name: hdr.Filename, Data: data}
		case work.Member:
			// The person chosen in the picker, or else the name typed.
			in[fd.Col] = cmp.Or(f.Get(fd.Col), strings.TrimSpace(f.Get(fd.Col+"_q")))
		default:
			in[fd.Col] = f.Get(fd.Col)
		}
	}
	return in, nil
}
