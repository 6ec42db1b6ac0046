package flow

import "testing"

// A table says where each step leads from where it may start, refuses
// every other, and words each action of its own object: a step's by the
// step, an entry of the history that is no step by the table's words.
func TestTable(t *testing.T) {
	tb := NewTable([]Step{
		{Object: "letter", Action: "reply", Label: "出具处理意见", From: []string{"handling"}, To: "replied"},
		{Object: "part", Action: "reply", Label: "答复", From: []string{"handling"}, To: "replied"},
	}, map[string]string{"remind": "催办"})
	if to, ok := tb.Next("letter", "reply", "handling"); !ok || to != "replied" {
		t.Errorf("reply from handling: %q %v", to, ok)
	}
	for _, c := range [][3]string{{"letter", "reply", "replied"}, {"letter", "close", "handling"}, {"proposal", "reply", "handling"}} {
		if _, ok := tb.Next(c[0], c[1], c[2]); ok {
			t.Errorf("%v is allowed", c)
		}
	}
	for _, c := range [][3]string{{"letter", "reply", "出具处理意见"}, {"part", "reply", "答复"}, {"letter", "remind", "催办"}, {"letter", "unknown", ""}} {
		if got := tb.Label(c[0], c[1]); got != c[2] {
			t.Errorf("label of %s %s = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	if len(tb.Steps()) != 2 {
		t.Errorf("steps %+v", tb.Steps())
	}
}
