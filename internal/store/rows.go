package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"

	"github.com/wksrec/wksrec/api"
)

// A row is its fields in a fixed order. A field whose values repeat
// across a run (its record, status, script, code, reason, time zone) is a
// number: 0 for a value not seen before in the file, which follows and is
// numbered next, or the number of one seen; the others are written whole.
// A value written whole is a uvarint length and its bytes. The order is
// the format's: a change to api.Detail's fields is a new version (magic).
//
// Why not gzip: inflating 100,000 rows took a quarter of a second, the
// JSON they were in 1.5 s; this reads them in tens of milliseconds, and
// shares each repeated value among the rows that have it (memory too).

// maxField bounds one value read back, maxTable the values numbered: a
// file past them is damaged.
const (
	maxField = 1 << 20
	maxTable = 1 << 20
)

// fields are a row's fields, in the format's order, with whether each is
// numbered.
func fields(d *api.Detail) [11]struct {
	p        *string
	numbered bool
} {
	type f = struct {
		p        *string
		numbered bool
	}
	return [11]f{{&d.ID, false}, {&d.RecordID, true}, {&d.DesktopID, false}, {&d.DesktopName, false},
		{&d.ExecStatus, true}, {&d.ExecScriptID, true}, {&d.ResultCode, true}, {&d.FailReason, true},
		{&d.StartTime, false}, {&d.EndTime, false}, {&d.TimeZone, true}}
}

// rowWriter writes rows, numbering the repeated values.
type rowWriter struct {
	w    *bufio.Writer
	seen map[string]uint64
	n    [binary.MaxVarintLen64]byte
}

func newRowWriter(w *bufio.Writer) *rowWriter { return &rowWriter{w: w, seen: map[string]uint64{}} }

func (rw *rowWriter) uvarint(v uint64) error {
	_, err := rw.w.Write(rw.n[:binary.PutUvarint(rw.n[:], v)])
	return err
}

func (rw *rowWriter) whole(s string) error {
	if err := rw.uvarint(uint64(len(s))); err != nil {
		return err
	}
	_, err := rw.w.WriteString(s)
	return err
}

// write writes d.
func (rw *rowWriter) write(d *api.Detail) error {
	for _, f := range fields(d) {
		var err error
		switch k, ok := rw.seen[*f.p]; {
		case !f.numbered:
			err = rw.whole(*f.p)
		case ok:
			err = rw.uvarint(k)
		default:
			rw.seen[*f.p] = uint64(len(rw.seen) + 1)
			if err = rw.uvarint(0); err == nil {
				err = rw.whole(*f.p)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// errCut is a row that ends early, or is otherwise not a row.
var errCut = errors.New("a row cut short")

// rowReader reads rows back from a file's text: the values are slices of
// it, one allocation for the whole run rather than one a value.
type rowReader struct {
	s     string
	at    int
	table []string
}

func (rr *rowReader) uvarint() (uint64, bool) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if rr.at >= len(rr.s) {
			return 0, false
		}
		b := rr.s[rr.at]
		rr.at++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v, true
		}
	}
	return 0, false
}

// whole reads a value written whole.
func (rr *rowReader) whole() (string, error) {
	n, ok := rr.uvarint()
	if !ok || n > maxField || n > uint64(len(rr.s)-rr.at) {
		return "", errCut
	}
	v := rr.s[rr.at : rr.at+int(n)]
	rr.at += int(n)
	return v, nil
}

// read reads a row; io.EOF when none is left.
func (rr *rowReader) read() (api.Detail, error) {
	var d api.Detail
	if rr.at == len(rr.s) {
		return d, io.EOF
	}
	for _, f := range fields(&d) {
		if !f.numbered {
			s, err := rr.whole()
			if err != nil {
				return d, err
			}
			*f.p = s
			continue
		}
		k, ok := rr.uvarint()
		switch {
		case !ok || k > uint64(len(rr.table)):
			return d, errCut
		case k > 0:
			*f.p = rr.table[k-1]
			continue
		case len(rr.table) >= maxTable:
			return d, errCut
		}
		s, err := rr.whole()
		if err != nil {
			return d, err
		}
		rr.table = append(rr.table, s)
		*f.p = s
	}
	return d, nil
}
