package sheets

import (
	"os"
	"testing"
)

// FuzzReadCSV: any bytes named .csv are one sheet or an error, never a
// panic.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("指标名称,年度,数值\n在校生数,2024,36614\n"))
	f.Add([]byte("\xef\xbb\xbf指标名称;数值\n学校总数;44\n"))
	f.Add([]byte("\xd6\xb8\xb1\xea\xc3\xfb\xb3\xc6,\xca\xfd\xd6\xb5\n"))
	f.Add([]byte("\"a,b\",\"c\"\"d\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		shs, err := ReadWorkbook("f.csv", data, Limits{})
		if err != nil {
			return
		}
		if len(shs) != 1 {
			t.Fatalf("%d sheets from one CSV", len(shs))
		}
	})
}

// FuzzReadXLS: any bytes are sheets or an error from the xls reader, never
// a panic (called without ReadWorkbook's recover, so that one shows).
func FuzzReadXLS(f *testing.F) {
	for _, name := range []string{"testdata/xls/small.xls", "testdata/xls/lo_hidden_merged.xls"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = readXLSBook("f.xls", data, Limits{})
	})
}
