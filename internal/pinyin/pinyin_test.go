package pinyin

import "testing"

func TestName(t *testing.T) {
	cases := []struct{ name, full, initials string }{
		{"张三", "zhangsan", "zs"},
		{"曾国藩", "zengguofan", "zgf"},
		{"单雄信", "shanxiongxin", "sxx"},
		{"阿依古丽·买买提", "ayigulimaimaiti", "ayglmmt"},
		{"李A", "lia", "la"},
	}
	for _, c := range cases {
		f, i := Name(c.name)
		if f != c.full || i != c.initials {
			t.Errorf("Name(%q) = %q, %q; want %q, %q", c.name, f, i, c.full, c.initials)
		}
	}
}
