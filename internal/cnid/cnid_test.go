package cnid

import (
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func TestParseValid(t *testing.T) {
	cases := []struct {
		in    string
		value string
		birth string
		male  bool
	}{
		// The example printed in GB 11643-1999 itself, with the X check character.
		{"11010519491231002X", "11010519491231002X", "1949-12-31", false},
		{"11010519491231002x", "11010519491231002X", "1949-12-31", false},
		{" １１０１０５１９４９１２３１００２Ｘ ", "11010519491231002X", "1949-12-31", false},
		{"320106198507150011", "320106198507150011", "1985-07-15", true},
	}
	for _, c := range cases {
		n, err := Parse(c.in, today)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if n.Value != c.value || n.Birth.Format("2006-01-02") != c.birth || n.Male != c.male {
			t.Errorf("Parse(%q) = %+v", c.in, n)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	cases := []struct{ in, want string }{
		{"110105194912310021", "末位应为“X”"},
		{"320106198507150014", "末位应为“1”"},
		{"110105491231002", "15位旧式"},
		{"11010519491231002", "应为18位,当前为17位"},
		{"", "不能为空"},
		{"99010519491231002X", "不是有效的省级行政区划代码"},
		{"110105194902300020", "不是有效的出生日期"},
		{"110105203001010020", "不在合理范围内"},
		{"11010519491231A02X", "前17位须为数字"},
	}
	for _, c := range cases {
		_, err := Parse(c.in, today)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", c.in, err, c.want)
		}
	}
}

func TestMask(t *testing.T) {
	if got := Mask("11010519491231002X"); got != "110105********002X" {
		t.Errorf("Mask = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105491231002", "１１０１０５１９４９１２３１００２ｘ", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s, today)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if len(n.Value) != 18 || CheckChar(n.Value) != n.Value[17] || n.Birth.After(today) {
			t.Fatalf("accepted an invalid number %q as %+v", s, n)
		}
		if again, err := Parse(n.Value, today); err != nil || again != n {
			t.Fatalf("normalised value %q does not parse to itself", n.Value)
		}
	})
}
