package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// linkFixture is the fixture with department links: web.url and a secret.
func linkFixture(t *testing.T) (*fixture, *jobs.DepartmentLinks) {
	t.Helper()
	f := newFixture(t, testToken)
	f.cfg.Web.URL = "http://127.0.0.1:8370"
	return f, &jobs.DepartmentLinks{Config: f.cfg, DB: f.db, Secret: []byte("a-link-secret-for-the-tests-of-32+")}
}

func linkToken(t *testing.T, l *jobs.DepartmentLinks, dept string) string {
	t.Helper()
	tok, err := l.Token(context.Background(), dept)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// answerForm is the answer form of a department page for a flag.
func answerForm(tok, csrf string, flag int64, note string) string {
	return url.Values{"t": {tok}, "csrf": {csrf}, "flag": {strconv.FormatInt(flag, 10)}, "note": {note}, "by": {"张三"}}.Encode()
}

func TestDepartmentPageShowsOwnData(t *testing.T) {
	f, links := linkFixture(t)
	tok := linkToken(t, links, "edu")
	w := f.do(request{path: "/d/edu?t=" + url.QueryEscape(tok)})
	if w.Code != http.StatusOK {
		t.Fatalf("edu page: %d %s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{"市教育局", "教育局报表.xlsx", "4141", "D4", "在校生数", "提交答复"} {
		if !strings.Contains(body, want) {
			t.Errorf("edu page lacks %q", want)
		}
	}
	// A sheet's outcome in the department's words, not sheaf's ("read").
	if strings.Contains(body, "（read") || !strings.Contains(body, "（已读取") {
		t.Errorf("edu page names its sheets' outcomes in English:\n%s", body)
	}
	for _, never := range []string{"一般公共预算教育支出", "市财政局"} {
		if strings.Contains(body, never) {
			t.Errorf("edu page shows another department's %q", never)
		}
	}
}

func TestDepartmentLinkRefusals(t *testing.T) {
	f, links := linkFixture(t)
	edu := linkToken(t, links, "edu")
	fin := linkToken(t, links, "finance")
	finFlag := f.openFlag("finance")
	eduFlag := f.openFlag("edu")
	eduPage := f.do(request{path: "/d/edu?t=" + url.QueryEscape(edu)})
	csrf := csrfField.FindStringSubmatch(eduPage.Body.String())
	if csrf == nil {
		t.Fatalf("no csrf field on the edu page: %s", eduPage.Body)
	}

	for _, c := range []struct {
		name string
		rq   request
		want int
	}{
		{"wrong token", request{path: "/d/edu?t=not-the-token"}, http.StatusForbidden},
		{"no token", request{path: "/d/edu"}, http.StatusForbidden},
		{"another department's id with a valid token", request{path: "/d/finance?t=" + url.QueryEscape(edu)}, http.StatusForbidden},
		{"another department's token on this page", request{path: "/d/edu?t=" + url.QueryEscape(fin)}, http.StatusForbidden},
		{"another department's flag in the answer form", request{method: "POST", path: "/d/edu/answer", body: answerForm(edu, csrf[1], finFlag.ID, "不是我们的")}, http.StatusNotFound},
		{"answer for another department with this token", request{method: "POST", path: "/d/finance/answer", body: answerForm(edu, csrf[1], finFlag.ID, "冒充")}, http.StatusForbidden},
		{"answer without the csrf field", request{method: "POST", path: "/d/edu/answer", body: answerForm(edu, "", eduFlag.ID, "说明")}, http.StatusForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.rq.remote = "192.0.2.50:1"
			if w := f.do(c.rq); w.Code != c.want {
				t.Errorf("got %d, want %d: %s", w.Code, c.want, w.Body)
			}
		})
	}
	answers, err := f.db.FlagAnswers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 0 {
		t.Errorf("refused answers were stored: %+v", answers)
	}

	t.Run("rotated token", func(t *testing.T) {
		if _, err := links.Rotate(context.Background(), "edu"); err != nil {
			t.Fatal(err)
		}
		if w := f.do(request{path: "/d/edu?t=" + url.QueryEscape(edu)}); w.Code != http.StatusForbidden {
			t.Errorf("the rotated token still opens the page: %d", w.Code)
		}
		if w := f.do(request{path: "/d/edu?t=" + url.QueryEscape(linkToken(t, links, "edu"))}); w.Code != http.StatusOK {
			t.Errorf("the new token does not open the page: %d", w.Code)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		due, _ := f.cfg.Deadlines[0].DueTime(f.cfg.Cycle.Location)
		f.srv.Now = func() time.Time { return due.AddDate(0, 0, 31) }
		defer func() { f.srv.Now = nil }()
		if w := f.do(request{path: "/d/edu?t=" + url.QueryEscape(linkToken(t, links, "edu"))}); w.Code != http.StatusGone {
			t.Errorf("an expired link: %d, want 410", w.Code)
		}
	})
	t.Run("too many wrong tokens", func(t *testing.T) {
		var last int
		for range 12 {
			last = f.do(request{path: "/d/edu?t=guess", remote: "192.0.2.99:1"}).Code
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("after 12 wrong tokens: %d, want 429", last)
		}
	})
}

func TestDepartmentAnswerPendingThenRejected(t *testing.T) {
	f, links := linkFixture(t)
	tok := linkToken(t, links, "edu")
	flag := f.openFlag("edu")
	page := f.do(request{path: "/d/edu?t=" + url.QueryEscape(tok)}).Body.String()
	csrf := csrfField.FindStringSubmatch(page)[1]
	w := f.do(request{method: "POST", path: "/d/edu/answer", body: answerForm(tok, csrf, flag.ID, "该指标今年不统计")})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", w.Code, w.Body)
	}
	cookie, admin := f.login()
	flags := f.do(request{path: "/flags", cookie: cookie}).Body.String()
	if !strings.Contains(flags, "市教育局答复（待确认）：该指标今年不统计（张三）") || !strings.Contains(flags, "/flags/"+strconv.FormatInt(flag.ID, 10)+"/reject") {
		t.Fatalf("/flags does not show the answer 待确认 with a reject form:\n%s", flags)
	}
	// A department page has no way to accept: the accept route needs the admin.
	if w := f.do(request{method: "POST", path: "/flags/" + strconv.FormatInt(flag.ID, 10) + "/accept", body: url.Values{"t": {tok}, "csrf": {csrf}, "note": {"自己接受"}}.Encode()}); w.Code != http.StatusUnauthorized {
		t.Errorf("a department accepted its own flag: %d", w.Code)
	}
	w = f.do(request{method: "POST", path: "/flags/" + strconv.FormatInt(flag.ID, 10) + "/reject", cookie: cookie,
		body: url.Values{"csrf": {admin}, "note": {"请在报表中补报"}, "by": {"李四"}}.Encode()})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("reject: %d %s", w.Code, w.Body)
	}
	page = f.do(request{path: "/d/edu?t=" + url.QueryEscape(tok)}).Body.String()
	if !strings.Contains(page, "已退回：该指标今年不统计") || !strings.Contains(page, "协调人退回：请在报表中补报（李四）") {
		t.Errorf("the department page does not show the rejection:\n%s", page)
	}
	// Answering again and the coordinator accepting settles the answer.
	f.do(request{method: "POST", path: "/d/edu/answer", body: answerForm(tok, csrf, flag.ID, "已补报说明")})
	if err := f.db.AcceptFlag(context.Background(), flag.ID, "已补报说明", "李四"); err != nil {
		t.Fatal(err)
	}
	answers, _ := f.db.FlagAnswers(context.Background())
	if a := answers[flag.ID]; len(a) != 1 || a[0].State != "accepted" {
		t.Errorf("answer after acceptance: %+v", a)
	}
	var _ storage.FlagAnswer
}

// TestReminderCarriesWorkingLink follows the link of an overdue notice,
// as planned by `sheaf remind` with the secret from the environment, to
// the department's own page.
func TestReminderCarriesWorkingLink(t *testing.T) {
	f, _ := linkFixture(t)
	t.Setenv("SHEAF_TEST_LINK_SECRET", "a-link-secret-from-the-environment")
	f.cfg.Web.LinkSecretEnv = "SHEAF_TEST_LINK_SECRET"
	f.cfg.Departments[0].Contacts = []string{"edu@example.org"}
	due, _ := f.cfg.Deadlines[0].DueTime(f.cfg.Cycle.Location)
	notices, err := jobs.PlanReminders(context.Background(), f.cfg, f.db, due.Add(time.Hour), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 {
		t.Fatalf("want one overdue notice, got %+v", notices)
	}
	m := regexp.MustCompile(`逐项答复：(http://127\.0\.0\.1:8370(/d/edu\?t=\S+))`).FindStringSubmatch(notices[0].Text)
	if m == nil || notices[0].Link != m[1] {
		t.Fatalf("the notice carries no link:\n%s", notices[0].Text)
	}
	w := f.do(request{path: m[2]})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "市教育局：sheaf 读到的数据") {
		t.Errorf("following the mail's link: %d %s", w.Code, w.Body)
	}

	// An overdue notice goes on while the department owes; once the links
	// have expired (web.link_days after the last deadline) it carries none,
	// rather than one that answers 链接已过期.
	late := jobs.LinkExpiry(f.cfg).Add(time.Hour)
	notices, err = jobs.PlanReminders(context.Background(), f.cfg, f.db, late, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || strings.Contains(notices[0].Text, "/d/") || notices[0].Link != "" {
		t.Errorf("an overdue notice after the links expired: %+v", notices)
	}

	// Without the secret, no link line.
	f.cfg.Web.LinkSecretEnv = ""
	notices, err = jobs.PlanReminders(context.Background(), f.cfg, f.db, due.Add(time.Hour), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(notices[0].Text, "/d/") || notices[0].Link != "" {
		t.Errorf("a notice without links configured carries one:\n%s", notices[0].Text)
	}
}

// TestSharedFlagKeepsEachDepartmentsAnswer: a check on the figures of two
// departments is on both pages; one answering after the other withdraws
// nothing of the other's. Each department's page shows its own answer,
// /flags shows both, and a department answering again replaces only its
// own.
func TestSharedFlagKeepsEachDepartmentsAnswer(t *testing.T) {
	f, _ := linkFixture(t)
	flag := f.openFlag("edu")
	ctx := context.Background()
	for _, a := range []storage.FlagAnswer{
		{FlagID: flag.ID, Department: "edu", Note: "教育局：在校生含民办"},
		{FlagID: flag.ID, Department: "finance", Note: "财政局：按决算数"},
		{FlagID: flag.ID, Department: "edu", Note: "教育局：已更正"},
	} {
		if _, err := f.db.AnswerFlag(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	answers, err := f.db.FlagAnswers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range answers[flag.ID] {
		got = append(got, a.Department+" "+string(a.State)+" "+a.Note)
	}
	if want := []string{"finance pending 财政局：按决算数", "edu pending 教育局：已更正"}; !slices.Equal(got, want) {
		t.Errorf("answers %q, want %q", got, want)
	}
	cookie, _ := f.login()
	page := f.do(request{path: "/flags", cookie: cookie}).Body.String()
	for _, want := range []string{"市教育局答复（待确认）：教育局：已更正", "市财政局答复（待确认）：财政局：按决算数"} {
		if !strings.Contains(page, want) {
			t.Errorf("/flags lacks %q", want)
		}
	}
}

// TestDepartmentPageShowsDerivedValues: a figure derived from a list of
// schools shows its value and how it was derived, not the derivation as
// the value ("count"); every value is named as the department knows it.
func TestDepartmentPageShowsDerivedValues(t *testing.T) {
	f, _ := linkFixture(t)
	s := f.srv
	derived := s.takenRow(storage.TakenValue{Indicator: "students.total", Period: "2024", Raw: "sum(在校生数)", Label: "sum(在校生数)",
		Sheet: "学校名册", Cell: "A4:F47", Value: 36614, HasValue: true})
	if derived.Shown != "36614" || derived.How != "由名册按 sum(在校生数) 计算" || derived.Name != "在校生数" {
		t.Errorf("derived value shown as %+v", derived)
	}
	plain := s.takenRow(storage.TakenValue{Indicator: "students.total", Period: "2024", Raw: "36,614人", Label: "在校学生数",
		Sheet: "基本情况", Cell: "D4", Value: 36614, HasValue: true})
	if plain.Shown != "36,614人" || plain.How != "在校学生数" {
		t.Errorf("a cell's value shown as %+v", plain)
	}
}

// TestLongAnswerIsRefused: an answer of pages is refused with the limit,
// not stored to fill the coordinators' pages, mails and chat posts.
func TestLongAnswerIsRefused(t *testing.T) {
	f, links := linkFixture(t)
	tok := linkToken(t, links, "edu")
	flag := f.openFlag("edu")
	page := f.do(request{path: "/d/edu?t=" + url.QueryEscape(tok)}).Body.String()
	csrf := csrfField.FindStringSubmatch(page)[1]
	w := f.do(request{method: "POST", path: "/d/edu/answer", body: answerForm(tok, csrf, flag.ID, strings.Repeat("很长", 600))})
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "说明最多 1000 个字") {
		t.Errorf("a 1,200-character answer: %d\n%s", w.Code, w.Body)
	}
	if answers, _ := f.db.FlagAnswers(context.Background()); len(answers[flag.ID]) != 0 {
		t.Errorf("the long answer was stored: %+v", answers[flag.ID])
	}
	if w := f.do(request{method: "POST", path: "/d/edu/answer", body: answerForm(tok, csrf, flag.ID, strings.Repeat("短", 1000))}); w.Code != http.StatusSeeOther {
		t.Errorf("a 1,000-character answer: %d", w.Code)
	}
}

// TestCorrectedAnswerIsNoNoteToAccept: an answer saying 已更正，请重新同步
// is not offered as the note to accept the flag with: accepting it would
// stop the reminders for a figure the next sync may still find missing.
// An answer that explains is offered.
func TestCorrectedAnswerIsNoNoteToAccept(t *testing.T) {
	f, _ := linkFixture(t)
	flag := f.openFlag("edu")
	if _, err := f.db.AnswerFlag(context.Background(), storage.FlagAnswer{FlagID: flag.ID, Department: "edu", Corrected: true,
		Note: sheaf.AnswerCorrected}); err != nil {
		t.Fatal(err)
	}
	cookie, _ := f.login()
	page := f.do(request{path: "/flags", cookie: cookie}).Body.String()
	if strings.Contains(page, `value="`+sheaf.AnswerCorrected) {
		t.Errorf("the accept form offers %q as its note", sheaf.AnswerCorrected)
	}
	if _, err := f.db.AnswerFlag(context.Background(), storage.FlagAnswer{FlagID: flag.ID, Department: "edu", Note: "含民办学校"}); err != nil {
		t.Fatal(err)
	}
	if page := f.do(request{path: "/flags", cookie: cookie}).Body.String(); !strings.Contains(page, `value="含民办学校"`) {
		t.Error("the accept form does not offer the department's explanation")
	}
}
