package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/storage"
)

func TestComposeDigest(t *testing.T) {
	cfg := loadRemindConfig(t)
	loc := cfg.Cycle.Location
	since := time.Date(2025, 3, 20, 17, 30, 0, 0, loc)
	now := since.Add(24 * time.Hour)
	conflict := flag("conflict", "edu", "students.total", "", "open", "在校生数（2024年）数值不一致", "edu", "stats")
	conflict.OpenedAt = since.Add(time.Hour)
	standard := flag("rule", "edu", "", "special_std", "open", "特教生师比高于标准", "edu")
	standard.OpenedAt = since.Add(-48 * time.Hour)
	fixed := flag("missing", "finance", "fund.edu_spend", "", "resolved", "市财政局未报送一般公共预算教育支出（2024年，单位：万元）")
	fixed.ResolvedAt = since.Add(2 * time.Hour)
	old := flag("missing", "finance", "fund.other", "", "resolved", "很早以前解决的问题")
	old.ResolvedAt = since.Add(-72 * time.Hour)
	files := []storage.FileSummary{
		{Department: "finance", Path: "经费.xlsx", Present: true, Outcome: "ok", Received: since.Add(2 * time.Hour)},
		{Department: "edu", Path: "教育.xlsx", Present: true, Outcome: "ok", Received: since.Add(-96 * time.Hour)},
	}
	d := composeDigest(cfg, now, DigestInput{Files: files, Flags: []storage.StoredFlag{conflict, standard, fixed, old},
		Since: since, AsOf: now})
	subject := d.Subject
	text, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"市教育局：已报送 1 个文件", "市统计局：未报送",
		"三、数值不一致", "在校生数（2024年）数值不一致", "市统计局 inbox/stats/报表.xlsx Sheet1!D4「36600」",
		"四、未达标准", "特教生师比高于标准",
		"新问题", "已解决", "市财政局未报送一般公共预算教育支出", "新报送", "市财政局 报送 经费.xlsx",
		"年报数据报送：2025-03-31 23:59",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "很早以前解决的问题") {
		t.Errorf("the digest repeats a change from before the last digest:\n%s", text)
	}
	h, err := d.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h, "<h3") || !strings.Contains(h, "三、数值不一致") || !strings.Contains(h, "「36600」") {
		t.Errorf("HTML digest:\n%s", h)
	}
	if !strings.Contains(subject, "2 项待处理") {
		t.Errorf("subject %q", subject)
	}
}

// TestDigestNamesWhereEachLineIsAbout: every change line names its
// department and file, the same line is given once, a department whose
// files are all unreadable has not submitted, and the addresses the mail
// server refused are listed.
func TestDigestNamesWhereEachLineIsAbout(t *testing.T) {
	cfg := loadRemindConfig(t)
	loc := cfg.Cycle.Location
	since := time.Date(2025, 3, 20, 17, 30, 0, 0, loc)
	now := since.Add(24 * time.Hour)
	opened := flag("range", "edu", "students.total", "", "open", "在校生数超出合理范围", "edu")
	opened.OpenedAt = since.Add(time.Hour)
	var resolved []storage.StoredFlag
	for range 3 { // one message, three flags (three periods of one figure)
		f := flag("missing", "finance", "fund.edu_spend", "", "resolved", "市财政局未报送一般公共预算教育支出")
		f.ResolvedAt = since.Add(2 * time.Hour)
		resolved = append(resolved, f)
	}
	files := []storage.FileSummary{
		{Department: "stats", Path: "损坏.xlsx", Present: true, Outcome: storage.ReadFailed, Received: since.Add(time.Hour)},
		{Department: "edu", Path: "教育.xlsx", Present: true, Outcome: "ok", Received: since.Add(-96 * time.Hour)},
	}
	refused := []storage.RefusedDelivery{{Subject: "【逾期催报】", SentAt: since.Add(3 * time.Hour),
		Refused: []sheaf.RefusedRecipient{{Address: "gone@example.org", Reason: "收件地址被拒收（550 5.1.1 mailbox unavailable）"}}}}
	d := composeDigest(cfg, now, DigestInput{Files: files, Flags: append(resolved, opened), Since: since, AsOf: now,
		Refused: refused})
	text, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"市统计局：未报送（1 个文件均无法读取）",
		"- 市教育局 inbox/edu/报表.xlsx：在校生数超出合理范围",
		"- 市财政局：市财政局未报送一般公共预算教育支出（共 3 处）",
		"【逾期催报】（2025-03-20 20:30）未送达 gone@example.org：收件地址被拒收（550 5.1.1 mailbox unavailable）",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "市财政局未报送一般公共预算教育支出"); n != 1 {
		t.Errorf("the resolved message is listed %d times:\n%s", n, text)
	}
}
