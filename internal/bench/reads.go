package bench

// What reads cost: the maintained figures, the searches of the roster, a list page.

import (
	"context"
	"fmt"
	"time"

	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// figures: reading the maintained figures against counting the rows.
func (s *Suite) figures(ctx context.Context, root, county org.Org) error {
	for _, o := range []org.Org{root, county} {
		p50, p99, err := timings(500, func(int) error { _, err := stats.Read(ctx, s.DB, o.Path); return err })
		if err != nil {
			return err
		}
		lo, hi := store.PathRange(o.Path)
		count := func() error {
			rows, err := s.DB.QueryContext(ctx, `SELECT m.stage, m.sex, m.education, COUNT(*) FROM members m JOIN orgs x ON x.id = m.org_id
				WHERE x.path >= $1 AND x.path < $2 AND m.status = 'active' GROUP BY m.stage, m.sex, m.education`, lo, hi)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}
		start := time.Now()
		if err := count(); err != nil {
			return err
		}
		recount := time.Since(start)
		s.add("figures of "+o.Name+" (p50 / p99)", ms(p50)+" / "+ms(p99), "count the rows: "+ms(recount), fmt.Sprintf("%.0f× faster (p99)", float64(recount)/float64(max(p99, time.Microsecond))))
	}
	return nil
}

func (s *Suite) sample(ctx context.Context, n int) ([]member.Member, error) {
	var out []member.Member
	var maxID int64
	if err := s.DB.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM members").Scan(&maxID); err != nil {
		return nil, err
	}
	for i := 0; i < n && maxID > 0; i++ {
		m, err := s.Members.Get(ctx, store.All, 1+int64(i)*maxID/int64(n))
		if err == nil {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no members to search for")
	}
	return out, nil
}

// search: exact ID, pinyin initials, full-pinyin and name prefixes anywhere; a name substring in a county.
func (s *Suite) search(ctx context.Context, root, county org.Org) error {
	sample, err := s.sample(ctx, 200)
	if err != nil {
		return err
	}
	_, base99, err := timings(len(sample), func(i int) error { _, err := s.Members.Get(ctx, store.All, sample[i].ID); return err })
	if err != nil {
		return err
	}
	baseline := "read one member by key: " + ms(base99)
	cases := []struct {
		name  string
		sc    store.Scope
		query func(m member.Member) member.Filter
	}{
		{"search exact ID number, whole tree", store.All, func(m member.Member) member.Filter { return member.Filter{Q: m.IDNumber} }},
		{"search pinyin initials prefix, whole tree", store.All, func(m member.Member) member.Filter { return member.Filter{Q: m.Initials} }},
		{"search full pinyin prefix, whole tree", store.All, func(m member.Member) member.Filter { return member.Filter{Q: m.Pinyin[:min(4, len(m.Pinyin))]} }},
		{"search name prefix (two characters), whole tree", store.All, func(m member.Member) member.Filter {
			r := []rune(m.Name)
			return member.Filter{Q: string(r[:min(2, len(r))])}
		}},
		{"search name substring, in a county", store.ScopeOf(county.Path), func(m member.Member) member.Filter {
			r := []rune(m.Name)
			return member.Filter{Q: string(r[len(r)-1:])}
		}},
	}
	for _, c := range cases {
		_, p99, err := timings(len(sample), func(i int) error {
			_, err := s.Members.List(ctx, c.sc, c.query(sample[i]), store.Page{Size: 20})
			return err
		})
		if err != nil {
			return err
		}
		s.add(c.name+" (p99)", ms(p99), baseline, fmt.Sprintf("%.1f×", float64(p99)/float64(max(base99, time.Microsecond))))
	}
	return nil
}

// listPage: a filtered, sorted roster page of a county.
func (s *Suite) listPage(ctx context.Context, _, county org.Org) error {
	_, base99, err := timings(100, func(int) error { _, err := s.Orgs.Get(ctx, store.All, county.ID); return err })
	if err != nil {
		return err
	}
	_, p99, err := timings(100, func(i int) error {
		_, err := s.Members.List(ctx, store.All, member.Filter{OrgID: county.ID, Category: "full", Sort: "name"}, store.Page{Number: 1 + i%5, Size: 20})
		return err
	})
	if err != nil {
		return err
	}
	s.add("filtered list page of a county (p99)", ms(p99), "read the county: "+ms(base99), fmt.Sprintf("%.1f×", float64(p99)/float64(max(base99, time.Microsecond))))
	return nil
}
