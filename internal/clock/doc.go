// Package clock counts statutory periods: a calendar of the State Council's
// holidays and make-up working days, due dates counted in natural days,
// working days or months, with extensions and pauses.
//
// Counting follows the Civil Code (《中华人民共和国民法典》): the day a period
// starts is not counted (第二百零一条), and a period whose last day is a
// statutory holiday ends on the first day after the holiday (第二百零三条).
//
// The calendar is the one the office keeps (calendar_days: the holidays and the
// make-up working days of the State Council's notice, set by a top committee's
// office one line a day, a reference table on a cluster). Periods are counted
// in natural days, working days or months. It imports date only; cppcc keeps
// the clocks of the proposals' parts and of the cases (package letters says
// which periods run) on it, and member counts a letter's days past its 有效期
// with Between.
package clock
