package stats

// A person's recorded history as the period's figures read it: what
// someone adds to a period at the organisation they were in on each day,
// their letters received and changes of standing, and the walk of every
// person from their first recorded event that RecountAnnual makes.

import (
	"context"
	"database/sql"
	"sort"
	"strconv"

	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// person is what the period's figures read of someone on the roster.
type person struct {
	id, org, prov                            int64
	sex, eth, edu, occ, stage, status        string
	birth                                    date.Date
	applied, activist, candidate, joined, fl date.Date
}

// letter is a received letter of a person: from and to are 0 outside the system.
type letter struct {
	from, to int64
	on       date.Date
}

// step is a recorded change of a person's standing (a pipeline action).
type step struct {
	action string
	on     date.Date
}

// adds counts a person's dated events of the days from..to at the
// organisations orgAt gives (0: outside the system, not counted).
func (p person) adds(from, to date.Date, steps []step, orgAt func(date.Date) int64, add func(org int64, key string)) {
	in := func(d date.Date) bool { return !d.IsZero() && !d.Before(from) && !d.After(to) }
	for _, e := range []struct {
		code string
		on   date.Date
	}{{"apply", p.applied}, {"activist", p.activist}, {"candidate", p.candidate}, {"admit", p.joined}, {"confirm", p.fl}} {
		if !in(e.on) {
			continue
		}
		org := orgAt(e.on)
		if org == 0 {
			continue
		}
		add(org, ADev+e.code)
		if e.code != "admit" {
			continue
		}
		add(org, AIn+"admit")
		for _, k := range p.admitKeys() {
			add(org, k)
		}
	}
	for _, s := range steps {
		if !in(s.on) {
			continue
		}
		if org := orgAt(s.on); org != 0 {
			if s.action == "restore" {
				add(org, AIn+s.action)
			} else {
				add(org, AOut+s.action)
			}
		}
	}
}

// admitKeys are the keys of one admission: its age band, education and occupation.
func (p person) admitKeys() []string {
	keys := []string{admitAge + strconv.Itoa(AdmitAges[bandIn(AdmitAges, ageOn(p.birth, p.joined))].Min), admitEdu + p.edu, admitOcc + occupationOf(p.occ)}
	if p.sex == "female" {
		keys = append(keys, AAdmitBy+"female")
	}
	if p.eth != "汉族" {
		keys = append(keys, AAdmitBy+"minority")
	}
	if vocab.CollegeOrAbove(p.edu) {
		keys = append(keys, AAdmitBy+"college")
	}
	return keys
}

// ageOn is the age in full years on day d of someone born on birth.
func ageOn(birth, d date.Date) int {
	a := d.Year() - birth.Year()
	if d.Time().YearDay() < birth.Time().AddDate(d.Year()-birth.Year(), 0, 0).YearDay() {
		a--
	}
	return a
}

func occupationOf(occ string) string {
	if _, ok := vocab.Occupations.Parse(occ); ok {
		return occ
	}
	return OtherOccupation
}

// standingSteps are the pipeline actions that change whether someone is a member.
var standingSteps = "('" + keyCancel + "', 'death', 'expel', 'remove', 'withdraw', 'suspend', 'restore')"

const personCols = `m.id, m.org_id, m.province_id, m.sex, m.ethnicity, m.education, m.occupation, m.stage, m.status, m.birth_date,
	m.applied_on, m.activist_on, m.candidate_on, m.joined_on, m.full_on`

func scanPerson(sc func(...any) error) (person, error) {
	var p person
	err := sc(&p.id, &p.org, &p.prov, &p.sex, &p.eth, &p.edu, &p.occ, &p.stage, &p.status, &p.birth,
		&p.applied, &p.activist, &p.candidate, &p.joined, &p.fl)
	return p, err
}

// receivedLetters reads the received letters of the people cond selects,
// each person's in the order received.
func receivedLetters(ctx context.Context, q store.Querier, cond string) (map[int64][]letter, error) {
	out := map[int64][]letter{}
	err := each(ctx, q, "the letters received", `SELECT t.member_id, t.from_org_id, t.to_org_id, t.received_on FROM transfers t
		WHERE t.status = 'received' AND t.member_id IS NOT NULL`+cond+` ORDER BY t.member_id, t.received_on, t.id`, func(sc func(...any) error) error {
		var id int64
		var from, to sql.NullInt64
		var l letter
		if err := sc(&id, &from, &to, &l.on); err != nil {
			return err
		}
		l.from, l.to = from.Int64, to.Int64
		out[id] = append(out[id], l)
		return nil
	})
	return out, err
}

// standing reads the recorded changes of standing of the people cond selects.
func standing(ctx context.Context, q store.Querier, cond string) (map[int64][]step, error) {
	out := map[int64][]step{}
	err := each(ctx, q, "the changes of standing", `SELECT e.member_id, e.action, e.on_date FROM stage_events e WHERE e.action IN `+standingSteps+cond+` ORDER BY e.member_id, e.on_date, e.id`,
		func(sc func(...any) error) error {
			var id int64
			var s step
			err := sc(&id, &s.action, &s.on)
			out[id] = append(out[id], s)
			return err
		})
	return out, err
}

// orgPaths reads the paths of the organisations the letters name.
func orgPaths(ctx context.Context, q store.Querier, letters map[int64][]letter) (map[int64]string, error) {
	seen := map[int64]bool{}
	list := ""
	for _, ls := range letters {
		for _, l := range ls {
			for _, id := range []int64{l.from, l.to} {
				if id != 0 && !seen[id] {
					if len(seen) > 0 {
						list += ", "
					}
					seen[id] = true
					list += strconv.FormatInt(id, 10)
				}
			}
		}
	}
	out := map[int64]string{}
	if list == "" {
		return out, nil
	}
	err := each(ctx, q, "the paths of the letters' organisations", "SELECT id, path FROM orgs WHERE id IN ("+list+")", func(sc func(...any) error) error {
		var id int64
		var p string
		err := sc(&id, &p)
		out[id] = p
		return err
	})
	return out, err
}

// RecountAnnual computes the period figures of every organisation's own
// rows (not its subtree's) from all the rows, without the maintained
// figures: each person's history is walked from their first recorded event
// to now — admitted, moved by each letter received, leaving and coming back
// by each change of standing — and the people counted who were members the
// day before from and on to. Strays lists the people whose walk does not
// end where the roster has them now (none when every change was recorded).
func RecountAnnual(ctx context.Context, q store.Querier, from, to date.Date) (own Figures, strays []int64, err error) {
	own = Figures{}
	add := func(org int64, key string) { own.Add(org, []string{key}, 1) }
	letters, err := receivedLetters(ctx, q, "")
	if err != nil {
		return nil, nil, err
	}
	steps, err := standing(ctx, q, "")
	if err != nil {
		return nil, nil, err
	}
	before := from.AddDate(0, 0, -1)
	err = each(ctx, q, "the people for the recount", `SELECT `+personCols+` FROM members m`, func(sc func(...any) error) error {
		p, err := scanPerson(sc)
		if err != nil {
			return err
		}
		ls, ss := letters[p.id], steps[p.id]
		p.adds(from, to, ss, walkOrg(p, ls), add)
		for _, l := range ls {
			if l.on.Before(from) || l.on.After(to) {
				continue
			}
			if l.from != 0 {
				add(l.from, AOut+"transfer")
			}
			if l.to != 0 {
				add(l.to, AIn+"transfer")
			}
		}
		w := walk(p, ls, ss)
		for _, d := range []struct {
			day date.Date
			key string
		}{{before, AStart}, {to, AEnd}} {
			if org := w(d.day); org != 0 {
				add(org, d.key)
			}
		}
		now := w(date.New(date.MaxYear, 12, 31))
		if want := map[bool]int64{true: p.org, false: 0}[p.status == "active" && IsMember(p.stage)]; now != want {
			strays = append(strays, p.id)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = each(ctx, q, "the organisations for the recount", "SELECT o.id, o.type, o.founded_on, o.dissolved_at FROM orgs o", func(sc func(...any) error) error {
		var id int64
		var typ string
		var founded date.Date
		var dissolved sql.NullTime
		if err := sc(&id, &typ, &founded, &dissolved); err != nil {
			return err
		}
		countOrg(typ, founded, dissolved, before, to, func(key string) { add(id, key) })
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = each(ctx, q, "the mobile records for the recount", "SELECT r.org_id, r.kind, r.since, r.ended_on FROM mobile_records r", func(sc func(...any) error) error {
		var org int64
		var kind string
		var since, ended date.Date
		if err := sc(&org, &kind, &since, &ended); err != nil {
			return err
		}
		countMobile(kind, since, ended, before, to, func(key string) { add(org, key) })
		return nil
	})
	sort.Slice(strays, func(i, j int) bool { return strays[i] < strays[j] })
	return own, strays, err
}

// walkOrg gives the organisation someone belonged to on a day, walking
// their letters forward from the first one's issuing side.
func walkOrg(p person, ls []letter) func(date.Date) int64 {
	return func(d date.Date) int64 {
		org := p.org
		if len(ls) > 0 {
			org = ls[0].from
		}
		for _, l := range ls {
			if !l.on.Before(d) {
				break
			}
			org = l.to
		}
		return org
	}
}

// walk gives the organisation someone was a member of on a day (0: not a
// member, or outside the system): their admission, letters and changes of
// standing taken in order, a day's own events before its letters. Someone
// whose first event is a leaving or a letter was a member before it.
func walk(p person, ls []letter, ss []step) func(date.Date) int64 {
	type event struct {
		on    date.Date
		order int
		apply func(member *bool, org *int64)
	}
	var evs []event
	if !p.joined.IsZero() {
		evs = append(evs, event{p.joined, 0, func(m *bool, _ *int64) { *m = true }})
	}
	for _, s := range ss {
		restore := s.action == "restore"
		evs = append(evs, event{s.on, 1, func(m *bool, _ *int64) { *m = restore }})
	}
	for _, l := range ls {
		to := l.to
		evs = append(evs, event{l.on, 2, func(_ *bool, org *int64) { *org = to }})
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].on != evs[j].on {
			return evs[i].on.Before(evs[j].on)
		}
		return evs[i].order < evs[j].order
	})
	org0 := p.org
	if len(ls) > 0 {
		org0 = ls[0].from
	}
	member0 := len(evs) > 0 && evs[0].order != 0 && IsMember(p.stage)
	if len(evs) == 0 {
		member0 = p.status == "active" && IsMember(p.stage)
	}
	return func(d date.Date) int64 {
		member, org := member0, org0
		for _, e := range evs {
			if e.on.After(d) {
				break
			}
			e.apply(&member, &org)
		}
		if !member {
			return 0
		}
		return org
	}
}
