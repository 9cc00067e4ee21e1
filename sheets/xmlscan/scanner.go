// Package xmlscan is a fast, allocation-light pull scanner for the
// well-formed subset of XML that OOXML parts use: ASCII names, UTF-8, no
// DTD. The workbook reader's fast path parses sheets with it element by
// element, straight from the bytes, where encoding/xml would build a token
// (and strings) for every tag and attribute and cost several times the
// whole read (see the performance notes in bench/README.md).
//
// It refuses what encoding/xml refuses in strict mode — mismatched or
// unclosed tags, unquoted attributes, unknown entities, characters XML
// does not allow, invalid UTF-8, a document that ends inside an element —
// with a *SyntaxError or *TruncatedError, and what it does not check
// itself (names outside ASCII, DTDs, other encodings) with an
// *UnsupportedError, for the caller to leave to a full parser. It decodes
// nothing it is not asked for.
//
// A document is read through a buffer that slides over the source: a
// parser (the caller's step function, using the Scanner's methods) starts
// at the unread position, and when it runs out of bytes before its element
// is complete it returns ErrNeedMore; Run then drops the consumed bytes,
// reads more (or grows the buffer for a giant element) and calls the
// parser again, which starts that element again. Memory therefore stays at
// the size of the largest element.
package xmlscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// ErrNeedMore says the element being parsed is not complete in the buffer
// yet: the step function returns it and Run reads more.
var ErrNeedMore = errors.New("need more input")

// SyntaxError is malformed XML, with the line it is on.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("XML 第 %d 行：%s", e.Line, e.Msg) }

// TruncatedError is a document that ends inside an element.
type TruncatedError struct{ Line int }

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("XML 在第 %d 行附近意外结束", e.Line)
}

// UnsupportedError is XML the scanner does not check (a name outside
// ASCII, a DTD, an encoding other than UTF-8): a full parser must read the
// document. Reason says what was met.
type UnsupportedError struct{ Reason string }

func (e *UnsupportedError) Error() string { return "XML the scanner does not read: " + e.Reason }

func unsupported(format string, args ...any) error {
	return &UnsupportedError{Reason: fmt.Sprintf(format, args...)}
}

// BufferSize is the sliding buffer's size, and so how much of the source
// is read at a time, unless an element is larger.
const BufferSize = 128 << 10

// Scanner is one document being read: buf[r:w] is read from the source but
// not yet consumed.
type Scanner struct {
	src    io.Reader
	buf    []byte
	r, w   int
	eof    bool    // src is at its end
	lines  int     // newlines in the bytes dropped from the buffer so far
	pooled *[]byte // the pool's buffer, which buf is unless it grew

	tmp  []byte   // scratch for decoding text that is only checked
	ends [][]byte // open elements while skipping a subtree
}

// buffers keeps the sliding buffers of finished documents: a workbook of
// 200 rows is read in well under a millisecond, and allocating (and
// clearing) a fresh buffer for each of its parts would be a good part of
// that.
var buffers = sync.Pool{New: func() any { b := make([]byte, BufferSize); return &b }}

// Reset starts reading src, with a buffer from the pool.
func (sc *Scanner) Reset(src io.Reader) {
	if sc.pooled == nil {
		sc.pooled = buffers.Get().(*[]byte)
		sc.buf = *sc.pooled
	}
	sc.src, sc.r, sc.w, sc.eof, sc.lines = src, 0, 0, false, 0
	sc.buf = sc.buf[:cap(sc.buf)]
}

// ResetBytes starts reading a whole document held in data.
func (sc *Scanner) ResetBytes(data []byte) {
	sc.Release()
	sc.src, sc.buf, sc.r, sc.w, sc.eof, sc.lines = nil, data, 0, len(data), true, 0
}

// Release gives the buffer back to the pool once the document is read; one
// grown for a giant element is dropped, so that the pool does not keep it.
func (sc *Scanner) Release() {
	if sc.pooled != nil && cap(sc.buf) == BufferSize {
		buffers.Put(sc.pooled)
	}
	sc.buf, sc.pooled = nil, nil
}

// Bytes is the buffer up to what has been read: positions index it.
func (sc *Scanner) Bytes() []byte { return sc.buf[:sc.w] }

// Pos is the first byte not yet consumed, where the step function starts.
func (sc *Scanner) Pos() int { return sc.r }

// SetPos consumes the bytes before p: reading more may drop them.
func (sc *Scanner) SetPos(p int) { sc.r = p }

// AtEOF reports whether the whole source is in the buffer.
func (sc *Scanner) AtEOF() bool { return sc.eof }

// Run calls step until it returns io.EOF (the document is read) or another
// error. On ErrNeedMore it reads more and calls step again; at the end of
// the source that is a *TruncatedError.
func (sc *Scanner) Run(step func() error) error {
	for {
		switch err := step(); err {
		case nil:
		case io.EOF:
			return nil
		case ErrNeedMore:
			if sc.eof {
				return sc.Truncated()
			}
			if err := sc.fill(); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// fill drops the consumed bytes and reads more: as much as fits, growing
// the buffer when the unconsumed bytes already fill it.
func (sc *Scanner) fill() error {
	if sc.eof {
		return nil
	}
	if sc.r > 0 {
		sc.lines += bytes.Count(sc.buf[:sc.r], []byte{'\n'})
		sc.w = copy(sc.buf, sc.buf[sc.r:sc.w])
		sc.r = 0
	}
	if sc.w == len(sc.buf) {
		nb := make([]byte, 2*len(sc.buf))
		copy(nb, sc.buf[:sc.w])
		sc.buf = nb
	}
	start := sc.w
	for sc.w < len(sc.buf) {
		n, err := sc.src.Read(sc.buf[sc.w:])
		sc.w += n
		if err == io.EOF {
			sc.eof = true
			break
		}
		if err != nil {
			return err
		}
		if n == 0 && sc.w > start {
			break
		}
	}
	return nil
}

// lineAt is the line of buf[pos].
func (sc *Scanner) lineAt(pos int) int {
	if pos > sc.w {
		pos = sc.w
	}
	return sc.lines + bytes.Count(sc.buf[:pos], []byte{'\n'}) + 1
}

// Syntax is a *SyntaxError at buf[pos].
func (sc *Scanner) Syntax(pos int, format string, args ...any) error {
	return &SyntaxError{Line: sc.lineAt(pos), Msg: fmt.Sprintf(format, args...)}
}

// Truncated is a *TruncatedError at the end of what has been read.
func (sc *Scanner) Truncated() error { return &TruncatedError{Line: sc.lineAt(sc.w)} }
