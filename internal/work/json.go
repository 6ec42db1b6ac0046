package work

import (
	"encoding/json"

	"dangjian/internal/date"
)

// Map is the record as the API shows it: its values by column, with
// "<column>_label" for the wording of codes and the names of what
// references point at, money in fen.
func (r Record) Map() map[string]any {
	m := map[string]any{"id": r.ID, "kind": r.Kind.Name, "org_id": r.OrgID, "org_name": r.OrgName,
		"created_by": r.CreatedBy, "maker": r.Maker, "created_at": r.CreatedAt, "updated_at": r.UpdatedAt}
	if r.Kind.Parent != "" {
		m["parent_id"] = r.ParentID
	}
	for _, f := range r.Kind.Fields {
		v := r.V[f.Col]
		if named(f.Type) && v == int64(0) {
			v = nil
		}
		if d, ok := v.(date.Date); ok && d.IsZero() {
			v = nil
		}
		m[f.Col] = v
		if n, ok := r.Names[f.Col]; ok {
			m[f.Col+"_label"] = n
		}
	}
	return m
}

// MarshalJSON writes Map.
func (r Record) MarshalJSON() ([]byte, error) { return json.Marshal(r.Map()) }

// FieldDoc describes a field to API clients.
type FieldDoc struct {
	Col      string   `json:"column"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Values   []string `json:"values,omitempty"`
	Ref      string   `json:"ref,omitempty"`
	Step     string   `json:"step,omitempty"`
	Auto     bool     `json:"auto,omitempty"`
	Hint     string   `json:"hint,omitempty"`
}

// KindDoc describes a kind to API clients.
type KindDoc struct {
	Name    string     `json:"name"`
	Label   string     `json:"label"`
	Parent  string     `json:"parent,omitempty"`
	Dated   string     `json:"dated,omitempty"`
	Fields  []FieldDoc `json:"fields"`
	Actions []string   `json:"actions,omitempty"`
	Views   []string   `json:"views,omitempty"`
}

var typeNames = map[FieldType]string{Text: "text", Note: "note", Date: "date", Enum: "enum", Fen: "fen", Int: "integer",
	Member: "member", Org: "org", Ref: "ref", File: "file"}

// Docs describes every kind.
func Docs() []KindDoc {
	out := []KindDoc{}
	for _, k := range Kinds {
		d := KindDoc{Name: k.Name, Label: k.Label, Parent: k.Parent, Dated: k.Dated}
		for _, f := range k.Fields {
			fd := FieldDoc{Col: f.Col, Label: f.Label, Type: typeNames[f.Type], Required: f.Required, Ref: f.Ref, Step: f.Step, Auto: f.Auto, Hint: f.Hint}
			for _, it := range f.Enum {
				fd.Values = append(fd.Values, it.Code+"="+it.Label)
			}
			d.Fields = append(d.Fields, fd)
		}
		for _, a := range k.Actions {
			d.Actions = append(d.Actions, a.Name+"="+a.Label)
		}
		for _, v := range k.Views {
			d.Views = append(d.Views, v.Name+"="+v.Label)
		}
		out = append(out, d)
	}
	return out
}
