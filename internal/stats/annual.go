package stats

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// The keys of a period's figures (the annual statistics tables), apart from
// the maintained ones. A person's event is counted at the organisation the
// person belonged to on its day: the current one, or, when a letter received
// since moved them, the issuing side of the first letter received on or
// after that day (events of a day come before the letters received that day).
const (
	AIn       = "a.in:"  // 党员增加 by reason: admit, transfer, restore
	AOut      = "a.out:" // 党员减少 by reason: death, expel, remove, withdraw, cancel, suspend, transfer
	AStart    = "a.start"
	AEnd      = "a.end"
	ADev      = "a.dev:"    // the pipeline's dates in the period: apply, activist, candidate, admit, confirm
	AAdmitBy  = "a.admit:"  // those admitted, by female, minority, college, age:<band>, edu:<code>, occ:<label>
	AOrgs     = "a.orgs:"   // start, new, dissolved, end, type:<code> (at the end)
	AMobile   = "a.mobile:" // <kind>:start, <kind>:new, <kind>:ended, <kind>:end for kind out and in
	admitAge  = AAdmitBy + "age:"
	admitEdu  = AAdmitBy + "edu:"
	admitOcc  = AAdmitBy + "occ:"
	orgType   = AOrgs + "type:"
	keyDeath  = "death"
	keyCancel = "cancel"
)

// Reasons of 党员增加 and 党员减少, in the tables' order, with the pipeline
// actions that record them (transfer: a received letter).
var (
	InReasons  = vocab.Enum{{Code: "admit", Label: "发展党员"}, {Code: "transfer", Label: "转入组织关系"}, {Code: "restore", Label: "恢复党籍"}}
	OutReasons = vocab.Enum{{Code: keyDeath, Label: "死亡"}, {Code: "expel", Label: "开除党籍"}, {Code: "remove", Label: "除名"},
		{Code: "withdraw", Label: "退党"}, {Code: keyCancel, Label: "取消预备党员资格"}, {Code: "suspend", Label: "停止党籍"},
		{Code: "transfer", Label: "转出组织关系"}}
	// DevSteps are the pipeline's dates counted in the development table.
	DevSteps = vocab.Enum{{Code: "apply", Label: "申请入党"}, {Code: "activist", Label: "确定为入党积极分子"},
		{Code: "candidate", Label: "列为发展对象"}, {Code: "admit", Label: "发展党员"}, {Code: "confirm", Label: "预备党员转正"}}
)

// AdmitAges are the bands of the age at admission in the development table.
var AdmitAges = []AgeBand{
	{0, 25, "25岁及以下"}, {26, 30, "26至30岁"}, {31, 35, "31至35岁"}, {36, 40, "36至40岁"},
	{41, 45, "41至45岁"}, {46, 50, "46至50岁"}, {51, 0, "51岁及以上"},
}

// OtherOccupation is the column of the occupations not in vocab.Occupations.
const OtherOccupation = "其他职业"

// Annual computes the period figures of the subtree at path for the days
// from..to; members is the subtree's maintained count of members now, from
// which the count at the end is taken back by the changes since.
func Annual(ctx context.Context, q store.Querier, path string, from, to date.Date, members int64) (map[string]int64, error) {
	out := map[string]int64{}
	if err := periodChanges(ctx, q, path, from, to, out); err != nil {
		return nil, err
	}
	since := map[string]int64{}
	if err := periodChanges(ctx, q, path, to.AddDate(0, 0, 1), date.New(date.MaxYear, 12, 31), since); err != nil {
		return nil, err
	}
	out[AEnd] = members
	for _, r := range InReasons {
		out[AEnd] -= since[AIn+r.Code]
	}
	for _, r := range OutReasons {
		out[AEnd] += since[AOut+r.Code]
	}
	out[AStart] = out[AEnd]
	for _, r := range InReasons {
		out[AStart] -= out[AIn+r.Code]
	}
	for _, r := range OutReasons {
		out[AStart] += out[AOut+r.Code]
	}
	if err := orgsAndMobile(ctx, q, path, from, to, out); err != nil {
		return nil, err
	}
	return out, nil
}

// periodChanges adds to out the changes of the days from..to in the subtree at
// path: the people's dated events and the letters received.
func periodChanges(ctx context.Context, q store.Querier, path string, from, to date.Date, out map[string]int64) error {
	lo, hi := store.PathRange(path)
	route := store.ScopeOf(path).ProvinceParam("m.province_id")
	in := func(org int64, key string) { out[key]++ }
	// The latest receipt of a letter by each person now in the subtree.
	moved := map[int64]date.Date{}
	err := each(ctx, q, "the latest letters received by the people of the subtree", `SELECT t.member_id, MAX(t.received_on) FROM transfers t JOIN members m ON m.id = t.member_id AND m.province_id = t.province_id
		JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2 AND t.status = 'received' AND t.received_on >= $3`+route+` GROUP BY t.member_id`,
		func(sc func(...any) error) error {
			var id int64
			var on date.Date
			err := sc(&id, &on)
			moved[id] = on
			return err
		}, lo, hi, from)
	if err != nil {
		return err
	}
	// Events of people now here, on days after which no letter moved them.
	here := func(p person) func(date.Date) int64 {
		last, ok := moved[p.id]
		return func(d date.Date) int64 {
			if ok && !last.Before(d) {
				return 0
			}
			return p.org
		}
	}
	err = each(ctx, q, "the dated steps of the people of the subtree", `SELECT `+personCols+` FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2`+route+`
		AND (m.applied_on BETWEEN $3 AND $4 OR m.activist_on BETWEEN $3 AND $4 OR m.candidate_on BETWEEN $3 AND $4
		OR m.joined_on BETWEEN $3 AND $4 OR m.full_on BETWEEN $3 AND $4)`, func(sc func(...any) error) error {
		p, err := scanPerson(sc)
		if err == nil {
			p.adds(from, to, nil, here(p), in)
		}
		return err
	}, lo, hi, from, to)
	if err != nil {
		return err
	}
	err = each(ctx, q, "the changes of standing of the people of the subtree", `SELECT `+personCols+`, e.action, e.on_date FROM stage_events e JOIN members m ON m.id = e.member_id AND m.province_id = e.province_id
		JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2`+route+` AND e.on_date BETWEEN $3 AND $4 AND e.action IN `+standingSteps,
		func(sc func(...any) error) error {
			var p person
			var s step
			err := sc(&p.id, &p.org, &p.prov, &p.sex, &p.eth, &p.edu, &p.occ, &p.stage, &p.status, &p.birth,
				&p.applied, &p.activist, &p.candidate, &p.joined, &p.fl, &s.action, &s.on)
			if err == nil {
				person{}.adds(from, to, []step{s}, here(p), in)
			}
			return err
		}, lo, hi, from, to)
	if err != nil {
		return err
	}
	// Events of people a letter has since moved from an organisation here.
	if err := movedAway(ctx, q, path, from, to, in); err != nil {
		return err
	}
	for _, side := range []struct{ col, key string }{{"to_org_id", AIn + "transfer"}, {"from_org_id", AOut + "transfer"}} {
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM transfers t JOIN orgs o ON o.id = t.`+side.col+`
			WHERE o.path >= $1 AND o.path < $2 AND t.status = 'received' AND t.received_on BETWEEN $3 AND $4`, lo, hi, from, to).Scan(&n); err != nil {
			return fmt.Errorf("count the letters received by %s: %w", side.col, err)
		}
		out[side.key] += n
	}
	return nil
}

// movedAway counts the events of the days from..to of the people whom a
// letter received since from moved out of an organisation of the subtree
// at path, at the organisation they were in on each event's day.
func movedAway(ctx context.Context, q store.Querier, path string, from, to date.Date, add func(org int64, key string)) error {
	lo, hi := store.PathRange(path)
	var ids []int64
	err := each(ctx, q, "the people moved out of the subtree", `SELECT DISTINCT t.member_id FROM transfers t JOIN orgs o ON o.id = t.from_org_id
		WHERE o.path >= $1 AND o.path < $2 AND t.status = 'received' AND t.received_on >= $3`, func(sc func(...any) error) error {
		var id int64
		err := sc(&id)
		ids = append(ids, id)
		return err
	}, lo, hi, from)
	if err != nil || len(ids) == 0 {
		return err
	}
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		list := ""
		for i, id := range batch {
			if i > 0 {
				list += ", "
			}
			list += strconv.FormatInt(id, 10)
		}
		people := map[int64]person{}
		err := each(ctx, q, "the people moved out of the subtree", `SELECT `+personCols+` FROM members m WHERE m.id IN (`+list+`)`, func(sc func(...any) error) error {
			p, err := scanPerson(sc)
			people[p.id] = p
			return err
		})
		if err != nil {
			return err
		}
		letters, err := receivedLetters(ctx, q, " AND t.member_id IN ("+list+")")
		if err != nil {
			return err
		}
		steps, err := standing(ctx, q, " AND e.member_id IN ("+list+")")
		if err != nil {
			return err
		}
		paths, err := orgPaths(ctx, q, letters)
		if err != nil {
			return err
		}
		for _, id := range batch {
			p := people[id]
			ls := letters[id]
			orgAt := func(d date.Date) int64 {
				for _, l := range ls {
					if !l.on.Before(d) {
						if p := paths[l.from]; l.from != 0 && p >= lo && p < hi {
							return l.from
						}
						return 0
					}
				}
				return 0 // counted among the people now here
			}
			p.adds(from, to, steps[id], orgAt, add)
		}
	}
	return nil
}

// dayAfter is the instant the day after d begins in Asia/Shanghai, as an
// organisation's dissolution (a time) is compared with a day.
func dayAfter(d date.Date) time.Time {
	y, m, day := d.AddDate(0, 0, 1).Time().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, date.Shanghai).UTC()
}

// orgsAndMobile adds the organisations and the mobile members of the
// subtree at path: how many there were the day before from and on to, and
// how many began and ended in between.
func orgsAndMobile(ctx context.Context, q store.Querier, path string, from, to date.Date, out map[string]int64) error {
	lo, hi := store.PathRange(path)
	before := from.AddDate(0, 0, -1)
	err := each(ctx, q, "the organisations of the subtree", `SELECT o.type, o.founded_on, o.dissolved_at FROM orgs o WHERE o.path >= $1 AND o.path < $2
		AND (o.dissolved_at IS NULL OR o.dissolved_at >= $3)`, func(sc func(...any) error) error {
		var typ string
		var founded date.Date
		var dissolved sql.NullTime
		if err := sc(&typ, &founded, &dissolved); err != nil {
			return err
		}
		countOrg(typ, founded, dissolved, before, to, func(key string) { out[key]++ })
		return nil
	}, lo, hi, dayAfter(before))
	if err != nil {
		return err
	}
	route := store.ScopeOf(path).ProvinceParam("r.province_id")
	return each(ctx, q, "the mobile records of the subtree", `SELECT r.kind, r.since, r.ended_on FROM mobile_records r JOIN orgs o ON o.id = r.org_id WHERE o.path >= $1 AND o.path < $2`+route+`
		AND r.since <= $3 AND (r.ended_on IS NULL OR r.ended_on >= $4)`, func(sc func(...any) error) error {
		var kind string
		var since, ended date.Date
		if err := sc(&kind, &since, &ended); err != nil {
			return err
		}
		countMobile(kind, since, ended, before, to, func(key string) { out[key]++ })
		return nil
	}, lo, hi, to, before)
}

// countOrg counts one organisation: alive the day before the period and at
// its end (founded on or before the day, or on no known day; not yet
// dissolved at the day's end), founded or dissolved within it.
func countOrg(typ string, founded date.Date, dissolved sql.NullTime, before, to date.Date, add func(string)) {
	alive := func(d date.Date) bool {
		return (founded.IsZero() || !founded.After(d)) && (!dissolved.Valid || !dissolved.Time.Before(dayAfter(d)))
	}
	if alive(before) {
		add(AOrgs + "start")
	}
	if alive(to) {
		add(AOrgs + "end")
		add(orgType + typ)
	}
	if !founded.IsZero() && founded.After(before) && !founded.After(to) {
		add(AOrgs + "new")
	}
	if dissolved.Valid && !dissolved.Time.Before(dayAfter(before)) && dissolved.Time.Before(dayAfter(to)) {
		add(AOrgs + "dissolved")
	}
}

// countMobile counts one mobile record: current the day before the period
// and at its end, begun or ended within it.
func countMobile(kind string, since, ended date.Date, before, to date.Date, add func(string)) {
	k := AMobile + kind + ":"
	current := func(d date.Date) bool { return !since.After(d) && (ended.IsZero() || ended.After(d)) }
	if current(before) {
		add(k + "start")
	}
	if current(to) {
		add(k + "end")
	}
	if since.After(before) && !since.After(to) {
		add(k + "new")
	}
	if !ended.IsZero() && ended.After(before) && !ended.After(to) {
		add(k + "ended")
	}
}
