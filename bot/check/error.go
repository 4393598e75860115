package check

import "fmt"

// Error is a rejection: LLM output that failed a check. Message is a full
// sentence that says which check and why, fit to log and to show; bot
// reports it as an EINVALID error.
type Error struct {
	Message string
}

// Error implements the error interface; it returns the message.
func (e *Error) Error() string { return e.Message }

// errorf returns an *Error with a formatted message.
func errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}
