// Package apperr owns the errors that reach a user: a stable code, an HTTP
// status and a message in Simplified Chinese, optionally tied to input
// fields. It imports nothing of the project; every service returns its
// refusals as these, and the API and the pages answer with them.
//
// The API answers {"error":{"code","message","fields":[{"field","message"}]}}:
// 400 invalid (every wrong field at once, each message naming the field and
// the reason), 404 not_found, 409 conflict, 422 rule_violation (a regulation's
// rule), 500 internal (details only in the log). A database's or a file's
// error leaves a service wrapped with the operation that failed
// (fmt.Errorf("record proposal reply: %w", err)), so the log names it; As (and
// store.Explain) look through the wrapping, so the user reads the Chinese
// message and never the wrapped text (TestWrappedConflictReachesTheUser).
package apperr
