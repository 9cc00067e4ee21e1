package sheets

import (
	"bytes"
	"path"
	"strings"
)

// Workbook formats that Excel writes and sheaf does not read, recognised so
// that a department hears what to do instead of "not a workbook".

// XMLSniff is how many bytes of an .xml file are read to tell whether it is an
// Excel 2003 XML workbook: its processing instruction and root element
// come first.
const XMLSniff = 4096

// SpreadsheetML reports whether the start of a file is an Excel 2003 XML
// workbook (SpreadsheetML): an XML document with the
// <?mso-application progid="Excel.Sheet"?> instruction or the
// office:spreadsheet namespace.
func SpreadsheetML(head []byte) bool {
	if len(head) > XMLSniff {
		head = head[:XMLSniff]
	}
	head = bytes.ToLower(bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))))
	// An XML document; a web page saved as .xls names Excel too.
	if !bytes.HasPrefix(head, []byte("<?xml")) && !bytes.HasPrefix(head, []byte("<workbook")) {
		return false
	}
	return bytes.Contains(head, []byte(`progid="excel.sheet"`)) ||
		bytes.Contains(head, []byte("urn:schemas-microsoft-com:office:spreadsheet"))
}

// unsupportedWorkbook says why a workbook in a format Excel writes but
// sheaf does not read cannot be read: an Excel binary workbook (.xlsb,
// also one renamed .xlsx) or an Excel 2003 XML workbook (whatever its
// extension). nil for anything else, and for an empty file (which is
// reported as empty).
func unsupportedWorkbook(name string, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	ext := strings.ToLower(path.Ext(name))
	switch {
	case ext == ".xlsb", bytes.HasPrefix(data, zipMagic) && bytes.Contains(data, []byte("xl/workbook.bin")):
		return unreadable(name, "文件为 Excel 二进制工作簿（.xlsb），sheaf 无法读取，请用 Excel 打开后另存为 .xlsx 格式再报送")
	case ext != ".csv" && SpreadsheetML(data):
		return unreadable(name, "文件为 Excel 2003 XML 表格（XML 电子表格 2003），sheaf 无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送")
	}
	return nil
}
