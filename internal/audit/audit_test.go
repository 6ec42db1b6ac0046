package audit

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type sample struct {
	ID      int64              `json:"id"`
	Name    string             `json:"name"`
	Note    string             `json:"note"`
	Unit    *int64             `json:"unit_id"`
	Tags    []string           `json:"tags"`
	Extra   map[string]any     `json:"extra"`
	Nested  struct{ A, B int } `json:"nested"`
	Flag    bool               `json:"flag"`
	Created time.Time          `json:"created_at"`
	Updated time.Time          `json:"updated_at"`
}

// A creation's detail, written straight from the encoding, reads back as
// the changes Changes finds between nothing and the object.
func TestCreatedMatchesChanges(t *testing.T) {
	unit := int64(7)
	for _, v := range []sample{
		{ID: 1, Name: "张三", Note: `引号"与反斜杠\,逗号,冒号:{括号}[方括号]`, Unit: &unit, Tags: []string{"a,b", `"c"`},
			Extra: map[string]any{"k": []any{1.5, nil, "x}"}}, Flag: true, Created: time.Now()},
		{Note: "\u2028<script>&", Tags: []string{}},
		{},
	} {
		c, err := NewCreation(v)
		if err != nil {
			t.Fatal(err)
		}
		got := c.Detail(42)
		v.ID = 42 // the id the object gets when it is stored
		want, _ := json.Marshal(map[string]any{"changes": Changes(nil, v)})
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("the creation of %+v is not JSON: %s", v, got)
		}
		_ = json.Unmarshal(want, &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("creation:\n%s\nChanges:\n%s", got, want)
		}
		if m := a.(map[string]any)["changes"].(map[string]any); m["created_at"] != nil || m["id"] == nil {
			t.Fatalf("fields of the creation: %v", m)
		}
	}
}

func TestChangesNamesOnlyWhatDiffers(t *testing.T) {
	a := sample{ID: 1, Name: "张三", Tags: []string{"x"}, Created: time.Now()}
	b := a
	b.Name, b.Tags, b.Updated = "李四", []string{"x", "y"}, time.Now()
	got := Changes(a, b)
	if len(got) != 2 || string(got["name"][0].(json.RawMessage)) != `"张三"` || string(got["name"][1].(json.RawMessage)) != `"李四"` {
		t.Fatalf("changes %v", got)
	}
	if _, ok := got["tags"]; !ok {
		t.Fatalf("a changed list is not named: %v", got)
	}
	if len(Changes(a, a)) != 0 {
		t.Fatal("no change reported as a change")
	}
}
