// Package xls reads the record layer of legacy Excel workbooks: BIFF8
// (Excel 97–2003, the "Workbook" stream) and BIFF5/BIFF7 (Excel 5 and 95,
// the "Book" stream) inside an OLE2 compound file (read with mscfb). It
// gives each sheet's cells as stored (numbers, text, booleans, errors,
// formulas' cached results) with their number format codes; package sheets
// turns them into its rows and cells as it does for .xlsx.
//
// Reading is bounded: every record length is checked against its stream,
// every count against the bytes that hold it, and the stream against a size
// limit. A stream damaged part way is read up to the damage and the damage
// is reported (Sheet.Damage, Workbook.Damage).
package xls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/richardlehane/mscfb"
)

// Kind is what a cell holds.
type Kind uint8

// The cell kinds.
const (
	Number Kind = iota + 1
	Text
	Bool
	Error
)

// Cell is one stored cell. Row and Col are 0-based.
type Cell struct {
	Row, Col int
	Kind     Kind
	Num      float64 // Number; Bool as 0 or 1
	Str      string  // Text; Error as its text (#DIV/0!)
	XF       uint16  // the cell's format record (Workbook.Format)
	// Formula is set for a formula's cached result; FormulaText is the
	// formula without "=", or "" when it uses what the decompiler does not
	// know.
	Formula     bool
	FormulaText string
}

// Range is a merged range, 0-based, both ends inclusive.
type Range struct{ FirstRow, LastRow, FirstCol, LastCol int }

// Sheet visibility (BOUNDSHEET hsState).
const (
	Visible    = 0
	Hidden     = 1
	VeryHidden = 2
)

// Sheet types (BOUNDSHEET dt).
const (
	Worksheet  = 0
	MacroSheet = 1
	ChartSheet = 2
	VBModule   = 6
)

// Sheet is one sheet of the workbook.
type Sheet struct {
	Name       string
	Visibility int
	Type       int
	Cells      []Cell // in stream order
	Merges     []Range
	HiddenRows map[int]bool // 0-based rows with the hidden flag
	// Damage says where the sheet's records stop being readable; its cells
	// are those read before. "" for an intact sheet.
	Damage string
}

// Workbook is what the workbook stream holds.
type Workbook struct {
	// BIFF is 8 for Excel 97–2003, 5 for Excel 5/95 (BIFF7 included).
	BIFF     int
	Date1904 bool
	Sheets   []Sheet
	// Damage says where the workbook globals stop being readable ("" when
	// intact); sheets after it are missing.
	Damage  string
	formats map[uint16]string
	xfs     []uint16 // format id per XF record
}

// Format is the number format of an XF record: the format code the file
// defines for it, or "" and the built-in format id.
func (w *Workbook) Format(xf uint16) (code string, id int) {
	if int(xf) >= len(w.xfs) {
		return "", 0
	}
	f := w.xfs[xf]
	if code, ok := w.formats[f]; ok {
		return code, int(f)
	}
	return "", int(f)
}

// Errors that say what a file is when it cannot be read.
var (
	// ErrNotWorkbook: the compound file holds no workbook stream (a Word
	// document, another program's file).
	ErrNotWorkbook = errors.New("no workbook stream")
	// ErrTooOld: a BIFF2–BIFF4 workbook (Excel 2.x–4.0).
	ErrTooOld = errors.New("BIFF4 or older")
	// ErrTooLarge: the workbook stream is larger than the limit.
	ErrTooLarge = errors.New("workbook stream too large")
)

// EncryptedError is a workbook with a FILEPASS record that could not be
// decrypted: with no password, or a scheme this package does not decrypt.
type EncryptedError struct {
	// Scheme names the encryption: "XOR", "RC4", "CryptoAPI RC4".
	Scheme string
	// Tried is set when a password was tried and did not open it.
	Tried bool
}

func (e *EncryptedError) Error() string { return "encrypted (" + e.Scheme + ")" }

// Stream finds the workbook stream of a compound file and reads it, at most
// limit bytes. A stream cut short by a damaged container is returned with
// what could be read and damaged set.
func Stream(data []byte, limit int64) (stream []byte, damaged bool, err error) {
	// mscfb indexes past its slices on some damaged directories: that is
	// the file's damage, not the reader's fault.
	defer func() {
		if r := recover(); r != nil {
			stream, damaged, err = nil, false, fmt.Errorf("复合文档的目录已损坏（%v）", r)
		}
	}()
	if err := checkHeader(data); err != nil {
		return nil, false, err
	}
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	var book, workbook *mscfb.File
	for _, f := range doc.File {
		if len(f.Path) != 0 {
			continue // a stream of an embedded object
		}
		switch {
		case strings.EqualFold(f.Name, "Workbook"):
			workbook = f
		case strings.EqualFold(f.Name, "Book"):
			book = f
		}
	}
	f := workbook
	if f == nil {
		f = book
	}
	if f == nil {
		return nil, false, ErrNotWorkbook
	}
	// The directory's size may be wrong (its high half is undefined in
	// version 3 files): read what the sector chain holds, up to the limit.
	size := f.Size & 0xFFFFFFFF
	if size > limit {
		return nil, false, ErrTooLarge
	}
	// A stream cannot be longer than its container: a directory claiming
	// more is damaged, and is read until its sectors run out.
	buf := make([]byte, 0, min(size, int64(len(data))))
	chunk := make([]byte, 4096)
	for int64(len(buf)) < size {
		n, rerr := f.Read(chunk[:min(int64(len(chunk)), size-int64(len(buf)))])
		buf = append(buf, chunk[:n]...)
		if rerr != nil {
			if errors.Is(rerr, io.EOF) && int64(len(buf)) >= size {
				break
			}
			return buf, true, nil
		}
		if n == 0 {
			return buf, true, nil
		}
	}
	return buf, false, nil
}

// checkHeader refuses a compound file whose header counts more sectors of
// a kind than the file holds: mscfb allocates by those counts before it
// reads a sector, and a fuzzed count of billions is an allocation that
// kills the process rather than an error.
func checkHeader(data []byte) error {
	if len(data) < 512 {
		return errors.New("复合文档头不完整")
	}
	shift := binary.LittleEndian.Uint16(data[30:])
	if shift != 9 && shift != 12 {
		return fmt.Errorf("复合文档的扇区大小无效（%d）", shift)
	}
	sectors := uint64(len(data))>>shift + 1
	for _, f := range []struct {
		off  int
		what string
	}{{40, "目录"}, {44, "FAT"}, {64, "mini FAT"}, {72, "DIFAT"}} {
		if n := uint64(binary.LittleEndian.Uint32(data[f.off:])); n > sectors {
			return fmt.Errorf("复合文档头登记了 %d 个%s扇区，文件只有 %d 个扇区", n, f.what, sectors)
		}
	}
	return nil
}
