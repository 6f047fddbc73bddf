package config

import (
	"errors"
	"fmt"
)

// Error is a bad flag, value or missing setting: what the user must
// change (main exits 2). Msg is what the user reads; Err, when there is
// one, is the cause, kept so that errors.Is and errors.As reach it (a
// *os.PathError's errno, an *api error) instead of only its words.
type Error struct {
	Msg string
	Err error
}

func (e Error) Error() string { return e.Msg }

// Unwrap is the cause, nil when the message is all there is.
func (e Error) Unwrap() error { return e.Err }

// Errorf is an Error worded as fmt.Errorf words it; what %w names is
// its cause.
func Errorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return Error{Msg: err.Error(), Err: wrapped(err)}
}

// Wrap makes err an Error (exit 2), keeping its words and err as the
// cause: for a failure the user must mend that another package reported.
// An error that is an Error already is returned as it is; Wrap(nil) is
// nil.
func Wrap(err error) error {
	if err == nil || errors.As(err, new(Error)) {
		return err
	}
	return Error{Msg: err.Error(), Err: err}
}

// wrapped is what fmt.Errorf's %w verbs named: the one error, or err
// itself when there were several (its Unwrap() []error reaches each);
// nil when there was none.
func wrapped(err error) error {
	switch w := err.(type) {
	case interface{ Unwrap() error }:
		return w.Unwrap()
	case interface{ Unwrap() []error }:
		return err
	}
	return nil
}
