package cppcc

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/clock"
	"dangjian/internal/committee"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// CalendarDay is a day of the State Council's notice: a holiday or a make-up working day.
type CalendarDay struct {
	Day  date.Date `json:"day"`
	Off  bool      `json:"off"`
	Note string    `json:"note"`
}

// Calendar is the calendar as kept (one for the country).
func (s *Service) Calendar(ctx context.Context, q store.Querier) (clock.Calendar, error) {
	days, err := s.CalendarDays(ctx, q, 0)
	cal := clock.Calendar{Off: map[date.Date]bool{}}
	for _, d := range days {
		cal.Off[d.Day] = d.Off
	}
	return cal, err
}

// CalendarDays are the days kept for a year (0: every year).
func (s *Service) CalendarDays(ctx context.Context, q store.Querier, year int) ([]CalendarDay, error) {
	where, args := "", []any{}
	if year != 0 {
		where, args = " WHERE day >= $1 AND day <= $2", []any{date.New(year, 1, 1), date.New(year, 12, 31)}
	}
	out, err := store.Query(ctx, q, func(r store.Scanner) (CalendarDay, error) {
		var d CalendarDay
		return d, r.Scan(&d.Day, &d.Off, &d.Note)
	}, "SELECT day, off, note FROM calendar_days"+where+" ORDER BY day", args...)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	return out, nil
}

// SetCalendar replaces a year's days with those of the notice: the office
// of a committee at the top of its tree (the calendar is the country's),
// audited with the days before and after.
func (s *Service) SetCalendar(ctx context.Context, sc store.Scope, year int, days []CalendarDay) ([]CalendarDay, error) {
	top := sc.IsAll()
	for _, p := range sc.Parts() {
		top = top || strings.Count(p, "/") == 2
	}
	if !top {
		return nil, apperr.Rule("节假日安排全国统一,由最上一级政协的办公室按国务院办公厅的通知设定")
	}
	var v apperr.Invalid
	if year < 2000 || year > 2100 {
		v.Add("year", "年份应在 2000 到 2100 之间")
	}
	seen := map[date.Date]bool{}
	for i, d := range days {
		switch {
		case d.Day.IsZero() || d.Day.Year() != year:
			v.Add("days", "第 %d 天的日期应在 %d 年内", i+1, year)
		case seen[d.Day]:
			v.Add("days", "%s 重复", d.Day.Chinese())
		case !d.Off && d.Day.Time().Weekday() != time.Saturday && d.Day.Time().Weekday() != time.Sunday:
			v.Add("days", "%s 是工作日,不必标为调休上班", d.Day.Chinese())
		}
		seen[d.Day] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.CalendarDays(ctx, tx, year)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM calendar_days WHERE day >= $1 AND day <= $2", date.New(year, 1, 1), date.New(year, 12, 31)); err != nil {
			return fmt.Errorf("set calendar: %w", err)
		}
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, "INSERT INTO calendar_days (day, off, note, updated_at) VALUES ($1, $2, $3, $4)", d.Day, d.Off, d.Note, s.now()); err != nil {
				return fmt.Errorf("set calendar: %w", err)
			}
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "update", ObjectType: "calendar", ObjectID: int64(year), Detail: map[string]any{"before": before, "after": days}})
	})
	if err != nil {
		return nil, fmt.Errorf("set calendar: %w", err)
	}
	return s.CalendarDays(ctx, s.DB, year)
}

// Clock is a statutory period of a case as shown: the clock and where it stands today.
type Clock struct {
	ID     int64       `json:"id"`
	Period string      `json:"period"`
	Label  string      `json:"label"`
	Source string      `json:"source"`
	Clock  clock.Clock `json:"clock"`
	State  clock.State `json:"state"`
}

const clockCols = "id, period, starts_on, base_on, extended, paused, paused_on, stopped_on"

func scanClock(r store.Scanner) (Clock, error) {
	var k Clock
	var paused, stopped sql.Null[date.Date]
	err := r.Scan(&k.ID, &k.Period, &k.Clock.Starts, &k.Clock.Base, &k.Clock.Extended, &k.Clock.Paused, &paused, &stopped)
	k.Clock.Period, k.Clock.PausedOn, k.Clock.StoppedOn = k.Period, paused.V, stopped.V
	return k, err
}

// Clocks are an object's clocks, read with where they stand today.
func (s *Service) Clocks(ctx context.Context, q store.Querier, c committee.Committee, object string, id int64) ([]Clock, error) {
	ks, err := store.Query(ctx, q, scanClock, "SELECT "+clockCols+" FROM clocks WHERE object = $1 AND object_id = $2"+store.InProvince("province_id", c.Province())+" ORDER BY id", object, id)
	if err != nil || len(ks) == 0 {
		if err != nil {
			return ks, fmt.Errorf("read clocks: %w", err)
		}
		return ks, nil
	}
	cal, err := s.Calendar(ctx, q)
	if err != nil {
		return nil, err
	}
	ps := c.Periods()
	for i, k := range ks {
		ks[i].Label, ks[i].Source = ps[k.Period].Label, ps[k.Period].Source
		ks[i].State = cal.StateOf(k.Clock, s.Today())
	}
	return ks, nil
}

// StartClock starts a period of an object on start.
func (s *Service) StartClock(ctx context.Context, tx *sql.Tx, c committee.Committee, object string, id int64, period string, start date.Date) error {
	cal, err := s.Calendar(ctx, tx)
	if err != nil {
		return err
	}
	p := c.Periods()[period]
	return s.StartClockAt(ctx, tx, c, object, id, period, start, cal.Due(start, p.N, p.Unit))
}

// StartClockAt starts a period of an object on start, due on base (a
// proposal's part, whose date its own rules set).
func (s *Service) StartClockAt(ctx context.Context, tx *sql.Tx, c committee.Committee, object string, id int64, period string, start, base date.Date) error {
	var kid int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO clocks (province_id, committee_id, object, object_id, period, starts_on, base_on, due_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8) RETURNING id`, c.Province(), c.ID, object, id, period, start, base, s.now()).Scan(&kid); err != nil {
		if err != nil {
			return fmt.Errorf("start clock: %w", err)
		}
		return nil
	}
	return s.Audit(ctx, tx, c, "clock_start", "clock", kid, map[string]any{"object": object, "object_id": id, "period": period, "starts": start, "due": base})
}

// ChangeClock changes the running clock of a period by fn (extend, pause,
// resume, stop), keeps its due date and audits the change; it returns the
// new due date, and false when the object has no such running clock.
func (s *Service) ChangeClock(ctx context.Context, tx *sql.Tx, c committee.Committee, object string, id int64, period, action string, fn func(k *clock.Clock)) (date.Date, bool, error) {
	k, err := scanClock(tx.QueryRowContext(ctx, "SELECT "+clockCols+" FROM clocks WHERE object = $1 AND object_id = $2 AND period = $3 AND stopped_on IS NULL"+
		store.InProvince("province_id", c.Province())+" ORDER BY id DESC LIMIT 1", object, id, period))
	if apperr.IsNotFound(err) {
		return date.Date{}, false, nil
	}
	if err != nil {
		return date.Date{}, false, fmt.Errorf("change clock: %w", err)
	}
	before := k.Clock
	fn(&k.Clock)
	cal, err := s.Calendar(ctx, tx)
	if err != nil {
		return date.Date{}, false, err
	}
	due := cal.DueOf(k.Clock, s.Today())
	null := func(d date.Date) any {
		if d.IsZero() {
			return nil
		}
		return d
	}
	if _, err := tx.ExecContext(ctx, `UPDATE clocks SET base_on = $1, extended = $2, paused = $3, paused_on = $4, stopped_on = $5, due_on = $6, updated_at = $7 WHERE id = $8`+
		store.InProvince("province_id", c.Province()), k.Clock.Base, k.Clock.Extended, k.Clock.Paused, null(k.Clock.PausedOn), null(k.Clock.StoppedOn), due, s.now(), k.ID); err != nil {
		if err != nil {
			return due, false, fmt.Errorf("change clock: %w", err)
		}
		return due, false, nil
	}
	return due, true, s.Audit(ctx, tx, c, "clock_"+action, "clock", k.ID, map[string]any{"object": object, "object_id": id, "period": period, "before": before, "after": k.Clock, "due": due})
}

// StopClock stops a period's running clock today and tells whether it was met.
func (s *Service) StopClock(ctx context.Context, tx *sql.Tx, c committee.Committee, object string, id int64, period string) (bool, error) {
	today := s.Today()
	due, ok, err := s.ChangeClock(ctx, tx, c, object, id, period, "stop", func(k *clock.Clock) {
		if !k.PausedOn.IsZero() {
			k.Paused += clock.Between(k.PausedOn, today)
			k.PausedOn = date.Date{}
		}
		k.StoppedOn = today
	})
	if err != nil || !ok {
		return true, err
	}
	return !today.After(due), nil
}
