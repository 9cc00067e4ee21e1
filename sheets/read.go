package sheets

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// UnreadableError says why a file cannot be read, in words a department
// understands, and what to do about it.
type UnreadableError struct {
	File string
	// Reason is for the department, in its words; Detail is the reading
	// library's or the system's error, for the administrator's log.
	Reason, Detail string
	// password: the workbook opens only with a password (errors.Is
	// ErrPassword).
	password bool
}

// ErrPassword matches (errors.Is) the error of a workbook that opens only
// with a password.
var ErrPassword = errors.New("the workbook needs a password")

// Is makes a password-protected workbook's error ErrPassword.
func (e *UnreadableError) Is(target error) bool { return target == ErrPassword && e.password }

func (e *UnreadableError) Error() string {
	if e.Detail != "" {
		return e.File + ": " + e.Reason + " (" + e.Detail + ")"
	}
	return e.File + ": " + e.Reason
}

func unreadable(file, format string, args ...any) error {
	return &UnreadableError{File: file, Reason: fmt.Sprintf(format, args...)}
}

// unreadableBy is unreadable for a file a library or the system could not
// read: its error goes to Detail, never into the department's Reason
// (Go's words, a server's paths).
func unreadableBy(cause any, file, format string, args ...any) error {
	return &UnreadableError{File: file, Reason: fmt.Sprintf(format, args...), Detail: fmt.Sprint(cause)}
}

// Magic numbers of the formats that land in shared folders.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ReadWorkbook reads a spreadsheet's content into sheets with the careful
// reader. name is used for the file's kind (by extension, checked against
// the content) and in errors. Whatever cannot be read is an error that says
// what the file really is.
func ReadWorkbook(name string, data []byte, lim Limits) (sheets []Sheet, err error) {
	// A parsing library must never take the sync down with it: a panic on a
	// strange file becomes that file's error.
	defer recoverUnreadable(name, &err)
	if err := identify(name, data, lim); err != nil {
		return nil, err
	}
	switch {
	case isCSV(name):
		return readCSV(name, data)
	case bytes.HasPrefix(data, oleMagic), bytes.HasPrefix(data, decryptedXLS):
		return readXLSBook(name, data, lim)
	}
	return readXLSX(name, data, lim)
}

// RowHandler receives a workbook row by row.
type RowHandler interface {
	// Sheet begins a sheet and reports whether its rows are wanted.
	Sheet(info SheetInfo) bool
	// Row is one non-empty row of the current sheet, in order.
	Row(r Row) error
	// Reset drops everything received so far: the file is read again from
	// the start by the careful reader.
	Reset()
}

// StreamStats says how a workbook was read.
type StreamStats struct {
	// FellBack is set when the fast reader met something it does not handle
	// and the careful reader read the file; Reason says what.
	FellBack bool
	Reason   string
}

// StreamWorkbook reads a workbook row by row into h: .xlsx with the fast
// streaming reader, in memory that does not grow with the sheet, falling
// back to the careful reader for what the fast one does not handle; CSV as
// it is. Errors are as ReadWorkbook's.
func StreamWorkbook(name string, data []byte, lim Limits, h RowHandler) (st StreamStats, err error) {
	defer recoverUnreadable(name, &err)
	if err := identify(name, data, lim); err != nil {
		return st, err
	}
	if bytes.HasPrefix(data, oleMagic) || bytes.HasPrefix(data, decryptedXLS) {
		// A legacy workbook is read whole (its records are not in row
		// order) and given sheet by sheet.
		return st, readXLSSheets(name, data, lim, h.Sheet, h.Row)
	}
	if !isCSV(name) {
		err := streamXLSXSheets(name, data, lim, h.Sheet, func(_ string, r Row) error { return h.Row(r) }, h.Reset)
		if !errors.Is(err, errFallback) {
			return st, err
		}
		st = StreamStats{FellBack: true, Reason: err.Error()}
		h.Reset()
		// The careful reader, sheet by sheet into h.
		return st, readXLSXSheets(name, data, lim, h.Sheet, h.Row)
	}
	shs, err := ReadWorkbook(name, data, lim)
	if err != nil {
		return st, err
	}
	for _, sh := range shs {
		if !h.Sheet(sh.SheetInfo) {
			continue
		}
		for _, r := range sh.Rows {
			if err := h.Row(r); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

func recoverUnreadable(name string, err *error) {
	if r := recover(); r != nil {
		*err = unreadableBy(r, name, "文件无法读取（读取程序出错），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送")
	}
}

func isCSV(name string) bool { return strings.ToLower(path.Ext(name)) == ".csv" }

// identify says what a file is when it is not a workbook sheaf reads; nil
// for .xlsx-like packages and CSV.
func identify(name string, data []byte, lim Limits) error {
	ext := strings.ToLower(path.Ext(name))
	if err := unsupportedWorkbook(name, data); err != nil {
		return err
	}
	switch {
	case len(data) == 0:
		return errEmpty(name)
	case bytes.HasPrefix(data, decryptedXLS):
		return nil
	case bytes.HasPrefix(data, oleMagic):
		if bytes.Contains(data, utf16("EncryptionInfo")) {
			return errPassword(name)
		}
		// A legacy workbook (.xls, a WPS .et), or another compound file:
		// the xls reader says which.
		return nil
	case looksLikeHTML(data):
		return errHTML(name, ext)
	case ext == ".csv":
		return nil
	case ext == ".et" || ext == ".ods" || ext == ".numbers":
		return errOtherFormat(name, ext)
	case bytes.HasPrefix(data, zipMagic):
		return checkZipSizes(name, data, lim)
	case ext == ".xls":
		return errNotXLS(name)
	default:
		return errNotWorkbook(name)
	}
}

// What a file that is not a readable workbook really is, in words a
// department understands, and what to do.
func errEmpty(name string) error {
	return unreadable(name, "文件为空（0 字节），可能仍在复制中或未保存完整，请重新保存后再报送")
}

func errPassword(name string) error {
	return &UnreadableError{File: name, Reason: "工作簿设置了打开密码，请取消密码（文件→信息→保护工作簿）后再报送", password: true}
}

func errHTML(name, ext string) error {
	return unreadable(name, "文件实际是网页（HTML），只是扩展名为 %s，并不是真正的工作簿，请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送", ext)
}

func errOtherFormat(name, ext string) error {
	return unreadable(name, "暂不支持读取 %s 格式的文件，请另存为 Excel 工作簿（.xlsx）格式再报送", ext)
}

func errNotXLS(name string) error {
	return unreadable(name, "文件扩展名为 .xls，但内容不是 Excel 工作簿，请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送")
}

func errNotWorkbook(name string) error {
	return unreadable(name, "文件不是工作簿（没有 .xlsx 内容），可能不完整或已损坏，请重新另存为 .xlsx 格式再报送")
}

func utf16(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func looksLikeHTML(data []byte) bool {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	head = bytes.ToLower(bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))))
	for _, p := range []string{"<!doctype html", "<html", "<table", "<meta"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<table"))
}

// NeedsPassword reports whether data may be a workbook that opens only
// with a password: an OLE container (an encrypted .xlsx, or a .xls, whose
// encryption shows only as it is read). A zip package or a text file needs
// none.
func NeedsPassword(data []byte) bool { return bytes.HasPrefix(data, oleMagic) }

// EncryptedPackage reports whether data is an encrypted .xlsx: it opens
// only with its password.
func EncryptedPackage(data []byte) bool {
	return bytes.HasPrefix(data, oleMagic) && bytes.Contains(data, utf16("EncryptionInfo"))
}

// Decrypt opens a password-protected workbook (an OLE container holding
// EncryptionInfo) with the department's password, returning the package
// inside, or a legacy workbook (.xls) encrypted with RC4, returning what
// ReadWorkbook reads; any other content is returned as it is.
func Decrypt(name string, data []byte, password string) ([]byte, error) {
	if password == "" || !bytes.HasPrefix(data, oleMagic) {
		return data, nil
	}
	if !bytes.Contains(data, utf16("EncryptionInfo")) {
		// A legacy workbook (.xls) encrypted with RC4.
		return decryptXLS(name, data, password)
	}
	plain, err := excelize.Decrypt(data, &excelize.Options{Password: password})
	// A wrong password can decrypt to noise without an error: the package
	// inside must be a zip.
	if err == nil && !bytes.HasPrefix(plain, zipMagic) {
		err = errors.New("password does not match")
	}
	if err != nil {
		return nil, unreadableBy(err, name, "工作簿设置了打开密码，用配置的密码无法打开；请确认密码，或取消密码后再报送")
	}
	return plain, nil
}
