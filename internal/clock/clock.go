package clock

import (
	"time"

	"dangjian/internal/date"
)

// Calendar is the days that differ from the ordinary week: holidays (放假)
// that fall on working days and make-up working days (调休上班) that fall on
// weekends, as the State Council's notice of each year lists them.
type Calendar struct {
	// Off holds the holidays (true) and the make-up working days (false).
	Off map[date.Date]bool
}

// Working tells whether d is a working day.
func (c Calendar) Working(d date.Date) bool {
	if off, ok := c.Off[d]; ok {
		return !off
	}
	wd := d.Time().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday tells whether d is a statutory holiday of the notice (not a plain weekend).
func (c Calendar) Holiday(d date.Date) bool { return c.Off[d] }

// NextWorking is d, or the first working day after it.
func (c Calendar) NextWorking(d date.Date) date.Date {
	for i := 0; i < 60 && !c.Working(d); i++ {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// Unit is how a period is counted.
type Unit string

// The units of a period.
const (
	Days     Unit = "day"     // natural days, the last moved off a rest day
	Workdays Unit = "workday" // working days of the calendar
	Months   Unit = "month"   // months, the last moved off a rest day
)

// Period is a statutory period: N units from its start event.
type Period struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     int    `json:"n"`
	Unit  Unit   `json:"unit"`
	// Start names the event the period is counted from.
	Start string `json:"start"`
	// Source names the article the default comes from.
	Source string `json:"source"`
}

// Due is the last day of a period of n units starting on start: the start
// day is not counted; a last day that is not a working day moves to the
// next working day (for working days it is one already).
func (c Calendar) Due(start date.Date, n int, u Unit) date.Date {
	switch u {
	case Workdays:
		d := start
		for i := 0; i < n; {
			d = d.AddDate(0, 0, 1)
			if c.Working(d) {
				i++
			}
		}
		return d
	case Months:
		return c.NextWorking(addMonths(start, n))
	}
	return c.NextWorking(start.AddDate(0, 0, n))
}

// addMonths is the same day n months later, or the month's last day when
// it has no such day (31 January + 1 month is 28 or 29 February).
func addMonths(d date.Date, n int) date.Date {
	t := d.Time()
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return date.New(first.Year(), first.Month(), min(t.Day(), last))
}

// Between is the natural days from a to b (b − a).
func Between(a, b date.Date) int { return int(b.Time().Sub(a.Time()).Hours() / 24) }

// State is a clock's standing on a day.
type State struct {
	Due      date.Date `json:"due"`
	Left     int       `json:"left"` // natural days to the due date (negative: overdue)
	DueSoon  bool      `json:"due_soon"`
	Overdue  bool      `json:"overdue"`
	Paused   bool      `json:"paused"`
	Stopped  bool      `json:"stopped"`
	Met      bool      `json:"met"`
	Label    string    `json:"label"`
	Category string    `json:"category"` // "ok", "soon", "overdue", "paused", "met", "late"
}

// SoonDays is how near a due date counts as due soon.
const SoonDays = 5

// Clock is one running period of a case or a proposal: its start, its due
// date with the extensions granted, days paused (a hearing in 复核) and
// when it stopped.
type Clock struct {
	Period   string    `json:"period"`
	Starts   date.Date `json:"starts"`
	Base     date.Date `json:"base"`     // the due date of the period alone
	Extended int       `json:"extended"` // natural days added by extensions
	Paused   int       `json:"paused"`   // days paused, ended pauses
	// PausedOn is the start of a pause still running.
	PausedOn date.Date `json:"paused_on"`
	// StoppedOn is when the period's work was done.
	StoppedOn date.Date `json:"stopped_on"`
}

// DueOf is the clock's due date: its base moved by the extensions and the
// pauses, and off a rest day (on today for a pause still running).
func (c Calendar) DueOf(k Clock, today date.Date) date.Date {
	paused := k.Paused
	if !k.PausedOn.IsZero() {
		paused += max(0, Between(k.PausedOn, today))
	}
	if k.Extended == 0 && paused == 0 {
		return k.Base
	}
	return c.NextWorking(k.Base.AddDate(0, 0, k.Extended+paused))
}

// StateOf is where the clock stands on today.
func (c Calendar) StateOf(k Clock, today date.Date) State {
	due := c.DueOf(k, today)
	s := State{Due: due, Left: Between(today, due)}
	switch {
	case !k.StoppedOn.IsZero():
		s.Stopped = true
		s.Met = !k.StoppedOn.After(due)
		s.Category, s.Label = "met", "按期办结"
		if !s.Met {
			s.Category, s.Label = "late", "逾期办结"
		}
	case !k.PausedOn.IsZero():
		s.Paused, s.Category, s.Label = true, "paused", "暂停计时"
	case today.After(due):
		s.Overdue, s.Category, s.Label = true, "overdue", "已逾期"
	case s.Left <= SoonDays:
		s.DueSoon, s.Category, s.Label = true, "soon", "即将到期"
	default:
		s.Category, s.Label = "ok", "计时中"
	}
	return s
}
