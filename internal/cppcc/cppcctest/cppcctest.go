// Package cppcctest builds what the tests of the packages built on cppcc
// (duties, letters, opinion, forum) work on: the committees and their
// people of committeetest, the core service over them, and the Labour Day
// holiday of the calendar.
package cppcctest

import (
	"testing"
	"time"

	"dangjian/internal/committee/committeetest"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// Fixture is the committees and their people, and the core service on Day.
type Fixture struct {
	*committeetest.Fixture
	Core *cppcc.Service
}

// New is the fixture on db on the day given, with the Labour Day holiday of
// 2026 as a notice gives it: 1–5 May off, Saturday 9 May worked.
func New(t testing.TB, db *store.DB, y int, m time.Month, d int) *Fixture {
	f := &Fixture{Fixture: committeetest.New(t, db, y, m, d)}
	f.Core = &cppcc.Service{Service: f.Committees}
	committeetest.OK(f.Core.SetCalendar(f.OfficeCtx, store.All, 2026, []cppcc.CalendarDay{
		{Day: date.New(2026, 5, 1), Off: true, Note: "劳动节"}, {Day: date.New(2026, 5, 4), Off: true, Note: "劳动节"},
		{Day: date.New(2026, 5, 5), Off: true, Note: "劳动节"}, {Day: date.New(2026, 5, 9), Off: false, Note: "劳动节调休上班"},
	}))(t)
	return f
}

// Recounted fails the test unless every committee's figures agree with a
// recount by the domains' recounters.
func (f *Fixture) Recounted(recount ...cppcc.Recounter) {
	f.T.Helper()
	storetest.NoMismatch(f.T, f.DB)
	ms, err := cppcc.Check(f.Ctx, f.DB, recount...)
	if err != nil {
		f.T.Fatal(err)
	}
	if len(ms) > 0 {
		f.T.Fatalf("figures differ from a recount: %+v", ms)
	}
}

// Figures are C's figures of 2026, once every committee's figures agree
// with a recount by the domains' recounters.
func (f *Fixture) Figures(recount ...cppcc.Recounter) map[string]int64 {
	f.T.Helper()
	f.Recounted(recount...)
	fig, err := f.Core.Figures(f.Ctx, f.Office, f.C.ID, cppcc.Period{From: 202601, To: 202612}, true)
	if err != nil {
		f.T.Fatal(err)
	}
	return fig.Counts
}

// PublicFigures are C's figures of the public channel in 2026, once every
// committee's figures agree with a recount by the domains' recounters.
func (f *Fixture) PublicFigures(recount ...cppcc.Recounter) map[string]int64 {
	f.T.Helper()
	f.Recounted(recount...)
	pf, err := f.Core.PublicFigures(f.Ctx, f.Office, f.C.ID, cppcc.Period{From: 202601, To: 202612})
	if err != nil {
		f.T.Fatal(err)
	}
	return pf.Counts
}
