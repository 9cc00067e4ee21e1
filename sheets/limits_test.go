package sheets

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// bomb builds a 1 MB package whose sheet inflates to size bytes of spaces:
// a real deflate stream, with an honest header.
func bomb(t *testing.T, size int64) []byte {
	t.Helper()
	var comp bytes.Buffer
	w, _ := flate.NewWriter(&comp, flate.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for n := int64(0); n < size; n += int64(len(chunk)) {
		w.Write(chunk)
	}
	w.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		f, _ := zw.Create(name)
		f.Write([]byte("<x/>"))
	}
	hdr := &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		UncompressedSize64: uint64(size), CompressedSize64: uint64(comp.Len())}
	f, err := zw.CreateRaw(hdr)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestZipBombIsRefused(t *testing.T) {
	data := bomb(t, 200<<20) // 200 MiB of spaces in about 200 KB
	if len(data) > 1<<20 {
		t.Fatalf("the bomb is %d bytes, want under 1 MB", len(data))
	}
	for _, read := range []struct {
		name string
		fn   func() error
	}{
		{"careful", func() error { _, err := ReadWorkbook("bomb.xlsx", data, Limits{}); return err }},
		{"streaming", func() error { _, err := StreamWorkbook("bomb.xlsx", data, Limits{}, nopHandler{}); return err }},
	} {
		err := read.fn()
		var ue *UnreadableError
		if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "压缩比异常") {
			t.Errorf("%s reader: %v, want the bomb refused", read.name, err)
		}
	}
}

type nopHandler struct{}

func (nopHandler) Sheet(SheetInfo) bool { return true }
func (nopHandler) Row(Row) error        { return nil }
func (nopHandler) Reset()               {}

func TestOversizedPartIsRefusedFromTheDirectory(t *testing.T) {
	// The header says 4 GiB; nothing is decompressed to find out.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, _ := zw.Create("xl/workbook.xml")
	f.Write([]byte("<x/>"))
	raw, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		UncompressedSize64: 4 << 30, CompressedSize64: 1 << 20})
	raw.Write(bytes.Repeat([]byte{0}, 1<<20))
	zw.Close()
	_, err := StreamWorkbook("big.xlsx", buf.Bytes(), Limits{}, nopHandler{})
	var ue *UnreadableError
	if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "解压后过大") {
		t.Fatalf("got %v, want the part refused as too large", err)
	}
}

type panicHandler struct{ nopHandler }

func (panicHandler) Row(Row) error { panic("a parsing library blew up") }

func TestPanicWhileReadingBecomesTheFilesError(t *testing.T) {
	data, err := os.ReadFile("testdata/small.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	_, err = StreamWorkbook("small.xlsx", data, Limits{}, panicHandler{})
	var ue *UnreadableError
	if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "读取程序出错") {
		t.Fatalf("got %v, want the panic as this file's error", err)
	}
}

// strictCopy rewrites a transitional workbook into Strict OOXML's
// namespaces, as Excel's "Strict Open XML Spreadsheet" saves it.
func strictCopy(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	repl := strings.NewReplacer(
		"http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main",
		"http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships",
	)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := zw.Create(f.Name)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			b = []byte(repl.Replace(string(b)))
		}
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

type collectRows struct {
	rows []Row
}

func (c *collectRows) Sheet(SheetInfo) bool { return true }
func (c *collectRows) Row(r Row) error      { c.rows = append(c.rows, r); return nil }
func (c *collectRows) Reset()               { c.rows = nil }

func TestStrictOOXMLIsRead(t *testing.T) {
	data, err := os.ReadFile("testdata/small.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	var plain, strict collectRows
	if _, err := StreamWorkbook("small.xlsx", data, Limits{}, &plain); err != nil {
		t.Fatal(err)
	}
	st, err := StreamWorkbook("strict.xlsx", strictCopy(t, data), Limits{}, &strict)
	if err != nil {
		t.Fatalf("Strict OOXML is not read: %v", err)
	}
	if len(strict.rows) != len(plain.rows) || strict.rows[1].Col(2).Raw != plain.rows[1].Col(2).Raw {
		t.Fatalf("Strict OOXML read %d rows (%v), want %d like the transitional file (fell back: %v)",
			len(strict.rows), strict.rows, len(plain.rows), st.FellBack)
	}
}

// TestLimitsAreConfigurable: smaller limits passed in refuse a workbook
// the defaults read, and the message says the actual size and the limit.
func TestLimitsAreConfigurable(t *testing.T) {
	data := genCorpus(t)["big.xlsx"]
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	sheet := findZip(zr, "xl/worksheets/sheet1.xml").UncompressedSize64
	cases := []struct {
		name string
		lim  Limits
		want string // the whole reason; "" when read
	}{
		{"defaults", Limits{}, ""},
		{"part", Limits{PartSize: 64 << 10},
			"文件解压后过大（xl/worksheets/sheet1.xml 为 " + sizeWords(sheet) + "，上限 64 KB，见 sync.max_part_mb），可能已损坏或不是正常的报表，请检查后重新保存"},
		{"package", Limits{PackageSize: int64(total - 1)},
			"文件解压后过大（共 " + sizeWords(total) + "，上限 " + sizeWords(total-1) + "，见 sync.max_package_mb），请检查后重新保存"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, read := range []struct {
				name string
				fn   func() error
			}{
				{"careful", func() error { _, err := ReadWorkbook("big.xlsx", data, tc.lim); return err }},
				{"streaming", func() error { _, err := StreamWorkbook("big.xlsx", data, tc.lim, nopHandler{}); return err }},
			} {
				err := read.fn()
				if tc.want == "" {
					if err != nil {
						t.Errorf("%s: %v", read.name, err)
					}
					continue
				}
				var ue *UnreadableError
				if !errors.As(err, &ue) || ue.Reason != tc.want {
					t.Errorf("%s: %v\nwant %s", read.name, err, tc.want)
				}
			}
		})
	}
}
