package demo

import (
	"fmt"

	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

type streetPlan struct {
	name        string
	township    bool
	communities []string
}

var districts = []struct {
	name    string
	streets []streetPlan
}{
	{"东湖区委", []streetPlan{
		{"和平街道党工委", false, []string{"和平里", "光明", "幸福"}},
		{"人民路街道党工委", false, []string{"人民路", "解放", "长青"}},
		{"青山镇党委", true, []string{"青山村", "柳溪村", "石桥村"}},
	}},
	{"西江区委", []streetPlan{
		{"新华街道党工委", false, []string{"新华", "文昌", "滨江"}},
		{"城南街道党工委", false, []string{"城南", "丽景", "华苑"}},
	}},
}

var enterprises = []string{"明达科技有限公司", "恒信物流有限公司", "瑞丰食品有限公司", "华远建设工程有限公司", "新锐信息技术有限公司",
	"金禾农业发展有限公司", "宏图印务有限公司", "安泰物业管理有限公司", "德润医药连锁有限公司", "博雅教育咨询有限公司"}

// city builds the whole demo city.
func (l *loader) city() error {
	root, err := l.org(nil, "滨江市委", "committee", "周建国", nil)
	if err != nil {
		return err
	}
	l.sum.Root = root
	var allBranches []org.Org
	var movers []member.Member
	ent := 0
	for _, d := range districts {
		dist, err := l.org(&root, d.name, "committee", l.name(), nil)
		if err != nil {
			return err
		}
		// A district agency branch.
		agency, err := l.org(&dist, d.name[:len(d.name)-len("区委")]+"区机关党支部", "branch", l.name(), nil)
		if err != nil {
			return err
		}
		if _, err := l.branch(agency, 60, nil); err != nil {
			return err
		}
		for _, sp := range d.streets {
			typ := "working_committee"
			if sp.township {
				typ = "committee"
			}
			street, err := l.org(&dist, sp.name, typ, l.name(), nil)
			if err != nil {
				return err
			}
			for _, c := range sp.communities {
				name, utype := c+"社区党委", "community"
				if sp.township {
					name, utype = c+"党总支", "village"
				}
				comm, err := l.org(&street, name, map[bool]string{true: "general_branch", false: "committee"}[sp.township], l.name(), nil)
				if err != nil {
					return err
				}
				cu, err := l.unit(street, c+map[bool]string{true: "", false: "社区居委会"}[sp.township], utype, false, 10+l.r.IntN(20), 0, &comm.ID)
				if err != nil {
					return err
				}
				for i := 1; i <= 4; i++ {
					b, err := l.org(&comm, fmt.Sprintf("%s第%d党支部", c, i), "branch", l.name(), nil)
					if err != nil {
						return err
					}
					ms, err := l.branch(b, 22+l.r.IntN(12), &cu.ID)
					if err != nil {
						return err
					}
					if l.sum.Branch.ID == 0 && !sp.township {
						l.sum.Street, l.sum.Branch = street, b
						for _, m := range ms {
							if m.Stage == "full" && l.sum.Member.ID == 0 {
								l.sum.Member = m
							}
						}
					}
					allBranches = append(allBranches, b)
					movers = append(movers, ms...)
				}
			}
			if sp.township {
				continue
			}
			// A market branch (E1) and the street's non-public enterprises (E2, E3).
			mkt, err := l.org(&street, sp.name[:len(sp.name)-len("街道党工委")]+"农贸市场党支部", "branch", l.name(), &street.ID)
			if err != nil {
				return err
			}
			mu, err := l.unit(street, sp.name[:len(sp.name)-len("街道党工委")]+"农贸市场", "market", true, 300+l.r.IntN(200), 12+l.r.IntN(6), &mkt.ID)
			if err != nil {
				return err
			}
			if _, err := l.branch(mkt, 14, &mu.ID); err != nil {
				return err
			}
			joint, err := l.org(&street, sp.name[:len(sp.name)-len("街道党工委")]+"非公企业联合党支部", "joint_branch", l.name(), &street.ID)
			if err != nil {
				return err
			}
			for i := 0; i < 4; i++ {
				name := enterprises[ent%len(enterprises)]
				if ent >= len(enterprises) {
					name = "第二" + name
				}
				ent++
				var cover *int64
				members := l.r.IntN(6)
				switch i {
				case 0, 1:
					cover = &joint.ID
					members += 3
				case 2:
					members += 1 // 有党员无组织
				case 3:
					members = 0 // 有企业无党员
				}
				u, err := l.unit(street, name, "enterprise", true, 20+l.r.IntN(300), members, cover)
				if err != nil {
					return err
				}
				if cover != nil {
					if _, err := l.branch(joint, members, &u.ID); err != nil {
						return err
					}
				}
			}
		}
	}
	l.sum.branches = allBranches
	if err := l.activity(allBranches, movers); err != nil {
		return err
	}
	// Re-read the people: the activity changed some (flowing out, transferred).
	for i, m := range movers {
		if movers[i], err = l.mem.Get(l.ctx, store.All, m.ID); err != nil {
			return err
		}
	}
	l.sum.people = movers
	return nil
}

// activity adds mobile members and transfer letters.
func (l *loader) activity(branches []org.Org, people []member.Member) error {
	var full []member.Member
	for _, m := range people {
		if m.Stage == "full" && m.ID != l.sum.Member.ID {
			full = append(full, m)
		}
	}
	l.r.Shuffle(len(full), func(i, j int) { full[i], full[j] = full[j], full[i] })
	places := []string{"广东省深圳市南山区", "上海市浦东新区", "浙江省杭州市余杭区", "江苏省苏州市工业园区", "北京市朝阳区", "四川省成都市高新区"}
	k := 0
	// About 3% flow out.
	for ; k < len(full)*3/100; k++ {
		m := full[k]
		if _, err := l.mem.RegisterMobile(l.ctx, store.All, member.MobileInput{Kind: "out", MemberID: m.ID,
			PresentPlace: places[l.r.IntN(len(places))], Contact: "手机 " + l.phone(), Since: l.now.AddDate(0, -1-l.r.IntN(30), 0)}); err != nil {
			return err
		}
	}
	// In-flow registrations at a few community branches.
	for i := 0; i < 12; i++ {
		b := branches[l.r.IntN(len(branches))]
		if _, err := l.mem.RegisterMobile(l.ctx, store.All, member.MobileInput{Kind: "in", OrgID: b.ID, Name: l.name(),
			RelationPlace: []string{"安徽省阜阳市某村党支部", "河南省周口市某村党支部", "湖北省黄冈市某社区党支部"}[l.r.IntN(3)],
			Contact:       "手机 " + l.phone(), Since: l.now.AddDate(0, -1-l.r.IntN(24), 0)}); err != nil {
			return err
		}
	}
	// Letters: received inside the system, pending (a few long overdue), and to outside.
	for i := 0; i < 16 && k < len(full); i, k = i+1, k+1 {
		m := full[k]
		dest := branches[l.r.IntN(len(branches))]
		if dest.ID == m.OrgID {
			continue
		}
		in := member.IssueInput{MemberID: m.ID, ToOrgID: dest.ID, IssuedOn: l.now.AddDate(0, 0, -5-l.r.IntN(200)), Reason: "居住地变更"}
		if i%4 == 3 {
			in.ToOrgID, in.ToText = 0, places[l.r.IntN(len(places))]+"某党支部"
		}
		t, err := l.mem.Issue(l.ctx, store.All, in)
		if err != nil {
			return err
		}
		if i%2 == 0 && in.ToOrgID != 0 {
			if _, err := l.mem.Receive(l.ctx, store.All, t.ID, t.IssuedOn.AddDate(0, 0, 3)); err != nil {
				return err
			}
			continue
		}
		l.sum.Pending++
	}
	return nil
}
