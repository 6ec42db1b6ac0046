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

// candidates counts the valid ID numbers consistent with what a reader
// without 查看 sees of a person: the masked number, the birth month (as
// "1949-12") and the sex. The hidden characters are tried exhaustively.
func candidates(masked, month string, male bool) int {
	n := 0
	year, mon := month[:4], month[5:7]
	for day := 1; day <= 31; day++ {
		for seq := 0; seq < 1000; seq++ {
			if (seq%2 == 1) != male {
				continue
			}
			first := masked[:6] + year + mon + pad(day, 2) + pad(seq, 3)
			v := first + string(CheckChar(first))
			if Mask(v) != masked {
				continue
			}
			if _, err := Parse(v, today); err == nil {
				n++
			}
		}
	}
	return n
}

func pad(n, width int) string {
	s := itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// What the mask shows, with the birth month and the sex beside it, leaves
// at least 10,000 numbers possible for every person: the month of fewest
// days, February of a common year, is the worst case.
func TestMaskLeavesTenThousandCandidates(t *testing.T) {
	if got := Mask("11010519491231002X"); got != "110105************" {
		t.Errorf("Mask = %q", got)
	}
	for _, c := range []struct {
		id, month string
		male      bool
	}{{"11010519491231002X", "1949-12", false}, {"110105199502280011", "1995-02", true}, {"440305200002290026", "2000-02", false}} {
		if got := candidates(Mask(c.id), c.month, c.male); got < 10000 {
			t.Errorf("%s: only %d candidate numbers remain", Mask(c.id), got)
		}
	}
	// The old mask (birth date hidden, sequence and check shown) left a handful:
	// the check character rules out ten days in eleven.
	old := func(v string) string { return v[:6] + "********" + v[14:] }
	n := 0
	for day := 1; day <= 31; day++ {
		first := "110105194912" + pad(day, 2) + "002"
		if v := first + string(CheckChar(first)); old(v) == old("11010519491231002X") {
			n++
		}
	}
	if n > 5 {
		t.Errorf("the old mask left %d candidates with the birth month shown; the test is not measuring", n)
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
