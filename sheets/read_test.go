package sheets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadWorkbookSaysWhatTheFileIs: files that cannot be read are named
// for what they are, never as "damaged" when they are something else.
func TestReadWorkbookSaysWhatTheFileIs(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"html_as.xls", "网页（HTML）"},
		{"empty.xlsx", "文件为空（0 字节）"},
		{"truncated.xlsx", "已损坏或不完整"},
		// excelize's row reader returns the rows before the fault with no
		// error; the sheet must be reported, not stored half-read.
		{"malformed_sheet.xlsx", "工作表「数据」已损坏"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			shs, err := ReadWorkbook(tc.file, data, Limits{})
			var ue *UnreadableError
			if !errors.As(err, &ue) {
				t.Fatalf("got %d sheets and error %v, want an UnreadableError", len(shs), err)
			}
			if !strings.Contains(ue.Reason, tc.want) || ue.File != tc.file {
				t.Errorf("reason %q for %s, want it to say %q", ue.Reason, ue.File, tc.want)
			}
		})
	}
}

func TestClassifyFormat(t *testing.T) {
	tests := []struct {
		code          string
		percent, date bool
	}{
		{"General", false, false},
		{"0.00%", true, false},
		{`0.0"%"`, false, false},
		{`yyyy\年`, false, true},
		{`yyyy"年"m"月"d"日"`, false, true},
		{"#,##0.00", false, false},
		{`[$-804]yyyy/m/d`, false, true},
		{`0.00_);[Red]\(0.00\)`, false, false},
	}
	for _, tc := range tests {
		got := classifyFormat(tc.code)
		if got.percent != tc.percent || got.date != tc.date {
			t.Errorf("classifyFormat(%q) = %+v, want percent %v date %v", tc.code, got, tc.percent, tc.date)
		}
	}
}
