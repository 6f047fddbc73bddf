package store

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"hash"
	"io"
	"strings"

	"github.com/wksrec/wksrec/api"
)

// A run file: what Read checks and Writer writes.

// decode checks a file's magic and checksum and reads its run.
func decode(raw []byte) (file, error) {
	if len(raw) < len(magic)+sha256.Size || !bytes.HasPrefix(raw, []byte(magic)) {
		return file{}, errDamaged // another version's, or garbled
	}
	body, sum := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(want[:], sum) {
		return file{}, errDamaged
	}
	text := string(body[len(magic):]) // one copy: the rows' values are slices of it
	nl := strings.IndexByte(text, '\n')
	var got file
	if nl < 0 || json.Unmarshal([]byte(text[:nl]), &got) != nil {
		return file{}, errDamaged
	}
	got.Details = make([]api.Detail, 0, min(got.Record.SuccessNum+got.Record.FailedNum+got.Record.SkipNum, len(text)/11))
	rows := &rowReader{s: text, at: nl + 1}
	for {
		d, err := rows.read()
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return file{}, errDamaged
		}
		got.Details = append(got.Details, d)
	}
}

// encode is a run's file, as a Writer writes it.
func encode(k Key, r Run) ([]byte, error) {
	var buf bytes.Buffer
	w := newEncoder(&buf, k, r.Record)
	for i := range r.Details {
		w.add(&r.Details[i])
	}
	err := w.close()
	return buf.Bytes(), err
}

// encoder writes a run file as its rows come: the magic line, a line of
// JSON (the key and the record), the rows (see rows.go), then the SHA-256
// of all before.
type encoder struct {
	out  io.Writer
	h    hash.Hash
	bw   *bufio.Writer
	rw   *rowWriter
	rows int
	err  error
}

func newEncoder(out io.Writer, k Key, rec api.Record) *encoder {
	e := &encoder{out: out, h: sha256.New()}
	both := io.MultiWriter(out, e.h)
	_, e.err = io.WriteString(both, magic)
	e.bw = bufio.NewWriterSize(both, 64<<10)
	e.rw = newRowWriter(e.bw)
	head, err := json.Marshal(file{Key: k, Run: Run{Record: rec}})
	if e.err == nil {
		e.err = err
	}
	if e.err == nil {
		_, e.err = e.bw.Write(append(head, '\n'))
	}
	return e
}

// add writes one row.
func (e *encoder) add(d *api.Detail) {
	if e.err == nil {
		e.err = e.rw.write(d)
		e.rows++
	}
}

// close ends the compression and writes the checksum.
func (e *encoder) close() error {
	if e.err == nil {
		e.err = e.bw.Flush()
	}
	if e.err == nil {
		_, e.err = e.out.Write(e.h.Sum(nil))
	}
	return e.err
}
