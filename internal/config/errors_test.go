package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

var errCause = errors.New("the cause")

// An Error says what the user must change in the words it always had,
// and keeps what caused it for errors.Is and errors.As.
func TestErrorKeepsItsCause(t *testing.T) {
	other := errors.New("another cause")
	for _, tc := range []struct {
		name      string
		err       error
		msg       string
		cause     error // errors.Is reaches it; nil: nothing is wrapped
		unrelated error // errors.Is must not reach it
	}{
		{"a message only", Errorf("--page-size must be from 1 to %d, not %d", 100, 0), "--page-size must be from 1 to 100, not 0", nil, errCause},
		{"%v flattens", Errorf("--filter: %v", errCause), "--filter: the cause", nil, errCause},
		{"%w keeps", Errorf("--filter: %w", errCause), "--filter: the cause", errCause, other},
		{"several %w keep each", Errorf("%w and %w", errCause, other), "the cause and another cause", errCause, nil},
		{"several %w keep each (the second)", Errorf("%w and %w", errCause, other), "the cause and another cause", other, nil},
		{"the composite literal", Error{Msg: "as session.go builds it"}, "as session.go builds it", nil, errCause},
		{"Wrap", Wrap(errCause), "the cause", errCause, other},
		{"a read that failed", parseError(t, "--config", filepath.Join(t.TempDir(), "missing.toml")), "", fs.ErrNotExist, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e Error
			if !errors.As(tc.err, &e) {
				t.Fatalf("%v is not an Error (main would not exit 2)", tc.err)
			}
			if tc.msg != "" && tc.err.Error() != tc.msg {
				t.Errorf("message %q, want %q", tc.err.Error(), tc.msg)
			}
			if tc.cause == nil && errors.Unwrap(tc.err) != nil {
				t.Errorf("%v wraps %v, want nothing", tc.err, errors.Unwrap(tc.err))
			}
			if tc.cause != nil && !errors.Is(tc.err, tc.cause) {
				t.Errorf("errors.Is(%v, %v) is false", tc.err, tc.cause)
			}
			if tc.unrelated != nil && errors.Is(tc.err, tc.unrelated) {
				t.Errorf("errors.Is(%v, %v) is true", tc.err, tc.unrelated)
			}
		})
	}
	if Wrap(nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
	if e := Errorf("x: %w", errCause); Wrap(e) != e {
		t.Error("Wrap changed an Error")
	}
}

// parseError is Parse's error for args in an empty home.
func parseError(t *testing.T, args ...string) error {
	t.Helper()
	_, _, err := Parse(args, env("HOME", t.TempDir()))
	if err == nil {
		t.Fatalf("%q: no error", args)
	}
	return err
}
