package jobs

import (
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestReminderAsksAboutAnUnrecognisedRow: a missing figure that probably
// is a row sheaf did not recognise is asked about (需核实), not listed as
// unsent (未报送).
func TestReminderAsksAboutAnUnrecognisedRow(t *testing.T) {
	cfg := loadRemindConfig(t)
	f := flag("missing", "edu", "students.total", "", "open", "尚未读到市教育局的在校生数（2024年，人）：可能是「其中：在校学生」行（快报.xlsx 快报!A8），请确认")
	f.Subject = sheaf.MissingUnrecognisedRow
	got := owedItems(cfg, cfg.Deadlines[0], "edu", []storage.StoredFlag{f})
	if len(got) != 1 || !strings.HasPrefix(got[0], "【需核实】尚未读到市教育局的在校生数") {
		t.Errorf("owed items: %q", got)
	}
}
