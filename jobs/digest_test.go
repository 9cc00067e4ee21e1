package jobs

import (
	"strings"
	"testing"
	"time"

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
