package report

import "testing"

func TestSafeCells(t *testing.T) {
	tests := []struct {
		in   any
		want any
	}{
		{"=HYPERLINK(\"http://x\",\"点此\")", "'=HYPERLINK(\"http://x\",\"点此\")"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"学校总数", "学校总数"},
		{"", ""},
		{36614.0, 36614.0},
	}
	for _, tc := range tests {
		got := safeCells([]any{tc.in})[0]
		if got != tc.want {
			t.Errorf("safeCells(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
