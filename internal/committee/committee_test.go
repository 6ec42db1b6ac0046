package committee_test

import (
	"bytes"
	"strings"
	"testing"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/committee/committeetest"
	"dangjian/internal/secret"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A key rotation seals every member's phone under the new key; the phone
// reads the same, and no phone is stored in the clear.
func TestMembersPhonesRotate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := committeetest.New(t, db, 2026, 3, 2)
		box, err := secret.New([]byte(strings.Repeat("c", 32)), []byte(strings.Repeat("d", 32)))
		if err != nil {
			t.Fatal(err)
		}
		f.Committees.Box = box
		n, err := f.Committees.Reencrypt(f.Ctx, 2)
		if err != nil || n != len(f.Members) {
			t.Fatalf("re-encrypted %d of %d: %v", n, len(f.Members), err)
		}
		if n, _ := f.Committees.Reencrypt(f.Ctx, 2); n != 0 {
			t.Fatalf("a second pass re-encrypted %d", n)
		}
		m, err := f.Committees.Member(f.Ctx, f.Office, f.Members[1].ID)
		if err != nil || m.Phone != f.Members[1].Phone || m.PhoneMasked != "139****5671" {
			t.Fatalf("after the rotation: %+v %v", m, err)
		}
		var enc string
		if err := db.QueryRowContext(f.Ctx, "SELECT phone_enc FROM cppcc_members WHERE id = $1", m.ID).Scan(&enc); err != nil || !strings.HasPrefix(enc, secret.Prefix(2)) {
			t.Fatalf("sealed %q %v", enc, err)
		}
		storetest.NoClearIdentifiers(t, db, []string{f.Members[0].Phone, f.Members[1].Phone})
	})
}

// A committee sets its own periods: they read back as set; a
// period out of its bounds is refused with the field named, and another
// committee's office reaches none of them.
func TestCommitteeRules(t *testing.T) {
	f := committeetest.New(t, storetest.SQLite(t), 2026, 3, 2)
	r := committee.DefaultRules
	r.ReplyMonths, r.MaxMonths = 2, 1
	_, err := f.Committees.SetRules(f.OfficeCtx, f.Office, f.C.ID, r)
	storetest.WantErr(t, err, "max_months", "不应少于")
	r.MaxMonths, r.SignDays = 4, 0
	_, err = f.Committees.SetRules(f.OfficeCtx, f.Office, f.C.ID, r)
	storetest.WantErr(t, err, "sign_days", "1 到 60")
	r.SignDays = 5
	if _, err := f.Committees.SetRules(f.OfficeCtx, f.Office, f.C.ID, r); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Committees.SetRules(f.OfficeCtx, store.ScopeOf(f.Other.Path), f.C.ID, r); !apperr.IsNotFound(err) {
		t.Fatalf("another committee's office set the rules: %v", err)
	}
	c, err := f.Committees.Committee(f.Ctx, f.Office, f.C.ID)
	if err != nil || c.Rules.ReplyMonths != 2 || c.Rules.MaxMonths != 4 || c.Rules.SignDays != 5 || c.Periods()["reply"].N != 2 {
		t.Fatalf("the rules read back: %+v %v", c.Rules, err)
	}
}

// An office's member list in and out of Excel: the export imported back
// adds nobody and keeps the phones; a list with wrong cells names each by
// row and column and writes nothing; new members are added.
func TestMembersInAndOutOfExcel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := committeetest.New(t, db, 2026, 3, 2)
		terms, _ := f.Committees.Terms(f.Ctx, store.All, f.C.ID)
		term := terms[0].ID
		list, err := f.Committees.Members(f.Ctx, f.Office, f.C.ID, "", store.Page{Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		file := func(rows [][]any) *bytes.Buffer {
			var b bytes.Buffer
			if err := spreadsheet.WriteTable(&b, "委员名单", "江城市政协委员名单", committee.MembersHead, rows); err != nil {
				t.Fatal(err)
			}
			return &b
		}
		res, err := f.Committees.ImportMembers(f.OfficeCtx, f.Office, f.C.ID, term, "名单.xlsx", file(committee.MembersTable(list.Items)))
		if err != nil || res.Added != 0 || res.Updated != 3 {
			t.Fatalf("the export imported back: %+v %v", res, err)
		}
		m, _ := f.Committees.Member(f.Ctx, f.Office, f.Members[1].ID)
		if m.Phone != f.Members[1].Phone {
			t.Fatalf("the phone after importing the masked export: %q", m.Phone)
		}
		bad := [][]any{
			{"赵新委员", "男", "经济界", "九三学社", "", "第1活动组", "委员", "13900001111"},
			{"钱新委员", "未知", "经济界", "九三学社", "", "", "", ""},
			{"孙新委员", "女", "不存在的界别", "中国民主同盟", "", "", "", "12345"},
		}
		res, err = f.Committees.ImportMembers(f.OfficeCtx, f.Office, f.C.ID, term, "名单.xlsx", file(bad))
		ae, ok := apperr.As(err)
		if !ok || !strings.Contains(ae.Message, "第 4 行“性别”") || !strings.Contains(ae.Message, "第 5 行“界别”") || !strings.Contains(ae.Message, "第 5 行“联系电话”") ||
			len(res.Problems) != 3 {
			t.Fatalf("a list with wrong cells: %+v %v", res, err)
		}
		if after, _ := f.Committees.Members(f.Ctx, f.Office, f.C.ID, "", store.Page{}); after.Total != 3 {
			t.Fatalf("a refused list wrote %d members", after.Total-3)
		}
		res, err = f.Committees.ImportMembers(f.OfficeCtx, f.Office, f.C.ID, term, "名单.xlsx", file(bad[:1]))
		if err != nil || res.Added != 1 {
			t.Fatalf("a new member: %+v %v", res, err)
		}
		if _, err := f.Committees.ImportMembers(f.OfficeCtx, store.ScopeOf(f.Other.Path), f.C.ID, term, "名单.xlsx", file(bad[:1])); err == nil {
			t.Fatal("another committee's office imported into this one")
		}
		storetest.NoClearIdentifiers(t, db, []string{"13900001111", f.Members[0].Phone})
	})
}
