package sheets

// A workbook read where it lies. An .xlsx package is read through its zip
// directory, an entry at a time, so a sync holds a 6 MB workbook's
// 4 KB window, not its 6 MB (and a 200 MB one, not 200 MB). Anything else
// (CSV, .xls, an HTML page, a package the fast reader hands to the careful
// one) is read whole, as StreamWorkbook does.

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"
	"sync"
)

// input is a workbook file: its bytes in memory, or a reader at its
// content.
type input struct {
	data []byte      // the whole file, when it is in memory
	at   io.ReaderAt // otherwise
	size int64
}

func memInput(data []byte) input { return input{data: data, size: int64(len(data))} }

func (in input) readerAt() io.ReaderAt {
	if in.at == nil {
		return bytes.NewReader(in.data)
	}
	return in.at
}

// bytes is the whole file, read now if it is not in memory.
func (in input) bytes() ([]byte, error) {
	if in.at == nil {
		return in.data, nil
	}
	b := make([]byte, in.size)
	n, err := in.at.ReadAt(b, 0)
	if n == len(b) {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}

// contains says whether sep occurs anywhere in the file, reading it in
// windows that overlap by len(sep)-1 bytes.
func (in input) contains(sep []byte) (bool, error) {
	if in.at == nil {
		return bytes.Contains(in.data, sep), nil
	}
	window := int(min(64<<10, in.size))
	overlap := len(sep) - 1
	buf := make([]byte, overlap+window)
	carry := 0 // the last bytes of the window before
	for off := int64(0); off < in.size; {
		want := int(min(int64(window), in.size-off))
		n, err := in.at.ReadAt(buf[carry:carry+want], off)
		if n < want {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return false, err
		}
		total := carry + n
		if bytes.Contains(buf[:total], sep) {
			return true, nil
		}
		off += int64(n)
		carry = min(overlap, total)
		copy(buf, buf[total-carry:total])
	}
	return false, nil
}

// StreamFile is StreamWorkbook for a file read where it lies: f holds size
// bytes, and is read from as long as StreamFile runs (the caller checks
// afterwards that the file did not change meanwhile). An .xlsx package the
// fast reader reads is never held whole; anything else is read into memory
// and given to StreamWorkbook, with the same outcomes and errors.
func StreamFile(name string, f io.ReaderAt, size int64, lim Limits, h RowHandler) (st StreamStats, err error) {
	// A read of the file that fails (a network share's I/O error, a file
	// cut short) fails the whole file, whatever the readers made of it: a
	// sheet they would call damaged, a formula left uncomputed. Checked
	// after a panic is recovered, so that it is the reason given.
	fr := &failedReads{r: f}
	defer func() {
		if rerr := fr.failed(); rerr != nil {
			st, err = StreamStats{}, ReadFailed(name, rerr)
		}
	}()
	defer recoverUnreadable(name, &err)
	f = fr
	in := input{at: f, size: size}
	whole := func() (StreamStats, error) {
		data, err := in.bytes()
		if err != nil {
			return StreamStats{}, ReadFailed(name, err)
		}
		return StreamWorkbook(name, data, lim, h)
	}
	head := make([]byte, min(size, XMLSniff))
	if n, err := f.ReadAt(head, 0); n < len(head) {
		return st, ReadFailed(name, err)
	}
	ext := strings.ToLower(path.Ext(name))
	if !bytes.HasPrefix(head, zipMagic) || isCSV(name) || ext == ".xlsb" || ext == ".xls" ||
		ext == ".et" || ext == ".ods" || ext == ".numbers" {
		return whole()
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return whole() // not a readable package: the readers say so in their words
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/workbook.bin" {
			return whole() // an .xlsb renamed: StreamWorkbook says so
		}
	}
	if err := checkZipEntries(name, zr, lim); err != nil {
		return st, err
	}
	err = streamInputSheets(name, in, zr, lim, h.Sheet, func(_ string, r Row) error { return h.Row(r) }, h.Reset)
	if !errors.Is(err, errFallback) {
		return st, err
	}
	st = StreamStats{FellBack: true, Reason: err.Error()}
	h.Reset()
	data, rerr := in.bytes()
	if rerr != nil {
		return st, ReadFailed(name, rerr)
	}
	return st, readXLSXSheets(name, data, lim, h.Sheet, h.Row)
}

// ReadFailed is the error for a file whose bytes could not be read (an
// I/O error on a share, a file cut short while read).
func ReadFailed(file string, err error) error {
	return unreadableBy(err, file, "读取文件时出错，请检查文件或共享盘后重新同步")
}

// failedReads remembers the first read of a file that failed.
type failedReads struct {
	r   io.ReaderAt
	mu  sync.Mutex
	err error
}

func (fr *failedReads) ReadAt(p []byte, off int64) (int, error) {
	n, err := fr.r.ReadAt(p, off)
	if n < len(p) && err != nil {
		fr.mu.Lock()
		if fr.err == nil {
			fr.err = err
		}
		fr.mu.Unlock()
	}
	return n, err
}

func (fr *failedReads) failed() error {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	return fr.err
}
