package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/notify"
	"github.com/sheaf-dev/sheaf/storage"
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

// TestDraftMailKeyIsTheDecision: the same draft decided twice a few seconds
// apart (two processes, or a retried command) queues one mail; a scheduled
// draft is keyed by its scheduled time, whatever the clock says.
func TestDraftMailKeyIsTheDecision(t *testing.T) {
	f := newFixture(t, mailConfig)
	if err := os.WriteFile(filepath.Join(f.dir, "report.md.tmpl"), []byte("# 报告\n\n学校{{fig \"schools.total\"}}。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.setConfig(mailConfig + "report: {template: report.md.tmpl}\n")
	f.sync()
	mailer, err := notify.FromConfig(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	scheduled := time.Date(2025, 3, 10, 9, 0, 0, 0, f.cfg.Cycle.Location)
	tests := []struct {
		name      string
		scheduled time.Time
		want      []int // messages queued by each of the two drafts
	}{
		{"by hand, same data", time.Time{}, []int{1, 0}},
		{"scheduled", scheduled, []int{1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, want := range tc.want {
				now := f.now.Add(time.Duration(i) * 7 * time.Second)
				m := &Mailing{Config: f.cfg, DB: f.db, Sender: LockedSender(f.cfg, f.db, mailer, nil), Now: func() time.Time { return now }}
				rep, err := m.Draft(context.Background(), "test", tc.scheduled, filepath.Join(f.dir, "drafts"), DraftFormats("md"))
				if err != nil {
					t.Fatal(err)
				}
				if rep.Queued != want {
					t.Errorf("draft %d at %s queued %d, want %d", i+1, now.Format("15:04:05"), rep.Queued, want)
				}
			}
		})
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

// TestDraftsOfOneSecondKeepTheirFiles: a draft made by hand in the same
// second as another (the scheduled one) gets names of its own, rather than
// overwriting the files the other just wrote (and mailed).
func TestDraftsOfOneSecondKeepTheirFiles(t *testing.T) {
	f := newFixture(t, testConfig)
	if err := os.WriteFile(filepath.Join(f.dir, "report.md.tmpl"), []byte("# 测试报告\n\n学校{{fig \"schools.total\"}}。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.setConfig(testConfig + "report: {template: report.md.tmpl}\n")
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	out := filepath.Join(f.dir, "drafts")
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	m := &Mailing{Config: f.cfg, DB: f.db, Now: func() time.Time { return at },
		Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }}}
	first, err := m.Draft(context.Background(), "test", time.Time{}, out, DraftFormats("md"))
	if err != nil {
		t.Fatal(err)
	}
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 45, "所", ""})
	second, err := m.Draft(context.Background(), "test", time.Time{}, out, DraftFormats("md"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Files[0] == second.Files[0] {
		t.Fatalf("both drafts wrote %s", first.Files[0])
	}
	if md, _ := os.ReadFile(first.Files[0]); !strings.Contains(string(md), "学校44所") {
		t.Errorf("the first draft was overwritten:\n%s", md)
	}
	if md, _ := os.ReadFile(second.Files[0]); !strings.Contains(string(md), "学校45所") {
		t.Errorf("the second draft:\n%s", md)
	}
}

// TestDraftSaysWhatWasAccepted: accepting a flag takes its mark out of the
// next draft; the change list says so, with the explanation, rather than
// "0 changes" for a draft that now reads differently.
func TestDraftSaysWhatWasAccepted(t *testing.T) {
	f := newFixture(t, testConfig)
	if err := os.WriteFile(filepath.Join(f.dir, "report.md.tmpl"), []byte("# 测试报告\n\n在校生{{fig \"students.total\"}}。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.setConfig(testConfig + "report: {template: report.md.tmpl}\n")
	f.workbook("inbox/edu/a.xlsx", []any{"students.total", "在校生数", "2024", "约3.6万", "人", ""})
	m := &Mailing{Config: f.cfg, DB: f.db, Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }}}
	if _, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(f.dir, "d1"), DraftFormats("md")); err != nil {
		t.Fatal(err)
	}
	open := f.openFlags()
	if len(open) == 0 {
		t.Fatal("no open flag to accept")
	}
	var approx *storage.StoredFlag
	for i := range open {
		if open[i].Kind == sheaf.KindApproximate {
			approx = &open[i]
		}
	}
	if approx == nil {
		t.Fatalf("no approximate flag among %+v", open)
	}
	f.db.Now = func() time.Time { return time.Now().Add(time.Minute) }
	if err := f.db.AcceptFlag(context.Background(), approx.ID, "以年报为准", "督导室"); err != nil {
		t.Fatal(err)
	}
	rep, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(f.dir, "d2"), DraftFormats("md"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes == 0 {
		t.Fatalf("the draft after accepting a flag says 0 changes")
	}
}
