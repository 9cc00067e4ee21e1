package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDraftListsWhatChanged(t *testing.T) {
	f := newFixture(t, testConfig)
	tmpl := "# 测试报告\n\n## 一、基本情况\n\n我市现有各级各类学校{{fig \"schools.total\"}}，在校生{{fig \"students.total\"}}。\n"
	if err := os.WriteFile(filepath.Join(f.dir, "report.md.tmpl"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	f.setConfig(testConfig + "report: {template: report.md.tmpl}\n")
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	out := filepath.Join(f.dir, "drafts")
	m := &Mailing{Config: f.cfg, DB: f.db, Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }}}
	rep, err := m.Draft(context.Background(), "test", time.Time{}, out, DraftFormats("md,docx,xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 3 || rep.Changes != 0 {
		t.Fatalf("first draft: %+v", rep)
	}
	md, _ := os.ReadFile(rep.Files[0])
	if !strings.Contains(string(md), "学校44所") || !strings.Contains(string(md), "在校生【缺①】") || !strings.Contains(string(md), "【缺①】在校生数（2024年）未报送") {
		t.Fatalf("draft:\n%s", md)
	}
	// The department corrects its figure: the next draft says so.
	f.workbook("inbox/edu/b.xlsx", []any{"schools.total", "学校总数", "2024", 45, "所", ""})
	f.now = f.now.Add(time.Hour)
	rep, err = m.Draft(context.Background(), "test", time.Time{}, filepath.Join(f.dir, "drafts2"), DraftFormats("md,html"))
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(rep.Files[1])
	if rep.Changes == 0 || !strings.Contains(string(html), "学校总数（2024年）：44所 → 45所") {
		t.Fatalf("changes %d; the second draft does not list the changed figure:\n%s", rep.Changes, html)
	}
}

// TestDraftNameAndText: the file name has the title and 初稿 once; the
// plain-text mail carries the changes as the HTML does.
func TestDraftNameAndText(t *testing.T) {
	at := time.Date(2025, 3, 20, 17, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ title, want string }{
		{"2024年度履行教育职责自评", "2024年度履行教育职责自评初稿-20250320-170000"},
		{"自评报告（初稿）", "自评报告（初稿）-20250320-170000"},
	} {
		if got := draftName(tt.title, at); got != tt.want {
			t.Errorf("draftName(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
	got := draftText("# 报告\n", []string{"在校生数（2024年）：36600人 → 36614人"}, false)
	if !strings.Contains(got, "自上次初稿以来的变化：\n- 在校生数（2024年）：36600人 → 36614人\n\n# 报告") {
		t.Errorf("text:\n%s", got)
	}
}
