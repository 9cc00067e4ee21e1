package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestDigestListsAnswersWaiting: a department's answer the coordinator has
// yet to accept or reject is in the digest as 待确认; a rejected one is not.
func TestDigestListsAnswersWaiting(t *testing.T) {
	cfg := loadRemindConfig(t)
	now := time.Date(2025, 3, 21, 9, 0, 0, 0, cfg.Cycle.Location)
	waiting := flag("range", "edu", "students.total", "", "open", "在校生数超出合理范围", "edu")
	waiting.ID = 7
	rejected := flag("missing", "finance", "fund.edu_spend", "", "open", "市财政局未报送一般公共预算教育支出")
	rejected.ID = 8
	answers := map[int64][]storage.FlagAnswer{
		7: {{FlagID: 7, Department: "edu", Note: "含民办学校在校生", By: "张三", At: now.Add(-time.Hour), State: sheaf.AnswerPending}},
		8: {{FlagID: 8, Department: "finance", Note: "下周报送", State: sheaf.AnswerRejected}},
	}
	d := composeDigest(cfg, now, DigestInput{Flags: []storage.StoredFlag{waiting, rejected}, AsOf: now, Answers: answers})
	text, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "部门答复待确认") || !strings.Contains(text, "（问题 7）市教育局的答复待确认：含民办学校在校生（张三") {
		t.Errorf("digest lacks the answer waiting:\n%s", text)
	}
	if strings.Contains(text, "下周报送") {
		t.Errorf("digest lists a rejected answer as waiting:\n%s", text)
	}
}
