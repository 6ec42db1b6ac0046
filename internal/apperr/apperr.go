package apperr

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// FieldError names one input field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error whose message may be shown to the user as it is.
type Error struct {
	Code    string
	Status  int
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New returns an error with the given code, HTTP status and Chinese message.
func New(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the answer for a missing object and for one outside the caller's scope alike.
func NotFound(what string) *Error {
	return New("not_found", http.StatusNotFound, "%s不存在或不在您的管理范围内", what)
}

// IsNotFound tells whether err is the answer for a missing object (and not
// a failure to look: a database that cannot answer is no "not found").
func IsNotFound(err error) bool {
	e, ok := As(err)
	return errors.Is(err, sql.ErrNoRows) || (ok && e.Code == "not_found")
}

// Conflict refuses a change that contradicts stored data.
func Conflict(format string, args ...any) *Error {
	return New("conflict", http.StatusConflict, format, args...)
}

// Rule refuses a step that a regulation forbids.
func Rule(format string, args ...any) *Error {
	return New("rule_violation", http.StatusUnprocessableEntity, format, args...)
}

// Invalid collects per-field validation messages.
type Invalid struct{ fields []FieldError }

// Add records a message for a field.
func (v *Invalid) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, otherwise an *Error listing every field.
func (v *Invalid) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	msgs := make([]string, len(v.fields))
	for i, f := range v.fields {
		msgs[i] = f.Message
	}
	return &Error{Code: "invalid", Status: http.StatusBadRequest, Message: strings.Join(msgs, ";"), Fields: v.fields}
}

// InvalidField is a shortcut for a single-field validation error.
func InvalidField(field, format string, args ...any) error {
	var v Invalid
	v.Add(field, format, args...)
	return v.Err()
}

// As extracts an *Error from err, if there is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
