package sheets

import "testing"

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
