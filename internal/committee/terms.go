package committee

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// TermInput is a term (届) as the office registers it.
type TermInput struct {
	Number   int       `json:"number"`
	StartsOn date.Date `json:"starts_on"`
	EndsOn   date.Date `json:"ends_on"`
}

// SessionInput is a session (次会议) of a term as the office registers it.
type SessionInput struct {
	Number   int       `json:"number"`
	OpensOn  date.Date `json:"opens_on"`
	ClosesOn date.Date `json:"closes_on"`
}

// Term is a 届, with its sessions.
type Term struct {
	ID       int64     `json:"id"`
	Number   int       `json:"number"`
	StartsOn date.Date `json:"starts_on"`
	EndsOn   date.Date `json:"ends_on"`
	Sessions []Session `json:"sessions"`
}

// Session is a 次会议.
type Session struct {
	ID       int64     `json:"id"`
	TermID   int64     `json:"term_id"`
	Number   int       `json:"number"`
	OpensOn  date.Date `json:"opens_on"`
	ClosesOn date.Date `json:"closes_on"`
	Label    string    `json:"label"`
}

// Terms lists a committee's terms and sessions, the latest first.
func (s *Service) Terms(ctx context.Context, sc store.Scope, committeeID int64) ([]Term, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return nil, err
	}
	terms, err := store.Query(ctx, s.DB, func(r store.Scanner) (Term, error) {
		var t Term
		return t, r.Scan(&t.ID, &t.Number, &t.StartsOn, &t.EndsOn)
	}, "SELECT id, number, starts_on, ends_on FROM cppcc_terms WHERE committee_id = $1 ORDER BY number DESC", c.ID)
	if err != nil {
		return nil, fmt.Errorf("list terms: %w", err)
	}
	for i := range terms {
		if terms[i].Sessions, err = store.Query(ctx, s.DB, scanSession, "SELECT "+sessionCols+" FROM cppcc_sessions s JOIN cppcc_terms t ON t.id = s.term_id WHERE s.term_id = $1 ORDER BY s.number DESC", terms[i].ID); err != nil {
			return nil, fmt.Errorf("list terms: %w", err)
		}
	}
	return terms, nil
}

const sessionCols = "s.id, s.term_id, s.number, s.opens_on, s.closes_on, t.number"

func scanSession(r store.Scanner) (Session, error) {
	var x Session
	var term int
	err := r.Scan(&x.ID, &x.TermID, &x.Number, &x.OpensOn, &x.ClosesOn, &term)
	x.Label = SessionLabel(term, x.Number)
	return x, err
}

// SessionLabel names the session of a term in words: 十四届四次会议.
func SessionLabel(term, session int) string {
	return chineseNumber(term) + "届" + chineseNumber(session) + "次会议"
}

// chineseNumber writes 1–99 in Chinese numerals, as a term or a session is named.
func chineseNumber(n int) string {
	digits := []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n > 99:
		return "第" + itoa(n)
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	case n%10 == 0:
		return digits[n/10] + "十"
	}
	return digits[n/10] + "十" + digits[n%10]
}

// NewTerm adds a term to a committee in scope.
func (s *Service) NewTerm(ctx context.Context, sc store.Scope, committeeID int64, number int, starts, ends date.Date) (Term, error) {
	if number < 1 || number > 99 {
		return Term{}, apperr.InvalidField("number", "届次应在 1 到 99 之间")
	}
	if starts.IsZero() || ends.IsZero() || !ends.After(starts) {
		return Term{}, apperr.InvalidField("ends_on", "届的结束日期应晚于开始日期")
	}
	t := Term{Number: number, StartsOn: starts, EndsOn: ends, Sessions: []Session{}}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.Lookup(ctx, tx, sc, committeeID, "committee")
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, "INSERT INTO cppcc_terms (committee_id, number, starts_on, ends_on) VALUES ($1, $2, $3, $4) RETURNING id",
			c.ID, number, starts, ends).Scan(&t.ID)
		if err != nil && strings.Contains(strings.ToLower(err.Error()), "unique") {
			return apperr.InvalidField("number", "第%d届已经登记过", number)
		}
		if err != nil {
			return fmt.Errorf("new term: %w", err)
		}
		return s.Audit(ctx, tx, c, "create", "cppcc_term", t.ID, map[string]any{"number": number})
	})
	return t, err
}

// NewSession adds a session to a term of a committee in scope.
func (s *Service) NewSession(ctx context.Context, sc store.Scope, termID int64, number int, opens, closes date.Date) (Session, error) {
	if number < 1 || number > 99 {
		return Session{}, apperr.InvalidField("number", "会议次数应在 1 到 99 之间")
	}
	if opens.IsZero() || closes.IsZero() || closes.Before(opens) {
		return Session{}, apperr.InvalidField("closes_on", "闭幕日期不应早于开幕日期")
	}
	var x Session
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var committeeID int64
		if err := tx.QueryRowContext(ctx, "SELECT committee_id FROM cppcc_terms WHERE id = $1", termID).Scan(&committeeID); err != nil {
			if apperr.IsNotFound(err) {
				return apperr.NotFound("届")
			}
			if err != nil {
				return fmt.Errorf("new session: %w", err)
			}
			return nil
		}
		c, err := s.Lookup(ctx, tx, sc, committeeID, "committee")
		if apperr.IsNotFound(err) {
			return apperr.NotFound("届")
		}
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, "INSERT INTO cppcc_sessions (term_id, number, opens_on, closes_on) VALUES ($1, $2, $3, $4) RETURNING id",
			termID, number, opens, closes).Scan(&id)
		if err != nil && strings.Contains(strings.ToLower(err.Error()), "unique") {
			return apperr.InvalidField("number", "该届第%d次会议已经登记过", number)
		}
		if err != nil {
			return fmt.Errorf("new session: %w", err)
		}
		if x, err = scanSession(tx.QueryRowContext(ctx, "SELECT "+sessionCols+" FROM cppcc_sessions s JOIN cppcc_terms t ON t.id = s.term_id WHERE s.id = $1", id)); err != nil {
			return fmt.Errorf("new session: %w", err)
		}
		return s.Audit(ctx, tx, c, "create", "cppcc_session", id, map[string]any{"term_id": termID, "number": number})
	})
	return x, err
}

// SessionAt is the session a proposal submitted on day belongs to: the one
// open that day (大会期间), or else the latest before it (闭会期间).
func (s *Service) SessionAt(ctx context.Context, q store.Querier, committeeID int64, day date.Date) (Session, bool, error) {
	x, err := scanSession(q.QueryRowContext(ctx, "SELECT "+sessionCols+` FROM cppcc_sessions s JOIN cppcc_terms t ON t.id = s.term_id
		WHERE t.committee_id = $1 AND s.opens_on <= $2 ORDER BY s.opens_on DESC LIMIT 1`, committeeID, day))
	if apperr.IsNotFound(err) {
		return x, false, apperr.Rule("本届政协还没有登记全体会议:请政协办公室在“政协设置”页登记届次和会议")
	}
	return x, err == nil && !day.After(x.ClosesOn), err
}
