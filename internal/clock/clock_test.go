package clock

import (
	"testing"

	"dangjian/internal/date"
)

// may2026 is a calendar with the Labour Day holiday of 2026 as a notice
// gives it: 1–5 May off, Saturday 9 May a make-up working day.
var may2026 = Calendar{Off: map[date.Date]bool{
	date.New(2026, 5, 1): true, date.New(2026, 5, 4): true, date.New(2026, 5, 5): true,
	date.New(2026, 5, 9): false,
}}

func TestWorkingDays(t *testing.T) {
	for _, c := range []struct {
		d    date.Date
		want bool
	}{
		{date.New(2026, 4, 30), true},  // Thursday
		{date.New(2026, 5, 1), false},  // holiday on a Friday
		{date.New(2026, 5, 2), false},  // Saturday inside the holiday
		{date.New(2026, 5, 5), false},  // holiday on a Tuesday
		{date.New(2026, 5, 6), true},   // Wednesday after
		{date.New(2026, 5, 9), true},   // make-up Saturday
		{date.New(2026, 5, 10), false}, // ordinary Sunday
	} {
		if got := may2026.Working(c.d); got != c.want {
			t.Errorf("%s working = %v, want %v", c.d, got, c.want)
		}
	}
}

func TestDueDates(t *testing.T) {
	for _, c := range []struct {
		name  string
		start date.Date
		n     int
		unit  Unit
		want  date.Date
	}{
		// 15 days from 16 April end on 1 May, a holiday: moved past the holiday to 6 May.
		{"last day on a holiday moves past it", date.New(2026, 4, 16), 15, Days, date.New(2026, 5, 6)},
		// 30 days from 9 April end on 9 May, the make-up Saturday: a working day, kept.
		{"last day on a make-up Saturday stays", date.New(2026, 4, 9), 30, Days, date.New(2026, 5, 9)},
		// The start day is not counted.
		{"start day not counted", date.New(2026, 3, 2), 60, Days, date.New(2026, 5, 1).AddDate(0, 0, 5)},
		// 5 working days from Wednesday 29 April: 30 Apr, 6, 7, 8 May and the make-up Saturday 9 May.
		{"working days skip the holiday and count the make-up day", date.New(2026, 4, 29), 5, Workdays, date.New(2026, 5, 9)},
		{"working days over a weekend", date.New(2026, 3, 6), 3, Workdays, date.New(2026, 3, 11)},
		// Months: 31 January + 1 month is 28 February (a Saturday): moved to Monday 2 March.
		{"a month from the 31st", date.New(2026, 1, 31), 1, Months, date.New(2026, 3, 2)},
	} {
		if got := may2026.Due(c.start, c.n, c.unit); got != c.want {
			t.Errorf("%s: Due(%s, %d %s) = %s, want %s", c.name, c.start, c.n, c.unit, got, c.want)
		}
	}
}

// A letter's periods under the 信访工作条例 defaults, with the clock
// read on injected days: 受理 within 15 days, handling within 60 days of
// 受理 with a 30-day extension, 复查 requested within 30 days of the reply
// and decided within 30, 复核 likewise with a hearing not counted.
func TestCaseClock(t *testing.T) {
	cal := may2026
	received := date.New(2026, 3, 20)
	accept := Clock{Period: "accept", Starts: received, Base: cal.Due(received, 15, Days)}
	if accept.Base != date.New(2026, 4, 6) { // 20 March + 15 is Saturday 4 April
		t.Fatalf("accept due %s, want 2026-04-06", accept.Base)
	}
	if s := cal.StateOf(accept, date.New(2026, 4, 2)); !s.DueSoon || s.Overdue {
		t.Errorf("four days before the due date: %+v, want due soon", s)
	}
	if s := cal.StateOf(accept, date.New(2026, 4, 7)); !s.Overdue {
		t.Errorf("the day after the due date: %+v, want overdue", s)
	}
	accept.StoppedOn = date.New(2026, 3, 25)
	if s := cal.StateOf(accept, date.New(2026, 4, 30)); !s.Met || s.Overdue {
		t.Errorf("accepted on time: %+v", s)
	}

	accepted := date.New(2026, 3, 25)
	handle := Clock{Period: "handle", Starts: accepted, Base: cal.Due(accepted, 60, Days)}
	if handle.Base != date.New(2026, 5, 25) { // 24 May is a Sunday
		t.Fatalf("handling due %s, want 2026-05-25", handle.Base)
	}
	handle.Extended = 30
	if got := cal.DueOf(handle, date.New(2026, 5, 20)); got != date.New(2026, 6, 24) {
		t.Errorf("extended due %s, want 2026-06-24", got)
	}
	if s := cal.StateOf(handle, date.New(2026, 6, 1)); s.Overdue {
		t.Errorf("within the extension: %+v", s)
	}
	handle.StoppedOn = date.New(2026, 6, 26)
	if s := cal.StateOf(handle, date.New(2026, 7, 1)); s.Met || s.Category != "late" {
		t.Errorf("replied after the extended date: %+v, want late", s)
	}

	replied := date.New(2026, 6, 10)
	request := Clock{Period: "review_window", Starts: replied, Base: cal.Due(replied, 30, Days)}
	if request.Base != date.New(2026, 7, 10) {
		t.Errorf("复查 window ends %s, want 2026-07-10", request.Base)
	}
	if s := cal.StateOf(request, date.New(2026, 7, 11)); !s.Overdue {
		t.Errorf("a 复查 request after the window: %+v, want the window closed", s)
	}

	// 复核: 30 days, a hearing from 5 to 15 August not counted.
	asked := date.New(2026, 7, 20)
	recheck := Clock{Period: "recheck", Starts: asked, Base: cal.Due(asked, 30, Days)}
	if recheck.Base != date.New(2026, 8, 19) {
		t.Fatalf("复核 due %s", recheck.Base)
	}
	recheck.PausedOn = date.New(2026, 8, 5)
	if s := cal.StateOf(recheck, date.New(2026, 8, 25)); !s.Paused || s.Overdue {
		t.Errorf("during the hearing: %+v, want paused", s)
	}
	recheck.Paused, recheck.PausedOn = Between(date.New(2026, 8, 5), date.New(2026, 8, 15)), date.Date{}
	if got := cal.DueOf(recheck, date.New(2026, 8, 20)); got != date.New(2026, 8, 31) { // 29 Aug is a Saturday
		t.Errorf("复核 due after a 10-day hearing %s, want 2026-08-31", got)
	}
}
