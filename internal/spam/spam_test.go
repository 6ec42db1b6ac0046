package spam

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNormalizeUndoesDisguises(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"澳門博彩,註冊送彩金", "澳门博彩注册送彩金"},
		{"ｗｗｗ．ｊｓ８８８．ｃｏｍ", "www.js888.com"},
		{"博 * 彩·娱|乐_城", "博彩娱乐城"},
		{"加威信领取", "加微信领取"},
		{"扣扣群 12345678", "qq群12345678"},
		{"菠菜平台 bo cai", "博彩平台博彩"},
		{"①③⑧", "138"},
	} {
		if got := Normalize(c.in).Compact; got != c.want {
			t.Errorf("Normalize(%q).Compact = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRulesAMOderatorReads(t *testing.T) {
	v := Trained().Check("", "澳门新葡京 www.xpj888.vip 注册送彩金,加 V信 xpj8888 领取,电话13800001111")
	if !v.Held {
		t.Fatalf("plain gambling spam not held: %+v", v)
	}
	rules := map[string]string{}
	for _, r := range v.Reasons {
		rules[r.Rule] += r.Label + ":" + r.Detail + ";"
	}
	for _, want := range []string{"link", "contact", "vocabulary", "model"} {
		if rules[want] == "" {
			t.Errorf("no %s reason in %+v", want, v.Reasons)
		}
	}
	if !strings.Contains(rules["contact"], "138****1111") || strings.Contains(rules["contact"], "13800001111") {
		t.Errorf("a phone number in the reasons is not masked: %s", rules["contact"])
	}
	if v := Trained().Check("", "菠 菜 平 台,真 人 荷 官"); !v.Held {
		t.Errorf("homophone and spaced spam not held: %+v", v)
	}
	// A citizen reporting the same advertisement, its words and address, is not held.
	report := "我要举报,小区电梯里贴着澳门新葡京注册送彩金的广告,网址www.xpj888.vip,请公安部门查处"
	if v := Trained().Check("", report); v.Held {
		t.Errorf("a report of spam is held: %+v", v)
	}
}

// The pitches are read by their literals first and by the expressions
// only where those literals are: what they find is what the whole
// expressions find, on every labelled text as written and disguised.
func TestPitchesReadByLiterals(t *testing.T) {
	s, h := Seeds()
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, x := range append(s, h...) {
		for _, f := range []int{0, len(Forms) - 1} {
			c := neutralPhrases.Replace(Normalize(Forms[f].Fn(x, rnd)).Compact)
			holds := literalsIn(c)
			for _, p := range Pitches {
				if want, got := distinct(p.Re.FindAllString(c, -1)), p.find(c, holds); !slices.Equal(want, got) {
					t.Errorf("%s in %q: the expression finds %q, the literals and cues %q", p.Label, c, want, got)
				}
			}
		}
	}
}

// Soft-sell written as a proposal or a citizen's experience, with a brand,
// a shop or a contact, and an urgent transfer asked in a teacher's or a
// boss's voice, are held; a citizen who asks whether such an offer is
// 传销 or a fraud, quoting it, or who asks about a tax relief, is not.
// None of these texts is in the labelled set.
func TestSoftSellAndUrgentTransfer(t *testing.T) {
	m := Trained()
	for _, x := range []string{
		"给政协提个建议：现在孩子近视越来越多，我家孩子戴了“明眸”护眼仪三个月，度数降了一百度，建议学校统一配备，家长可以先去旗舰店体验，报我名字打九折，门店在人民路88号",
		"建议大家关注养老问题，我参加了“福满堂”组织的免费旅游和健康讲座，老师讲得很好，还送了鸡蛋和挂面，下个月还有，想去的叔叔阿姨可以打电话 13912346677 报名",
		"家长您好，我是三年二班的王老师，学校统一订购的校服和练习册需要补交费用380元，请今天下午五点前转到学校财务个人账户，逾期不能参加期末考试",
		"经理，我换了新号码，这是我的新微信，公司有一笔货款要紧急支付给供应商，你马上按这个卡号转过去，办完截图给我，不要打电话",
	} {
		for _, title := range []string{"来信反映", "建议"} {
			if v := m.Check(title, x); !v.Held {
				t.Errorf("spam not held under %s: %s (%+v)", title, x, v)
			}
		}
	}
	for _, x := range []string{
		"您好，我朋友推荐我投资一个叫“金牛链”的项目，说三个月收益翻倍，拉人进来还有提成，这是不是传销？",
		"我父亲最近总去听一个叫“福满堂”的健康讲座，对方说买他们的磁疗枕头能治失眠，一个要三千八，还说先交钱可以免费旅游，请问这是不是骗局？",
		"我昨天收到短信，自称孩子班主任，说要补交校服费转到个人账户，我打电话问了学校根本没有这回事，建议教育局提醒家长",
		"咨询一下新能源汽车购置税减免政策今年还有吗，以旧换新的补贴怎么申请？",
		"我是个体户，想问一下小微企业税收优惠政策怎么申请，需要带哪些材料",
	} {
		for _, title := range []string{"来信反映", "咨询"} {
			if v := m.Check(title, x); v.Held {
				t.Errorf("a genuine letter held under %s: %s (%+v)", title, x, v)
			}
		}
	}
}

// The rates the issue asks for, on the held-out set alone: texts the model
// never learnt and the rules were never tuned on, each sent under a
// neutral title and under its own first words.
func TestHeldShares(t *testing.T) {
	// No held-out text is one the model learns. A set that was measured is
	// learnt whole, and then measures nothing until the next set replaces it.
	learnt := map[string]bool{}
	s, h := Seeds()
	for _, x := range append(s, h...) {
		learnt[Normalize(x).Compact] = true
	}
	hs, hh := HeldOut()
	var overlap []string
	for _, x := range append(hs, hh...) {
		if learnt[Normalize(x).Compact] {
			overlap = append(overlap, x)
		}
	}
	if len(overlap) == len(hs)+len(hh) {
		t.Skip("the held-out set was measured and is now learnt; the next set is measured when it replaces it")
	}
	for _, x := range overlap {
		t.Errorf("a held-out text is in the training set: %s", x)
	}
	r := Evaluate()
	t.Logf("spam held %d/%d (%.1f%%), genuine held %d/%d (%.1f%%), by title %v", r.SpamHeld, r.Spam, 100*r.SpamShare(), r.HamHeld, r.Ham, 100*r.HamShare(), r.ByTitle)
	// The target is 99 %; the seventh held-out set, measured once,
	// gave 99.5 % of spam and 0.0 % of letters (docs/BENCHMARKS.md). The
	// floor keeps what was measured from slipping.
	if r.SpamShare() < 0.995 {
		t.Errorf("spam held %.1f%%, want ≥ 99.5%% (as measured); missed: %q", 100*r.SpamShare(), r.Missed)
	}
	if r.HamShare() > 0.02 {
		t.Errorf("genuine letters held %.1f%%, want ≤ 2%%: %q", 100*r.HamShare(), r.Mistaken)
	}
	for _, by := range []map[string][2]int{r.ByForm, r.ByTitle} {
		for name, c := range by {
			if c[0] < c[1]*99/100 {
				t.Errorf("spam %s held %d of %d", name, c[0], c[1])
			}
		}
	}
}

func TestModeratorsTeachTheModel(t *testing.T) {
	m := Trained()
	text := "周末文化广场有旧物交换集市,欢迎街坊带上闲置物品"
	before := m.Check("", text).Score
	for range 5 {
		m.Learn(text, true)
	}
	if after := m.Check("", text).Score; after <= before {
		t.Errorf("score %d after learning, was %d", after, before)
	}
	if h, s := Trained().Samples(); h == 0 || s == 0 {
		t.Errorf("the trained model learnt %d genuine and %d spam texts", h, s)
	}
}

func TestProofOfWork(t *testing.T) {
	w := Work{Key: []byte("0123456789abcdef0123456789abcdef"), MaxNumber: 2000, TTL: time.Minute}
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	c := w.New(now)
	s, ok := Solve(c)
	if !ok {
		t.Fatal("challenge not solvable")
	}
	key, err := w.Verify(s.Encode(), now.Add(30*time.Second))
	if err != nil || key != c.Challenge {
		t.Fatalf("a right solution refused: %v", err)
	}
	if _, err := w.Verify(s.Encode(), now.Add(2*time.Minute)); err == nil {
		t.Error("an expired solution accepted")
	}
	wrong := s
	wrong.Number++
	if _, err := w.Verify(wrong.Encode(), now); err == nil {
		t.Error("a wrong number accepted")
	}
	forged := s
	forged.Signature = strings.Repeat("0", 64)
	if _, err := w.Verify(forged.Encode(), now); err == nil {
		t.Error("a forged signature accepted")
	}
	other := Work{Key: []byte("another key of thirty-two bytes!"), MaxNumber: 2000, TTL: time.Minute}
	if _, err := other.Verify(s.Encode(), now); err == nil {
		t.Error("a solution of another server's key accepted")
	}
	if _, err := w.Verify("not base64!", now); err == nil {
		t.Error("garbage accepted")
	}
}

// The learnt part, in five folds: each fold checked by a model that learnt
// the other four alone. It is the figure a change to the rules or the model
// is first tried on, before the held-out set is measured.
func TestCrossValidated(t *testing.T) {
	r := CrossValidate(5)
	t.Logf("5-fold on the learnt part: spam held %d/%d (%.1f%%), genuine held %d/%d (%.1f%%)", r.SpamHeld, r.Spam, 100*r.SpamShare(), r.HamHeld, r.Ham, 100*r.HamShare())
	// Measured 99.8 % and 0.1 % with the fifth set learnt (docs/BENCHMARKS.md);
	// the floors keep it from slipping.
	if r.SpamShare() < 0.995 {
		t.Errorf("spam held %.1f%% in cross-validation, want ≥ 99.5%%; missed: %q", 100*r.SpamShare(), r.Missed)
	}
	if r.HamShare() > 0.005 {
		t.Errorf("genuine letters held %.1f%% in cross-validation, want ≤ 0.5%%: %q", 100*r.HamShare(), r.Mistaken)
	}
}

// What one check costs: each held-out text sent as a letter under the
// neutral title, by a trained model.
func BenchmarkCheck(b *testing.B) {
	m := Trained()
	spam, ham := HeldOut()
	texts := append(spam, ham...)
	b.ResetTimer()
	for i := range b.N {
		m.Check("来信反映", texts[i%len(texts)])
	}
}
