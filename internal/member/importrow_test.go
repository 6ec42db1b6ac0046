package member

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// AddNew adds the new people of a batch together and answers for every row.
func TestAddNew(t *testing.T) {
	eachFixture(t, func(f *fixture) {
		known := f.add(f.fullMember(f.branchA1a, "王已在", "1980-01-01", true))
		yes := true
		flowing := Row{Input: f.fullMember(f.branchA1a, "刘流出", "1981-02-03", true), MobileOut: &yes, MobilePlace: "广东省深圳市"}
		plain := Row{Input: f.fullMember(f.branchA1b, "陈新", "1982-03-04", false)}
		applicant := Row{Input: Input{OrgID: &f.branchA1a.ID, Name: sp("赵申请"), IDNumber: sp(f.idNumber("1990-05-06", true)),
			Ethnicity: sp("汉族"), Education: sp("高中"), Stage: sp("applicant"), AppliedOn: d("2026-01-05")}, MobileOut: &yes}
		badEthnicity := Row{Input: f.fullMember(f.branchA1a, "孙民族", "1983-04-05", true)}
		badEthnicity.Input.Ethnicity = sp("火星族")
		outside := Row{Input: f.fullMember(f.branchB1a, "周外街", "1984-05-06", false)}
		again := Row{Input: f.fullMember(f.branchA1a, "王已在", "1980-01-01", true)}
		again.Input.IDNumber = sp(known.IDNumber)
		again.Input.Ethnicity = sp("火星族") // for UpdateRow to refuse: AddNew only says the person is on the roster
		rows := []Row{flowing, plain, applicant, badEthnicity, outside, again}
		sc := store.ScopeOf(f.streetA1.Path)
		var out []error
		err := f.db.Tx(f.ctx, func(tx *sql.Tx) error {
			checked := make([]Checked, len(rows))
			for i, r := range rows {
				checked[i] = f.mem.Check(f.ctx, f.db, sc, r)
			}
			var err error
			out, err = f.mem.AddNew(f.ctx, tx, checked)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if out[0] != nil || out[1] != nil {
			t.Fatalf("valid rows refused: %v, %v", out[0], out[1])
		}
		wantErr(t, out[2], "", "只有在册的正式党员和预备党员才能登记为流出党员")
		wantErr(t, out[3], "ethnicity", "火星族")
		wantErr(t, out[4], "org_id", "不在您的管理范围内")
		if !errors.Is(out[5], ErrOnRoster) {
			t.Fatalf("a person on the roster: %v", out[5])
		}
		list, err := f.mem.List(f.ctx, store.All, Filter{OrgID: f.streetA1.ID}, store.Page{Size: 10})
		if err != nil || list.Total != 3 {
			t.Fatalf("people in the street: %d %v", list.Total, err)
		}
		f.noMismatch()
		byName := map[string]Member{}
		for _, m := range list.Items {
			byName[m.Name] = m
		}
		if !byName["刘流出"].MobileOut || byName["陈新"].MobileOut || byName["陈新"].OrgName != "上钢市场党支部" {
			t.Fatalf("added: %+v", list.Items)
		}
		// The audit entry written from the values in hand is what the stored person reads as.
		stored := byName["陈新"]
		entries, err := audit.List(f.ctx, f.db, store.All, audit.Filter{Action: "create", ObjectType: "member", ObjectID: stored.ID}, store.Page{})
		if err != nil || len(entries.Items) != 1 {
			t.Fatalf("audit entries of the creation: %v %v", entries.Items, err)
		}
		var got, want any
		_ = json.Unmarshal(entries.Items[0].Detail, &got)
		raw, _ := json.Marshal(map[string]any{"changes": audit.Changes(nil, stored)})
		_ = json.Unmarshal(raw, &want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("audit detail\n%v\nwant\n%v", got, want)
		}
	})
}

// A person another transaction stored meanwhile is left out of a bulk insert, with no figures and no audit entry.
func TestInsertAllLeavesOutTakenNumbers(t *testing.T) {
	eachFixture(t, func(f *fixture) {
		known := f.add(f.fullMember(f.branchA1a, "王已在", "1980-01-01", true))
		before, _ := audit.List(f.ctx, f.db, store.All, audit.Filter{}, store.Page{Size: 1})
		in := f.fullMember(f.branchA1b, "王重复", "1980-01-01", true)
		in.IDNumber = sp(known.IDNumber)
		fresh := f.fullMember(f.branchA1b, "李新", "1985-01-01", false)
		err := f.db.Tx(f.ctx, func(tx *sql.Tx) error {
			a, err := f.mem.prepare(f.ctx, tx, store.All, in)
			if err != nil {
				return err
			}
			b, err := f.mem.prepare(f.ctx, tx, store.All, fresh)
			if err != nil {
				return err
			}
			pa, _ := f.mem.sealed(a)
			pb, _ := f.mem.sealed(b)
			taken, err := f.mem.insertAll(f.ctx, tx, []*newPerson{pa, pb})
			if err == nil && !reflect.DeepEqual(taken, []int{0}) {
				return errors.New("taken numbers not reported")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.noMismatch()
		after, _ := audit.List(f.ctx, f.db, store.All, audit.Filter{}, store.Page{Size: 1})
		if after.Total != before.Total+1 {
			t.Fatalf("audit entries: %d before, %d after", before.Total, after.Total)
		}
		if n := f.membersIn(f.branchA1b.ID); n != 1 {
			t.Fatalf("members stored: %d", n)
		}
		// Create says so in words.
		_, err = f.mem.Create(f.ctx, store.All, in)
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			t.Fatalf("a taken number: %v", err)
		}
	})
}

func eachFixture(t *testing.T, fn func(f *fixture)) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.ctx = context.Background()
		fn(f)
	})
}

// While the keys are rotated, a person stored under the older key is found
// by AddNew and not added a second time.
func TestAddNewDuringKeyRotation(t *testing.T) {
	eachFixture(t, func(f *fixture) {
		known := f.add(f.fullMember(f.branchA1a, "王旧钥", "1980-01-01", true))
		rotated, err := secret.New([]byte(strings.Repeat("k", 32)), []byte(strings.Repeat("n", 32)))
		if err != nil {
			t.Fatal(err)
		}
		f.mem.Box = rotated
		again := f.fullMember(f.branchA1a, "王旧钥", "1980-01-01", true)
		again.IDNumber = sp(known.IDNumber)
		var out []error
		err = f.db.Tx(f.ctx, func(tx *sql.Tx) error {
			var err error
			out, err = f.mem.AddNew(f.ctx, tx, []Checked{f.mem.Check(f.ctx, f.db, store.All, Row{Input: again})})
			return err
		})
		if err != nil || !errors.Is(out[0], ErrOnRoster) {
			t.Fatalf("a person under the older key: %v %v", out, err)
		}
		if n := f.membersIn(f.branchA1a.ID); n != 1 {
			t.Fatalf("%d people in the branch", n)
		}
	})
}
