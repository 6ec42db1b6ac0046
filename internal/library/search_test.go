package library_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"dangjian/internal/app"
	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/fixture"
	"dangjian/internal/library"
	"dangjian/internal/org"
	"dangjian/internal/report"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

func titles(r library.Results) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Doc.Title)
	}
	return out
}

// TestRelevance: every query of the relevance set finds its document
// first, the words marked in the title and the snippet; without words the
// latest come first; a kind and a tag narrow the list.
func TestRelevance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Username: "zzb"})
		f := fixture.New(t, db)
		s := f.Library
		if err := s.Open(ctx); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		docs, qs := library.RelevanceSet()
		if len(docs) < 10 || len(qs) < 10 {
			t.Fatalf("relevance set: %d documents, %d queries", len(docs), len(qs))
		}
		for i, d := range docs {
			kind := "experience"
			if strings.Contains(d.Title, "调研") {
				kind = "research"
			}
			o := []org.Org{f.StreetA, f.StreetB, f.BranchA}[i%3]
			if _, err := s.Publish(ctx, store.All, library.Input{OrgID: o.ID, Kind: kind, Title: d.Title, Body: d.Body, Tags: d.Tags, Visibility: "system"}); err != nil {
				t.Fatalf("%s: %v", d.Title, err)
			}
		}
		for _, q := range qs {
			r, err := s.Search(ctx, store.ScopeOf(f.StreetB.Path), library.Query{Text: q.Query})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) == 0 || r.Hits[0].Doc.Title != q.Top {
				t.Errorf("%q found %v first, want %q", q.Query, titles(r), q.Top)
				continue
			}
			var mark []string
			for _, p := range append(r.Hits[0].Title, r.Hits[0].Snippet...) {
				if p.Mark {
					mark = append(mark, p.Text)
				}
			}
			for _, w := range library.Split(q.Query) {
				if !strings.Contains(strings.Join(mark, "|"), w) {
					t.Errorf("%q: %q is not marked in %v", q.Query, w, mark)
				}
			}
		}
		r, err := s.Search(ctx, store.All, library.Query{Kind: "research"})
		if err != nil || r.Total != 1 {
			t.Fatalf("research reports: %v %d", err, r.Total)
		}
		if r, err = s.Search(ctx, store.All, library.Query{}); err != nil || r.Kinds["experience"] != 9 || r.Kinds["research"] != 1 {
			t.Fatalf("counted by kind: %v %v", err, r.Kinds)
		}
		r, err = s.Search(ctx, store.All, library.Query{Tag: "党费"})
		if err != nil || r.Total != 1 || r.Hits[0].Doc.Title != "规范党费收缴管理的实践" {
			t.Fatalf("tagged 党费: %v %v", err, titles(r))
		}
		r, err = s.Search(ctx, store.All, library.Query{Page: store.Page{Size: 3}})
		if err != nil || r.Total != 10 || r.Hits[0].Doc.Title != docs[len(docs)-1].Title && r.Hits[0].Doc.PublishedOn != r.Hits[2].Doc.PublishedOn {
			t.Fatalf("latest: %v %d %v", err, r.Total, titles(r))
		}
		// Related documents share tags and title words, never the document itself.
		first, err := s.Search(ctx, store.All, library.Query{Text: "志愿服务"})
		if err != nil {
			t.Fatal(err)
		}
		rel, err := s.Related(ctx, store.All, first.Hits[0].Doc, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range rel {
			if d.ID == first.Hits[0].Doc.ID {
				t.Fatal("a document related to itself")
			}
		}
	})
}

// TestVisibility: a document kept to its organisation's line is found by
// the organisation, those above it and those below it, not by a sibling
// nor by someone without a grant; withdrawn ones leave the search; a
// reading and a download are counted; bad input is named field by field.
func TestVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Username: "dgw"})
		dir := filepath.Join(t.TempDir(), "library")
		f := fixture.New(t, db)
		s := app.New(db, f.Box, app.Settings{IndexDir: dir}).Library
		if err := s.Open(ctx); err != nil {
			t.Fatal(err)
		}
		body := strings.Repeat("东城街道推行网格党建,党员包片联户,小事不出网格、大事不出社区。", 3)
		_, err := s.Publish(ctx, store.ScopeOf(f.StreetA.Path), library.Input{OrgID: f.StreetB.ID, Kind: "experience", Title: "网格党建", Body: body, Visibility: "subtree"})
		if err == nil || !strings.Contains(err.Error(), "管理范围内的党组织") {
			t.Fatalf("a document of the sibling's: %v", err)
		}
		_, err = s.Publish(ctx, store.All, library.Input{OrgID: f.StreetA.ID, Kind: "会议", Title: "短", Body: "太短", Visibility: "all"})
		if e, ok := apperr.As(err); !ok || len(e.Fields) != 4 {
			t.Fatalf("bad input: %v", err)
		}
		d, err := s.Publish(ctx, store.ScopeOf(f.StreetA.Path), library.Input{OrgID: f.StreetA.ID, Kind: "experience", Title: "网格党建的东城做法", Body: body,
			Tags: []string{"网格"}, Visibility: "subtree"})
		if err != nil {
			t.Fatal(err)
		}
		find := func(sc store.Scope) int64 {
			r, err := s.Search(ctx, sc, library.Query{Text: "网格党建"})
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(r.Hits)) != r.Total {
				t.Fatalf("hits %d of %d", len(r.Hits), r.Total)
			}
			return r.Total
		}
		for name, sc := range map[string]store.Scope{"itself": store.ScopeOf(f.StreetA.Path), "above": store.ScopeOf(f.Province.Path),
			"below": store.ScopeOf(f.BranchA.Path)} {
			if find(sc) != 1 {
				t.Errorf("%s does not find the document of its line", name)
			}
			if _, err := s.Get(ctx, sc, d.ID); err != nil {
				t.Errorf("%s does not read it: %v", name, err)
			}
		}
		for name, sc := range map[string]store.Scope{"sibling": store.ScopeOf(f.StreetB.Path), "no grant": {}, "public": library.Public} {
			if find(sc) != 0 {
				t.Errorf("%s finds a document kept to another line", name)
			}
			if _, err := s.Get(ctx, sc, d.ID); !apperr.IsNotFound(err) {
				t.Errorf("%s reads it: %v", name, err)
			}
		}
		// An uploaded .docx: its text is the body and the file is what downloads.
		var up bytes.Buffer
		if err := report.WriteDocx(&up, report.Summary{Title: "西城党费管理", Opening: "西城街道规范党费收缴,每月按时收缴党费,按季度公示党费收缴情况,党员交纳党费做到及时足额。",
			Sections: []report.Section{{Heading: "做法", Paragraphs: []string{"建立台账,线上交纳。"}}}}, nil); err != nil {
			t.Fatal(err)
		}
		w, err := s.Publish(ctx, store.ScopeOf(f.StreetB.Path), library.Input{OrgID: f.StreetB.ID, Kind: "experience", Title: "西城党费管理", Visibility: "system",
			FileName: "西城党费管理.docx", File: up.Bytes()})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.Body, "按季度公示党费收缴情况") || !strings.Contains(w.Body, "建立台账,线上交纳。") {
			t.Fatalf("the text read from the .docx: %q", w.Body)
		}
		if _, err := s.Publish(ctx, store.All, library.Input{OrgID: f.StreetB.ID, Kind: "experience", Title: "坏文件", Visibility: "system",
			FileName: "坏文件.docx", File: []byte("PK\x03\x04 not a docx")}); err == nil || !strings.Contains(err.Error(), "坏文件.docx不是可以读取的Word文档") {
			t.Fatalf("a damaged .docx: %v", err)
		}
		// Readers without an account read the public documents, not the system-wide ones.
		pub, err := s.Publish(ctx, store.ScopeOf(f.StreetB.Path), library.Input{OrgID: f.StreetB.ID, Kind: "experience", Title: "西城网格党建公开材料", Body: body, Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := s.Search(ctx, library.Public, library.Query{Text: "网格党建"}); err != nil || r.Total != 1 || r.Hits[0].Doc.ID != pub.ID {
			t.Fatalf("the public search: %v %+v", err, r)
		}
		if _, err := s.Get(ctx, library.Public, w.ID); !apperr.IsNotFound(err) {
			t.Fatalf("the public reads a system-wide document: %v", err)
		}
		if _, _, err := s.File(ctx, library.Public, pub.ID); err != nil {
			t.Fatalf("the public download: %v", err)
		}
		if _, err := s.Withdraw(ctx, store.ScopeOf(f.StreetB.Path), pub.ID); err != nil {
			t.Fatal(err)
		}
		name, data, err := s.File(ctx, store.ScopeOf(f.StreetA.Path), w.ID)
		if err != nil || name != "西城党费管理.docx" || !bytes.Equal(data, up.Bytes()) {
			t.Fatalf("download of the uploaded file: %v %s", err, name)
		}
		name, data, err = s.File(ctx, store.ScopeOf(f.StreetA.Path), d.ID)
		if err != nil || name != "网格党建的东城做法.docx" || !strings.Contains(string(data), "word/document.xml") {
			t.Fatalf("download of a written document: %v %s", err, name)
		}
		got, err := s.Get(ctx, store.All, d.ID)
		if err != nil || got.Views != 4 || got.Downloads != 1 {
			t.Fatalf("counts: %v views %d downloads %d", err, got.Views, got.Downloads)
		}
		if _, err := s.Withdraw(ctx, store.ScopeOf(f.StreetB.Path), d.ID); !apperr.IsNotFound(err) {
			t.Fatalf("the sibling withdrew it: %v", err)
		}
		if _, err := s.Withdraw(ctx, store.ScopeOf(f.StreetA.Path), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Withdraw(ctx, store.ScopeOf(f.StreetA.Path), d.ID); err == nil || !strings.Contains(err.Error(), "已经撤回") {
			t.Fatalf("withdrawn twice: %v", err)
		}
		if find(store.ScopeOf(f.StreetA.Path)) != 0 {
			t.Fatal("a withdrawn document is still found")
		}
		// The index on disk opens again and follows rows written by another server.
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		other := app.New(db, f.Box, app.Settings{}).Library
		if err := other.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Publish(ctx, store.All, library.Input{OrgID: f.StreetB.ID, Kind: "research", Title: "西城网格党建调研", Body: body, Visibility: "system"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if n := find(store.ScopeOf(f.StreetB.Path)); n != 1 {
			t.Fatalf("the reopened index finds %d, want the other server's document", n)
		}
	})
}
