package bot

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened, so that adapters can
// choose a reply and the command line an exit status, without matching strings.
const (
	// EINVALID means the user's input was wrong; the message says how to fix it.
	EINVALID = "invalid"
	// ENOTFOUND means the paper, batch or setting asked for does not exist.
	ENOTFOUND = "not_found"
	// ENOBATCH means a day legitimately has no batch: a weekend, a holiday, or
	// a source that has not published the day yet.
	ENOBATCH = "no_batch"
	// EUNAVAILABLE means an upstream service (the paper source, the LLM, a
	// chat platform) failed after its retries. Trying again later may work.
	EUNAVAILABLE = "unavailable"
	// EFORBIDDEN means the user may not do this (admin-only commands).
	EFORBIDDEN = "forbidden"
	// EINTERNAL is everything else: a bug or a broken database. Users see
	// only "Internal error."; the details go to the log.
	EINTERNAL = "internal"
)

// Error is an error meant to be shown to a user. Message is a full sentence
// that says what went wrong and, where it can, what to do about it.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// when there is none, and "" when err is nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the Message of the
// first *Error in its chain, or "Internal error." for anything uncoded, so that
// internal details (paths, SQL, upstream bodies) never reach a chat.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
