package dues

import (
	"strings"
	"testing"

	"dangjian/internal/apperr"
)

// Every band of the rule at and around its edges, and each kind of member,
// against the text of 《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号)
// and 组电明字〔2017〕5号. Amounts in fen.
func TestMonthlyByTheRule(t *testing.T) {
	cases := []struct {
		why    string
		kind   string
		base   int64
		amount int64
		want   int64
	}{
		// 第二条: "每月工资收入(税后)在3000元以下(含3000元)者,交纳月工资收入的0.5%".
		{"第二条 3000元以下 0.5%: 1元的0.5%是0.5分,四舍五入到分", KindWage, 100, 0, 1},
		{"第二条 0.5%: 1234.56元 → 6.17元", KindWage, 123_456, 0, 617},
		{"第二条 含3000元: 2999.99元 → 15.00元", KindWage, 299_999, 0, 1500},
		{"第二条 含3000元: 3000元整 → 15.00元", KindWage, 300_000, 0, 1500},
		// "3000元以上至5000元(含5000元)者,交纳1%": the whole base at 1 %.
		{"第二条 3000元以上 1%: 3000.01元 → 30.00元", KindWage, 300_001, 0, 3000},
		{"第二条 含5000元: 5000元整 → 50.00元", KindWage, 500_000, 0, 5000},
		// "5000元以上至10000元(含10000元)者,交纳1.5%".
		{"第二条 5000元以上 1.5%: 5000.01元 → 75.00元", KindWage, 500_001, 0, 7500},
		{"第二条 含10000元: 10000元整 → 150.00元", KindWage, 1_000_000, 0, 15000},
		// "10000元以上者,交纳2%".
		{"第二条 10000元以上 2%: 10000.01元 → 200.00元", KindWage, 1_000_001, 0, 20000},
		{"第二条 2%: 50000元 → 1000.00元", KindWage, 5_000_000, 0, 100_000},
		// 组电明字〔2017〕5号 一(1): "每名党员月交纳党费数额一般不超过1000元".
		{"组电明字〔2017〕5号 每月一般不超过1000元: 50000.50元", KindWage, 5_000_050, 0, 100_000},
		{"组电明字〔2017〕5号 每月一般不超过1000元: 80000元", KindWage, 8_000_000, 0, 100_000},
		// 第三条 annual salaries and 第四条 the self-employed: "参照第一条、第二条规定".
		{"第三条 年薪制 参照第二条: 3000.01元 → 30.00元", KindAnnual, 300_001, 0, 3000},
		{"第四条 个体经营者 参照第二条: 10000元 → 150.00元", KindSelfEmployed, 1_000_000, 0, 15000},
		// 第五条: "5000元以下(含5000元)的按0.5%交纳党费,5000元以上的按1%交纳党费".
		{"第五条 离退休 含5000元: 4999.99元 → 25.00元", KindRetired, 499_999, 0, 2500},
		{"第五条 离退休 含5000元: 5000元整 → 25.00元", KindRetired, 500_000, 0, 2500},
		{"第五条 离退休 5000元以上 1%: 5000.01元 → 50.00元", KindRetired, 500_001, 0, 5000},
		{"第五条 离退休 1%: 12000元 → 120.00元", KindRetired, 1_200_000, 0, 12000},
		// 第六条: "农民党员每月交纳党费0.2元－1元".
		{"第六条 农民党员 0.2元", KindFarmer, 0, 20, 20},
		{"第六条 农民党员 1元", KindFarmer, 0, 100, 100},
		{"第六条 农民党员 0.5元", KindFarmer, 0, 50, 50},
		// "学生党员、下岗失业的党员、依靠抚恤或救济生活的党员、领取当地最低生活保障金的党员,每月交纳党费0.2元".
		{"第六条 学生党员 0.2元", KindStudent, 0, 0, 20},
		{"第六条 下岗失业的党员 0.2元", KindUnemployed, 0, 0, 20},
		{"第六条 依靠抚恤或救济生活的党员 0.2元", KindRelief, 0, 0, 20},
		{"第六条 领取最低生活保障金的党员 0.2元,填了基数也是0.2元", KindAllowance, 900_000, 0, 20},
		// 第七条: "经党支部研究,报上一级党委批准后,…可以少交或者免交".
		{"第七条 免交", KindHardship, 0, 0, 0},
		{"第七条 少交 1元", KindHardship, 0, 100, 100},
	}
	for _, c := range cases {
		got, rule, err := Monthly(c.kind, c.base, c.amount)
		if err != nil || got != c.want {
			t.Errorf("%s: %d fen (%s) %v, want %d", c.why, got, rule, err, c.want)
		}
		if rule == "" {
			t.Errorf("%s: no rule in words", c.why)
		}
	}
	refused := []struct {
		why, kind   string
		base, fen   int64
		field, text string
	}{
		{"第六条 农民党员不少于0.2元", KindFarmer, 0, 19, "amount_fen", "0.20元至1.00元(第六条)"},
		{"第六条 农民党员不超过1元", KindFarmer, 0, 101, "amount_fen", "0.20元至1.00元(第六条)"},
		{"第二条 在职党员须有基数", KindWage, 0, 0, "base_fen", "税后"},
		{"第五条 离退休党员须有基数", KindRetired, -1, 0, "base_fen", "离退休费总额或养老金总额"},
		{"基数有上限", KindWage, MaxBaseFen + 1, 0, "base_fen", "不超过"},
		{"少交的数额不超过1000元", KindHardship, 0, CapFen + 1, "amount_fen", "第七条"},
		{"类别须是规定中的", "soldier", 0, 0, "kind", "党员类别应为"},
	}
	for _, c := range refused {
		_, _, err := Monthly(c.kind, c.base, c.fen)
		ae, ok := apperr.As(err)
		if !ok || len(ae.Fields) != 1 || ae.Fields[0].Field != c.field || !strings.Contains(ae.Fields[0].Message, c.text) {
			t.Errorf("%s: %v, want a message on %s containing %q", c.why, err, c.field, c.text)
		}
	}
}

// Months count across a year's end.
func TestMonths(t *testing.T) {
	m := MonthIn(2025, 11)
	if m.Add(2) != MonthIn(2026, 1) || m.Add(-11) != MonthIn(2024, 12) || MonthIn(2026, 2).Since(m) != 3 {
		t.Fatalf("%v %v %v", m.Add(2), m.Add(-11), MonthIn(2026, 2).Since(m))
	}
	for in, want := range map[string]Month{"2026-05": 202605, "2026-5": 202605, "": 0} {
		if got, ok := ParseMonth(in); !ok || got != want {
			t.Errorf("ParseMonth(%q) = %v %v", in, got, ok)
		}
	}
	for _, bad := range []string{"2026-13", "2026-0", "26-05", "五月", "2026/05", "1899-12"} {
		if _, ok := ParseMonth(bad); ok {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
	if MonthIn(2026, 5).String() != "2026-05" || MonthIn(2026, 5).Chinese() != "2026年5月" {
		t.Fatal(MonthIn(2026, 5).String())
	}
}
