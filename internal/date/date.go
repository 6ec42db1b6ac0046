// Package date is a calendar date without a time of day, as the registry
// keeps birth dates, joining dates and letter dates. It reads and writes
// "2006-01-02" in JSON and is NULL in the database when zero.
package date

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Shanghai is the time zone dates and times are shown in.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Date is a calendar day; the zero Date means "not set".
type Date struct{ t time.Time }

// Of returns the date of t as seen in Asia/Shanghai.
func Of(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.In(Shanghai).Date()
	return New(y, m, d)
}

// New returns the given day.
func New(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// The years a date read from input may fall in.
const (
	MinYear = 1900
	MaxYear = 2100
)

// Parse reads "2006-01-02" of a year from MinYear to MaxYear.
func Parse(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("日期“%s”格式不对,应为年-月-日,如 2003-07-01", s)
	}
	if t.Year() < MinYear || t.Year() > MaxYear {
		return Date{}, fmt.Errorf("日期“%s”不在%d年至%d年之间,请核对年份", s, MinYear, MaxYear)
	}
	return Date{t}, nil
}

// IsZero tells whether the date is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return d.t }

// Year returns the year.
func (d Date) Year() int { return d.t.Year() }

// String formats as "2006-01-02", or "" when unset.
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format("2006-01-02")
}

// Chinese formats as "2006年1月2日", the form pages and documents show, or
// "" when unset.
func (d Date) Chinese() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format("2006年1月2日")
}

// Before tells whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After tells whether d is later than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddDate adds years, months and days.
func (d Date) AddDate(y, m, days int) Date { return Date{d.t.AddDate(y, m, days)} }

// AddYears adds whole years, keeping 29 February on 28 February in a common year
// so that "one year after" never spills into the next month.
func (d Date) AddYears(n int) Date {
	y, m, day := d.t.Date()
	t := time.Date(y+n, m, day, 0, 0, 0, 0, time.UTC)
	if t.Month() != m {
		t = time.Date(y+n, m+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return Date{t}
}

// MarshalJSON writes "2006-01-02" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.t.IsZero() {
		return []byte("null"), nil
	}
	b := append(make([]byte, 0, 12), '"')
	return append(d.t.AppendFormat(b, "2006-01-02"), '"'), nil
}

// UnmarshalJSON reads "2006-01-02", "" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("日期应写成带引号的“年-月-日”,如 \"2003-07-01\",收到 %.20s", b)
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the date as midnight UTC, or NULL.
func (d Date) Value() (driver.Value, error) {
	if d.t.IsZero() {
		return nil, nil
	}
	return d.t, nil
}

// Scan reads a DATE column from SQLite or PostgreSQL.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		y, m, day := v.Date()
		*d = New(y, m, day)
	case string:
		return d.scanString(v)
	case []byte:
		return d.scanString(string(v))
	default:
		return fmt.Errorf("cannot scan %T into date", src)
	}
	return nil
}

func (d *Date) scanString(s string) error {
	if len(s) < 10 {
		return fmt.Errorf("bad date %q", s)
	}
	v, err := Parse(s[:10])
	*d = v
	return err
}
