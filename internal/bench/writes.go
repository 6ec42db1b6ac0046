package bench

// What writes cost where a cluster spreads them: a letter received in another
// province, an organisation (a reference table) beside a work record.

import (
	"context"
	"fmt"
	"time"

	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// transfers: a member received by a branch of another province (their rows
// move to it: on a cluster a transaction over two workers) against one
// received within the province, letter issued and received each time.
func (s *Suite) transfers(ctx context.Context, _, county org.Org) error {
	const n = 40
	branch := func(cond string, args ...any) (int64, error) {
		var id int64
		err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE type = 'branch' AND dissolved_at IS NULL AND "+cond+" ORDER BY id LIMIT 1", args...).Scan(&id)
		return id, err
	}
	lo, hi := store.PathRange(county.Path)
	near, err := branch("path >= $1 AND path < $2", lo, hi)
	if err != nil {
		return fmt.Errorf("no branch in %s: %w", county.Name, err)
	}
	ids := store.PathIDs(county.Path)
	plo, phi := store.PathRange(store.ChildPath(store.ChildPath("/", ids[0]), ids[1]))
	far, err := branch("(path < $1 OR path >= $2) AND depth > 1", plo, phi)
	if err != nil {
		return fmt.Errorf("no branch in another province: %w", err)
	}
	// Full members of the county elsewhere than the receiving branch, with no letter pending.
	people, err := store.Query(ctx, s.DB, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT m.id FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2 AND m.province_id = $3
		AND m.stage = 'full' AND m.status = 'active' AND m.org_id <> $4 AND NOT EXISTS (SELECT 1 FROM transfers t
		WHERE t.province_id = m.province_id AND t.member_id = m.id AND t.status = 'pending') ORDER BY m.id LIMIT $5`,
		lo, hi, store.ProvinceOf(county.Path), near, 2*n)
	if err != nil {
		return err
	}
	if len(people) < 2*n {
		return fmt.Errorf("%d full members in %s, %d needed", len(people), county.Name, 2*n)
	}
	today := date.Of(time.Now())
	move := func(to int64) func(int) error {
		return func(i int) error {
			m := people[i]
			if to == far {
				m = people[n+i]
			}
			t, err := s.Members.Issue(ctx, store.All, member.IssueInput{MemberID: m, ToOrgID: to, IssuedOn: today, Reason: "性能测试"})
			if err != nil {
				return err
			}
			_, err = s.Members.Receive(ctx, store.All, t.ID, today)
			return err
		}
	}
	_, base99, err := timings(n, move(near))
	if err != nil {
		return err
	}
	p50, p99, err := timings(n, move(far))
	if err != nil {
		return err
	}
	s.add("letter issued and received in another province (p50 / p99)", ms(p50)+" / "+ms(p99), "within the province: "+ms(base99),
		fmt.Sprintf("%.1f× (p99)", float64(p99)/float64(max(base99, time.Microsecond))))
	return nil
}

// treeWrites: a new organisation (the tree is a reference table on a
// cluster: written on every node) against a work record of the same
// branch (one province's row).
func (s *Suite) treeWrites(ctx context.Context, _, county org.Org) error {
	lo, hi := store.PathRange(county.Path)
	var street int64
	if err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE depth = $1 AND path >= $2 AND path < $3 ORDER BY id LIMIT 1", county.Depth+1, lo, hi).Scan(&street); err != nil {
		return fmt.Errorf("no street in %s: %w", county.Name, err)
	}
	visits, _ := work.KindOf("visits")
	w := s.Work
	const n = 50
	_, base99, err := timings(n, func(int) error {
		_, err := w.Save(ctx, store.All, visits, 0, work.Input{"org_id": street, "kind": "visit", "visited_on": "2026-06-01", "visitor": "性能测试",
			"target_kind": "household", "target_name": "张家"})
		return err
	})
	if err != nil {
		return err
	}
	typ := "branch"
	p50, p99, err := timings(n, func(i int) error {
		name := fmt.Sprintf("性能测试党支部%d-%d", time.Now().UnixNano(), i)
		_, err := s.Orgs.Create(ctx, store.All, org.Input{ParentID: &street, Name: &name, Type: &typ})
		return err
	})
	if err != nil {
		return err
	}
	s.add("create an organisation (p50 / p99)", ms(p50)+" / "+ms(p99), "record a visit there: "+ms(base99),
		fmt.Sprintf("%.1f× (p99)", float64(p99)/float64(max(base99, time.Microsecond))))
	return nil
}
