package sheets

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestDate1904Corpus: Apache POI's workbooks in the 1904 system read the
// same with both readers (or the fast one leaves them to the careful one),
// and every date cell says its system.
func TestDate1904Corpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpora", "poi-other")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xls[xm]"))
	if len(files) == 0 {
		t.Skip("no corpus at " + dir)
	}
	n1904 := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		is1904 := workbookXMLHas(data, `date1904="1"`) || workbookXMLHas(data, `date1904="true"`)
		if !is1904 {
			continue
		}
		n1904++
		compareReaders(t, f, data)
		shs, err := carefulSheets(f, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		dates := 0
		for _, sh := range shs {
			for _, r := range sh.Rows {
				for _, c := range r.Cells {
					if c.Date && c.Kind == CellNumber {
						dates++
						if !c.Date1904 {
							t.Errorf("%s %s!%s: a date cell of a 1904 workbook without Date1904", filepath.Base(f), sh.Name, c.Ref)
						}
					}
				}
			}
		}
		t.Logf("%s: %d date cells", filepath.Base(f), dates)
	}
	if n1904 == 0 {
		t.Error("no 1904 workbook in the corpus")
	}
}

func workbookXMLHas(data []byte, s string) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	zf := findZip(zr, "xl/workbook.xml")
	if zf == nil {
		return false
	}
	rc, err := zf.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return bytes.Contains(b, []byte(s))
}
