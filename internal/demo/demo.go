package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// Summary says what was loaded.
type Summary struct {
	Root    org.Org
	Street  org.Org       // the first street, for the street committee's demo account
	Branch  org.Org       // the first community branch, for the branch secretary's
	Member  member.Member // a full member of that branch, for the member's
	Orgs    int
	Units   int
	Members int
	Pending int
	// The branches and the people, for Work.
	branches []org.Org
	people   []member.Member
}

// Surnames by frequency (the hundred most common make up most of the population).
var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

// Given-name characters as parents choose them for a boy and for a girl:
// a name is drawn from its bearer's sex's, so that no man is called 秀英
// and no woman 志强. The characters both take (文, 晓, 嘉) are left out.
var (
	givenMale   = []rune("伟强磊军洋勇杰涛明超刚平华建国志博浩然宇轩俊远晨阳振卫东德光辉斌鹏飞峰波鑫宏胜庆海")
	givenFemale = []rune("芳娜秀英敏静丽艳娟兰霞桂燕红梅玉春涵欣怡萱雨桐琪佳珍淑凤婷雪慧颖琳倩")
)

var minorities = []string{"回族", "满族", "壮族", "蒙古族", "土家族", "苗族", "朝鲜族"}

type loader struct {
	ctx  context.Context
	r    *rand.Rand
	orgs *org.Service
	mem  *member.Service
	sum  Summary
	seq  int
	ids  map[string]bool
	now  date.Date
}

// Load fills an empty database through a's services. It refuses a database
// that already has organisations.
func Load(ctx context.Context, a *app.App, seed uint64, today time.Time) (Summary, error) {
	roots, err := a.Orgs.Roots(ctx, store.All)
	if err != nil {
		return Summary{}, err
	}
	if len(roots) > 0 {
		return Summary{}, fmt.Errorf("the database already holds organisations; demo data goes only into an empty database")
	}
	l := &loader{ctx: ctx, r: rand.New(rand.NewPCG(seed, seed^0x5eed)), orgs: a.Orgs, mem: a.Members, ids: map[string]bool{}, now: date.Of(today)}
	if err := l.city(); err != nil {
		return l.sum, err
	}
	return l.sum, nil
}

func (l *loader) org(parent *org.Org, name, typ, secretary string, manager *int64) (org.Org, error) {
	in := org.Input{Name: &name, Type: &typ, Secretary: &secretary, ManagerID: manager}
	code := fmt.Sprintf("0D%06d", l.sum.Orgs+1)
	in.Code = &code
	fd := date.New(1990+l.r.IntN(34), time.Month(1+l.r.IntN(12)), 1+l.r.IntN(28))
	in.FoundedOn = &fd
	if parent != nil {
		in.ParentID = &parent.ID
	}
	o, err := l.orgs.Create(l.ctx, store.All, in)
	if err != nil {
		return o, fmt.Errorf("organisation %s: %w", name, err)
	}
	l.sum.Orgs++
	return o, nil
}

// name draws the name of someone whose sex is not recorded (an
// organisation's secretary, a person in a work record).
func (l *loader) name() string { return anyName(l.r) }

// randomName draws a man's or a woman's name: common surnames more often,
// one or two given characters of the sex's.
func randomName(r *rand.Rand, male bool) string {
	s := surnames[min(r.IntN(len(surnames)), r.IntN(len(surnames)))]
	chars := givenFemale
	if male {
		chars = givenMale
	}
	given := string(chars[r.IntN(len(chars))])
	if r.IntN(3) > 0 {
		given += string(chars[r.IntN(len(chars))])
	}
	return string(s) + given
}

// anyName draws a man's or a woman's name, either as often.
func anyName(r *rand.Rand) string { return randomName(r, r.IntN(2) == 0) }

// idNumber makes a valid, unused number for a birth date and sex in the city's districts.
func (l *loader) idNumber(birth date.Date, male bool) string {
	for {
		l.seq++
		seq := l.r.IntN(500)*2 + map[bool]int{true: 1, false: 0}[male]
		first := fmt.Sprintf("3201%02d%s%03d", 2+l.r.IntN(14), birth.Time().Format("20060102"), seq)
		v := first + string(cnid.CheckChar(first))
		if !l.ids[v] {
			l.ids[v] = true
			return v
		}
	}
}

func (l *loader) phone() string {
	prefixes := []string{"138", "139", "135", "186", "177", "158", "151", "189"}
	return fmt.Sprintf("%s%08d", prefixes[l.r.IntN(len(prefixes))], l.r.IntN(100000000))
}

func (l *loader) day(fromYear, toYear int) date.Date {
	return date.New(fromYear+l.r.IntN(toYear-fromYear+1), time.Month(1+l.r.IntN(12)), 1+l.r.IntN(28))
}

var occupations = []string{"企业管理人员", "专业技术人员", "工人", "农牧渔民", "学生", "离退休人员", "个体经营者", "机关干部", "社区工作者", "教师"}

// person adds one person at a stage to o.
func (l *loader) person(o org.Org, stage string, unit *int64) (member.Member, error) {
	var birth date.Date
	switch stage {
	case "full":
		// Older members are fewer: two draws, the later kept more often.
		birth = l.day(1940, 1999)
		if b2 := l.day(1950, 1999); l.r.IntN(3) > 0 && b2.After(birth) {
			birth = b2
		}
	default:
		birth = l.day(1990, 2005)
	}
	male := l.r.IntN(100) >= 30
	eth := "汉族"
	if l.r.IntN(1000) < 75 {
		eth = minorities[l.r.IntN(len(minorities))]
	}
	edu := []string{"研究生", "大学本科", "大学本科", "大学专科", "大学专科", "中专", "高中", "初中及以下"}[l.r.IntN(8)]
	id := l.idNumber(birth, male)
	in := member.Input{OrgID: &o.ID, Name: strp(randomName(l.r, male)), IDNumber: &id, Ethnicity: &eth, Education: &edu,
		Phone: strp(l.phone()), Occupation: strp(occupations[l.r.IntN(len(occupations))]), UnitID: unit, Stage: &stage}
	adult := birth.AddYears(18)
	switch stage {
	case "full":
		j := l.day(max(adult.Year()+1, 1965), l.now.Year()-2)
		f := j.AddYears(1)
		in.JoinedOn, in.FullOn = &j, &f
	case "probationary":
		j := l.now.AddDate(0, -1-l.r.IntN(11), 0)
		in.JoinedOn = &j
	case "candidate":
		c := l.now.AddDate(0, -1-l.r.IntN(6), 0)
		in.CandidateOn = &c
	case "activist":
		a := l.now.AddDate(0, -1-l.r.IntN(20), 0)
		in.ActivistOn = &a
	case "applicant":
		a := l.now.AddDate(0, -1-l.r.IntN(10), 0)
		in.AppliedOn = &a
	}
	m, err := l.mem.Create(l.ctx, store.All, in)
	if err != nil {
		return m, fmt.Errorf("person in %s: %w", o.Name, err)
	}
	l.sum.Members++
	return m, nil
}

func strp(s string) *string { return &s }

func (l *loader) unit(owner org.Org, name, typ string, nonPublic bool, staff, members int, covering *int64) (org.Unit, error) {
	u, err := l.orgs.SaveUnit(l.ctx, store.All, 0, org.UnitInput{OrgID: &owner.ID, Name: &name, Type: &typ, NonPublic: &nonPublic,
		Staff: &staff, PartyMembers: &members, CoveringOrgID: covering, Address: strp(owner.Name + "辖区")})
	if err != nil {
		return u, fmt.Errorf("unit %s: %w", name, err)
	}
	l.sum.Units++
	return u, nil
}

// branch fills a branch with n people: mostly full members, a few
// probationary members and people in the pipeline.
func (l *loader) branch(o org.Org, n int, unit *int64) ([]member.Member, error) {
	var out []member.Member
	for i := 0; i < n; i++ {
		stage := "full"
		switch x := l.r.IntN(100); {
		case x < 3:
			stage = "probationary"
		case x < 5:
			stage = "candidate"
		case x < 8:
			stage = "activist"
		case x < 10:
			stage = "applicant"
		}
		m, err := l.person(o, stage, unit)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
