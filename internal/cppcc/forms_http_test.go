package cppcc_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// multipartPost sends fields and files (field → name → content) as
// role's web session ("" for a visitor), not following redirects.
func (m *matrix) multipartPost(role, path string, fields map[string]string, files map[string][2]string) (int, string) {
	m.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	s := m.session[role]
	if role != "" {
		_ = mw.WriteField("csrf", s[1])
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for field, f := range files {
		fw, _ := mw.CreateFormFile(field, f[0])
		_, _ = fw.Write([]byte(f[1]))
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", m.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if role != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s[0]})
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// selectOf is the HTML of the select named name in page.
func selectOf(page, name string) string {
	return regexp.MustCompile(`(?s)<select[^>]*name="` + name + `".*?</select>`).FindString(page)
}

// banner is the text of the refused form's banner at the top of page.
func banner(page string) string {
	return regexp.MustCompile(`(?s)<section class="error banner".*?</section>`).FindString(page)
}

// TestRefusedReplyKeepsChoices: the reply form chooses no class for the
// handler; a reply sent without its text comes back with the class and
// the contact chosen, and says, at the top and beside the field, that the
// letter attached was not kept and must be chosen again; nothing is stored.
func TestRefusedReplyKeepsChoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		p := m.proposal("own", "handling")
		_, page := m.page(auth.RoleHandler, "GET", fmt.Sprintf("/cppcc/inbox/%d", p.ID), nil)
		if sel := selectOf(page, "class"); sel == "" || strings.Contains(sel, "selected") || !strings.Contains(sel, `<option value="">(请选择)</option>`) {
			t.Fatalf("the reply form's class: %s", sel)
		}
		code, page := m.multipartPost(auth.RoleHandler, fmt.Sprintf("/cppcc/parts/%d/reply", p.Parts[0].ID),
			map[string]string{"proposal": fmt.Sprint(p.ID), "class": "B", "contact": "phone", "text": ""},
			map[string][2]string{"file": {"答复函.pdf", "%PDF-1.4 答复"}})
		if code != http.StatusBadRequest {
			t.Fatalf("a reply without text: %d %.300s", code, page)
		}
		if sel := selectOf(page, "class"); !strings.Contains(sel, `<option value="B" selected>`) || strings.Count(sel, "selected") != 1 {
			t.Errorf("the refused reply's class: %s", sel)
		}
		if sel := selectOf(page, "contact"); !strings.Contains(sel, `<option value="phone" selected>`) {
			t.Errorf("the refused reply's contact: %s", sel)
		}
		const unkept = "附件未保存,请重新选择文件:答复函.pdf"
		if b := banner(page); !strings.Contains(b, unkept) || !strings.Contains(b, "答复内容") {
			t.Errorf("the banner: %s", b)
		}
		if !regexp.MustCompile(`name="file"[^>]*>\s*<span class="field-error">[^<]*` + unkept).MatchString(page) {
			t.Errorf("the file field does not say its file was not kept")
		}
		got, err := m.svc.Get(m.ctx, store.All, cppcc.ViewOffice, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if x := got.Parts[0]; x.State != "handling" || len(x.Letters) != 0 {
			t.Fatalf("the refused reply stored something: %+v", x)
		}
	})
}

// TestRefusedLetterNamesItsPhoto: a citizen's letter refused for a missing
// title comes back to its box, saying the photo must be chosen again.
func TestRefusedLetterNamesItsPhoto(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	code, page := m.multipartPost("", fmt.Sprintf("/public/%d/write", m.own.c.ID),
		map[string]string{"box": "petition", "title": "", "content": "小区门口的路灯坏了三个月,夜里出行很不方便,请尽快维修。", "name": "张三", "phone": "13800001111"},
		map[string][2]string{"file": {"路灯照片.jpg", "\xff\xd8\xff\xe0 jpeg"}})
	if code != http.StatusBadRequest {
		t.Fatalf("a letter without a title: %d %.300s", code, page)
	}
	if !strings.Contains(page, `value="petition" checked`) {
		t.Errorf("the refused letter lost its box")
	}
	if b := banner(page); !strings.Contains(b, "附件未保存,请重新选择文件:路灯照片.jpg") {
		t.Errorf("the banner does not name the photo: %s", b)
	}
}
