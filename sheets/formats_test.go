package sheets

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"
)

// An Excel binary workbook (also one renamed .xlsx) and an Excel 2003 XML
// workbook (also one named .xls) are explained in plain words; an empty
// .xlsb is reported empty.
func TestUnsupportedWorkbooksAreExplained(t *testing.T) {
	var xlsb bytes.Buffer
	zw := zip.NewWriter(&xlsb)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.bin", "xl/worksheets/sheet1.bin"} {
		w, _ := zw.Create(name)
		w.Write([]byte("binary"))
	}
	zw.Close()
	const binary = "文件为 Excel 二进制工作簿（.xlsb），sheaf 无法读取，请用 Excel 打开后另存为 .xlsx 格式再报送"
	const xml2003 = "文件为 Excel 2003 XML 表格（XML 电子表格 2003），sheaf 无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送"
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"xlsb", "报表.xlsb", xlsb.Bytes(), binary},
		{"xlsb renamed xlsx", "报表.xlsx", xlsb.Bytes(), binary},
		{"2003 xml", "报表.xml", []byte(spreadsheetML2003), xml2003},
		{"2003 xml named xls", "报表.xls", []byte(spreadsheetML2003), xml2003},
		{"empty xlsb", "报表.xlsb", nil, "文件为空（0 字节），可能仍在复制中或未保存完整，请重新保存后再报送"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadWorkbook(tc.file, tc.data, Limits{})
			var ue *UnreadableError
			if !errors.As(err, &ue) || ue.Reason != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
		})
	}
}

// A web page Excel saved as .xls names Excel.Sheet too; it is reported as
// a web page, not as an Excel 2003 XML workbook.
func TestWebPageIsNotSpreadsheetML(t *testing.T) {
	page := []byte(`<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:spreadsheet">
<head><meta name=ProgId content=Excel.Sheet></head><body><table><tr><td>学校总数</td></tr></table></body></html>`)
	if SpreadsheetML(page) {
		t.Fatal("a web page taken for SpreadsheetML")
	}
	_, err := ReadWorkbook("报表.xls", page, Limits{})
	var ue *UnreadableError
	if !errors.As(err, &ue) || !bytes.Contains([]byte(ue.Reason), []byte("网页（HTML）")) {
		t.Fatalf("err = %v", err)
	}
}

// spreadsheetML2003 is an Excel 2003 XML workbook as Excel writes it.
const spreadsheetML2003 = `<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">学校总数</Data></Cell></Row></Table></Worksheet>
</Workbook>
`
