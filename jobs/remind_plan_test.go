package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
)

const planConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 1m, workers: 2}
departments:
  - {id: edu, name: 市教育局, contacts: [edu@example.org], sources: [{dir: inbox/edu}]}
  - {id: finance, name: 市财政局, contacts: [finance@example.org], sources: [{dir: inbox/finance}]}
  - {id: stats, name: 市统计局, contacts: [stats@example.org], sources: [{dir: inbox/stats}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu, required: true}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, required: true}
  - {id: stats.population, name: 常住人口, unit: 人, owner: stats, required: true}
deadlines:
  - {name: 年报数据报送, due: "2025-03-31", remind: [7d, 3d, 1d]}
mail: {from: duban@example.org, coordinators: [duban@example.org], dir: outbox}
`

// planFixture is a mailing whose mail server is down until up is set, and
// whose clock is now.
type planFixture struct {
	*fixture
	now       time.Time
	up        bool
	delivered []sheaf.OutboxMessage
	m         *Mailing
}

func newPlanFixture(t *testing.T) *planFixture {
	p := &planFixture{fixture: newFixture(t, planConfig)}
	mailer := mailerFunc(func(ctx context.Context, m sheaf.OutboxMessage) error {
		if !p.up {
			return errors.New("dial tcp 127.0.0.1:25: connect: connection refused")
		}
		p.delivered = append(p.delivered, m)
		return nil
	})
	now := func() time.Time { return p.now }
	p.db.Now = now
	sender := LockedSender(p.cfg, p.db, mailer, nil)
	sender.Now = now
	syncer := &Syncer{Config: p.cfg, DB: p.db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
	p.m = &Mailing{Config: p.cfg, DB: p.db, Syncer: syncer, Sender: sender, Now: now}
	return p
}

func (p *planFixture) remind() *MailReport {
	p.t.Helper()
	rep, err := p.m.Remind(context.Background(), "test", time.Time{})
	if err != nil {
		p.t.Fatal(err)
	}
	return rep
}

func (p *planFixture) plan() map[string]string {
	p.t.Helper()
	ns, err := PlanReminders(context.Background(), p.cfg, p.db, p.now, time.Time{})
	if err != nil {
		p.t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range ns {
		out[n.DedupKey] = n.Outbox
	}
	return out
}

// TestDryRunDecidesAsRemindDoes: the dry run (PlanReminders on the stored
// data) skips a department whose source failed, as remind does, lists the
// same decisions, and says which were queued or sent already.
func TestDryRunDecidesAsRemindDoes(t *testing.T) {
	p := newPlanFixture(t)
	if err := os.RemoveAll(filepath.Join(p.dir, "inbox/stats")); err != nil { // the share is gone
		t.Fatal(err)
	}
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, p.cfg.Cycle.Location)
	p.now = due.Add(-3*24*time.Hour + time.Hour)
	p.sync()
	want := map[string]string{"remind/年报数据报送/edu/3d": "", "remind/年报数据报送/finance/3d": ""}
	if got := p.plan(); !maps(got, want) {
		t.Fatalf("dry run before remind: %v, want %v (stats' source failed: skipped)", got, want)
	}
	rep := p.remind() // the server is down
	if rep.Planned != 2 || rep.Queued != 2 {
		t.Fatalf("remind: %+v, want the two decisions of the dry run", rep)
	}
	for k := range want {
		want[k] = sheaf.OutboxQueued
	}
	if got := p.plan(); !maps(got, want) {
		t.Errorf("dry run after remind: %v, want %v", got, want)
	}
	p.up = true
	p.now = p.now.Add(time.Hour) // past the retry's backoff
	p.remind()
	for k := range want {
		want[k] = sheaf.OutboxSent
	}
	if got := p.plan(); !maps(got, want) {
		t.Errorf("dry run after delivery: %v, want %v", got, want)
	}
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestNoticeRewrittenWhenItOwesLess: an overdue notice queued while the
// server is down lists two items; the department sends one of them, and
// the notice leaves listing only the other.
func TestNoticeRewrittenWhenItOwesLess(t *testing.T) {
	p := newPlanFixture(t)
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, p.cfg.Cycle.Location)
	p.now = due.Add(time.Hour)
	p.remind()
	p.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	p.up = true
	p.now = p.now.Add(time.Hour)
	p.remind() // syncs, decides nothing new this period, delivers
	var edu *sheaf.OutboxMessage
	for i, m := range p.delivered {
		if slices.Contains(m.To, "edu@example.org") {
			edu = &p.delivered[i]
		}
	}
	if edu == nil {
		t.Fatalf("edu's notice was not delivered: %d messages", len(p.delivered))
	}
	if !strings.Contains(edu.Subject, "尚有 1 项") || strings.Contains(edu.BodyText, "学校总数") ||
		!strings.Contains(edu.BodyText, "在校生数") {
		t.Errorf("edu's notice was not rewritten to what it owes now:\n%s\n%s", edu.Subject, edu.BodyText)
	}
}

// TestOverdueNoticeExpiresAtTheNextPeriod: an overdue notice still queued
// when the next one is due is never delivered; the next one is.
func TestOverdueNoticeExpiresAtTheNextPeriod(t *testing.T) {
	p := newPlanFixture(t)
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, p.cfg.Cycle.Location)
	p.now = due.Add(time.Hour)
	if rep := p.remind(); rep.Queued != 3 || rep.Sent != 0 {
		t.Fatalf("first period, the server down: %+v, want 3 queued (edu, finance, stats)", rep)
	}
	p.up = true
	p.now = due.Add(25 * time.Hour)
	p.remind()
	msgs, err := p.db.Outbox(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		period0 := strings.HasSuffix(m.DedupKey, "/0")
		switch {
		case period0 && (m.State != sheaf.OutboxFailed || !strings.Contains(m.LastError, "过期")):
			t.Errorf("%s is %s (%q), want expired", m.DedupKey, m.State, m.LastError)
		case !period0 && m.State != sheaf.OutboxSent:
			t.Errorf("%s is %s (%q), want sent", m.DedupKey, m.State, m.LastError)
		}
	}
	for _, m := range p.delivered {
		if strings.HasSuffix(m.DedupKey, "/0") {
			t.Errorf("the first period's notice %s was delivered a period late", m.DedupKey)
		}
	}
}

// TestOlderDigestNeverArrivesAfterANewerOne: two digests are queued while
// the mail server is down; when it is back, only the newer is delivered,
// the older cancelled.
func TestOlderDigestNeverArrivesAfterANewerOne(t *testing.T) {
	p := newPlanFixture(t)
	day := time.Date(2025, 3, 20, 17, 30, 0, 0, p.cfg.Cycle.Location)
	for i := range 2 {
		p.now = day.Add(time.Duration(i) * 24 * time.Hour)
		if _, err := p.m.Digest(context.Background(), "test", p.now); err != nil {
			t.Fatal(err)
		}
	}
	p.up = true
	p.now = p.now.Add(time.Hour)
	if _, _, err := p.m.Sender.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(p.delivered) != 1 || p.delivered[0].DedupKey != "digest/2025-03-21T17:30" {
		var keys []string
		for _, m := range p.delivered {
			keys = append(keys, m.DedupKey)
		}
		t.Fatalf("delivered %q, want only the newer digest", keys)
	}
	msgs, err := p.db.Outbox(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.DedupKey == "digest/2025-03-20T17:30" && (m.State != sheaf.OutboxCancelled || m.LastError == "") {
			t.Errorf("the older digest is %s (%q), want cancelled with the reason", m.State, m.LastError)
		}
	}
}
