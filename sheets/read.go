package sheets

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// UnreadableError says why a file cannot be read, in words a department
// understands, and what to do about it.
type UnreadableError struct {
	File   string
	Reason string
}

func (e *UnreadableError) Error() string { return e.File + ": " + e.Reason }

func unreadable(file, format string, args ...any) error {
	return &UnreadableError{File: file, Reason: fmt.Sprintf(format, args...)}
}

// Magic numbers of the formats that land in shared folders.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ReadWorkbook reads a spreadsheet's content into sheets. name is used for
// the file's kind (by extension, checked against the content) and in errors.
// Whatever cannot be read is an error that says what the file really is.
func ReadWorkbook(name string, data []byte) (sheets []Sheet, err error) {
	// A parsing library must never take the sync down with it: a panic on a
	// strange file becomes that file's error.
	defer func() {
		if r := recover(); r != nil {
			sheets, err = nil, unreadable(name, "the file could not be read (reader crashed: %v); open it and save it again as .xlsx", r)
		}
	}()
	ext := strings.ToLower(path.Ext(name))
	switch {
	case len(data) == 0:
		return nil, unreadable(name, "the file is empty (0 bytes); it may still be copying, or was saved incompletely")
	case bytes.HasPrefix(data, oleMagic):
		if bytes.Contains(data, utf16("EncryptionInfo")) {
			return nil, unreadable(name, "the workbook is password-protected; remove the password (文件→信息→保护工作簿) or give sheaf the password")
		}
		return nil, unreadable(name, "this is a legacy Excel 97-2003 workbook (.xls); open it and save it as Excel Workbook (.xlsx)")
	case looksLikeHTML(data):
		return nil, unreadable(name, "this is a web page (HTML) saved with a %s name, not a real workbook; open it in Excel or WPS and save it as .xlsx", ext)
	case ext == ".csv":
		return readCSV(name, data)
	case ext == ".et" || ext == ".ods" || ext == ".numbers":
		return nil, unreadable(name, "%s files are not read; open it and save it as Excel Workbook (.xlsx)", ext)
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(name, data)
	case ext == ".xls":
		return nil, unreadable(name, "the file has an .xls name but is not an Excel workbook; open it and save it as .xlsx")
	default:
		return nil, unreadable(name, "the file is not a workbook (no .xlsx content); it may be truncated or corrupt; save it again as .xlsx")
	}
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
