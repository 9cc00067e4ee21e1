package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/reconcile"
)

// oldKey and oldDigest are a flag's identity and digest before migration
// 0008: with the file path (and cell) in both.
func oldKey(kind, dept, ind, period, subject string) string {
	return kind + "\x1f" + dept + "\x1f" + ind + "\x1f" + period + "\x1f\x1f" + subject
}

func oldDigest(key string, ev []sheaf.Evidence) string {
	h := sha256.New()
	h.Write([]byte(key))
	for _, e := range ev {
		val := ""
		if e.Value != nil {
			val = strconv.FormatFloat(*e.Value, 'g', -1, 64)
		}
		fmt.Fprintf(h, "\x1e%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", e.Department, e.File, e.Sheet, e.Cell, e.Raw, val)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func TestMigrationRekeysFlagsKeepingAcceptances(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sheaf.db")
	// A database as sheaf left it before flags were identified without paths.
	sdb := olderDB(t, path, "migrations/0008")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := sdb.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	at := "2025-01-10T08:00:00.000000000Z"
	// 快报.xlsx was first read with content sha-a, then re-saved (sha-b)
	// and broke; the file flag names its path.
	exec(`INSERT INTO files (id, department, source, path, change_key, first_seen, last_seen, state) VALUES
		(1, 'edu', 'dir:/data/edu', '快报.xlsx', 'sha-b', ?, ?, 'failed'),
		(2, 'edu', 'dir:/data/edu', '快报（修订）.xlsx', 'sha-c', ?, ?, 'read')`, at, at, at, at)
	exec(`INSERT INTO reads (id, file_id, change_key, fingerprint, size, read_at, outcome) VALUES
		(1, 1, 'sha-a', 'fp', 10, ?, 'ok'), (2, 1, 'sha-b', 'fp', 10, ?, 'failed'), (3, 2, 'sha-c', 'fp', 10, ?, 'ok')`, at, at, at)
	exec(`UPDATE files SET current_read = 1 + id * 1 WHERE id = 1`)
	exec(`UPDATE files SET current_read = 3 WHERE id = 2`)

	v := 4645.0
	type oldFlag struct {
		id                      int64
		kind, ind, subject      string
		state, note             string
		ev                      []sheaf.Evidence
		accepted, lastSeen, msg string
	}
	flags := []oldFlag{
		// Two unreadable cells of one figure, in two files: one resolved, one
		// accepted with a note. They become one flag: the accepted one.
		{id: 1, kind: "invalid", ind: "students.total", subject: "/data/edu/快报.xlsx!Sheet1!D4", state: "resolved",
			ev: []sheaf.Evidence{{Department: "edu", File: "/data/edu/快报.xlsx", Sheet: "Sheet1", Cell: "D4", Raw: "三万六"}}, msg: "无法识别「三万六」"},
		{id: 2, kind: "invalid", ind: "students.total", subject: "/data/edu/快报（修订）.xlsx!Sheet1!D5", state: "accepted", note: "待统计局核定",
			ev: []sheaf.Evidence{{Department: "edu", File: "/data/edu/快报（修订）.xlsx", Sheet: "Sheet1", Cell: "D5", Raw: "待统计"}}, msg: "无法识别「待统计」"},
		// An accepted conflict: no subject, but its digest named the file.
		{id: 3, kind: "conflict", ind: "fund.edu_spend", state: "accepted", note: "以教育局为准",
			ev: []sheaf.Evidence{{Department: "edu", File: "/data/edu/快报.xlsx", Sheet: "Sheet1", Cell: "D6", Raw: "4645", Value: &v}}, msg: "数值不一致"},
		// A file flag, by path.
		{id: 4, kind: "file", subject: "/data/edu/快报.xlsx", state: "open",
			ev: []sheaf.Evidence{{Department: "edu", File: "/data/edu/快报.xlsx"}}, msg: "文件已损坏"},
		// A source flag keeps its subject.
		{id: 5, kind: "file", subject: sheaf.SourceSubject + "dir:/data/edu", state: "open", msg: "无法读取"},
	}
	for _, f := range flags {
		key := oldKey(f.kind, "edu", f.ind, "2024", f.subject)
		ev, _ := json.Marshal(f.ev)
		d := oldDigest(key, f.ev)
		acc := ""
		if f.state == "accepted" {
			acc = d
		}
		exec(`INSERT INTO flags (id, key, kind, severity, department, indicator, period, subject, message, evidence, state,
			opened_at, last_seen_at, digest, note, accepted_digest) VALUES (?, ?, ?, 'error', 'edu', ?, '2024', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.id, key, f.kind, f.ind, f.subject, f.msg, string(ev), f.state, at, at, d, f.note, acc)
		exec(`INSERT INTO flag_events (flag_id, at, state, message) VALUES (?, ?, 'open', ?)`, f.id, at, f.msg)
		if f.state == "accepted" {
			exec(`INSERT INTO flag_events (flag_id, at, state, message) VALUES (?, ?, 'accepted', ?)`, f.id, at, f.note)
		}
	}
	sdb.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open and migrate: %v", err)
	}
	defer db.Close()
	type row struct {
		ID             int64  `db:"id"`
		Key            string `db:"key"`
		Subject        string `db:"subject"`
		State          string `db:"state"`
		Note           string `db:"note"`
		Digest         string `db:"digest"`
		AcceptedDigest string `db:"accepted_digest"`
	}
	var got []row
	if err := db.db.Select(&got, `SELECT id, key, subject, state, note, digest, accepted_digest FROM flags ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	want := []row{
		{ID: 2, Key: "invalid\x1fedu\x1fstudents.total\x1f2024\x1f\x1f", State: "accepted", Note: "待统计局核定"},
		{ID: 3, Key: "conflict\x1fedu\x1ffund.edu_spend\x1f2024\x1f\x1f", State: "accepted", Note: "以教育局为准"},
		{ID: 4, Key: "file\x1fedu\x1f\x1f2024\x1f\x1ffile:sha-a", Subject: "file:sha-a", State: "open"},
		{ID: 5, Key: "file\x1fedu\x1f\x1f2024\x1f\x1fsource:dir:/data/edu", Subject: "source:dir:/data/edu", State: "open"},
	}
	if len(got) != len(want) {
		t.Fatalf("flags after migration:\n%+v\nwant ids 2..5", got)
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.ID || g.Key != w.Key || g.Subject != w.Subject || g.State != w.State || g.Note != w.Note {
			t.Errorf("flag %d: %+v\nwant %+v", w.ID, g, w)
		}
		if g.State == "accepted" && g.AcceptedDigest != g.Digest {
			t.Errorf("flag %d: acceptance %s no longer matches its digest %s", g.ID, g.AcceptedDigest, g.Digest)
		}
	}
	var events []struct {
		FlagID  int64  `db:"flag_id"`
		Message string `db:"message"`
	}
	db.db.Select(&events, `SELECT flag_id, message FROM flag_events WHERE flag_id = 2 ORDER BY id`)
	if len(events) != 3 || events[0].Message != "无法识别「三万六」" || events[2].Message != "待统计局核定" {
		t.Errorf("history of the merged flag: %+v, want both flags' events", events)
	}

	// The accepted conflict, arriving with the same value under a new file
	// name and in another cell, stays accepted.
	now := time.Date(2025, 1, 11, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	conflict := sheaf.Flag{Kind: "conflict", Severity: "error", Department: "edu", Indicator: "fund.edu_spend", Period: "2024",
		Message: "数值不一致", Evidence: []sheaf.Evidence{{Department: "edu", File: "/data/edu/快报（定稿）.xlsx", Sheet: "Sheet1",
			Cell: "D9", Raw: "4645", Value: &v}}}
	conflict.Digest = reconcile.Digest(conflict)
	ch, err := db.SaveResult(ctx, reconcile.Result{Flags: []sheaf.Flag{conflict}}, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Reopened != 0 {
		t.Errorf("changes %+v: the acceptance must hold for the same value under a new name", ch)
	}
	stored, _ := db.Flags(ctx)
	for _, f := range stored {
		if f.ID == 3 && (f.State != "accepted" || f.Note != "以教育局为准") {
			t.Errorf("conflict is %s (%q), want accepted with its note", f.State, f.Note)
		}
	}
	// A changed value reopens the same flag.
	v2 := 4655.0
	conflict.Evidence[0].Raw, conflict.Evidence[0].Value = "4655", &v2
	conflict.Digest = reconcile.Digest(conflict)
	now = now.Add(time.Hour)
	ch, err = db.SaveResult(ctx, reconcile.Result{Flags: []sheaf.Flag{conflict}}, SaveOptions{})
	if err != nil || ch.Reopened != 1 {
		t.Errorf("changed value: changes %+v, %v; want the flag reopened", ch, err)
	}
}

func TestSupersededFlagResolvesWithItsReason(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	inv := sheaf.Flag{Kind: "invalid", Severity: "error", Department: "edu", Indicator: "students.total", Period: "2024", Message: "无法识别"}
	if _, err := db.SaveResult(ctx, reconcile.Result{Flags: []sheaf.Flag{inv}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	ch, err := db.SaveResult(ctx, reconcile.Result{Closed: map[string]string{inv.Key(): reconcile.Superseded}}, SaveOptions{})
	if err != nil || ch.Resolved != 1 {
		t.Fatalf("changes %+v, %v", ch, err)
	}
	flags, _ := db.Flags(ctx)
	ev, _ := db.FlagEvents(ctx, flags[0].ID)
	if len(ev) != 2 || ev[1].State != "resolved" || ev[1].Message != "已由较新的文件更正" {
		t.Errorf("history %+v, want resolved 已由较新的文件更正", ev)
	}
}

func TestHiddenRowsFractionsAndSheetsAreStored(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	ref := sheaf.FileRef{Path: "快报.xlsx", ChangeKey: "sha-1", Size: 10}
	outcomes := []sheaf.SheetOutcome{{Sheet: "快报", Outcome: sheaf.SheetRead, Rows: 2},
		{Sheet: "旧版勿用", Outcome: sheaf.SheetHidden, Reason: "隐藏工作表"}}
	_, err := db.StoreRead(ctx, Read{Department: "edu", Source: "dir:/data/edu", Ref: ref, Outcome: ReadOK, Rows: 2,
		Sheets: outcomes,
		Observations: []sheaf.Observation{
			{Indicator: "students.total", Period: "2024", Value: 36614, HasValue: true, Unit: "人", Raw: "36614", Sheet: "快报", Cell: "C4", HiddenRow: true},
			{Indicator: "rate.consolidation", Period: "2024", Value: 0.9675, HasValue: true, Decimals: 4, Unit: "%", Raw: "0.9675", Sheet: "快报", Cell: "C5", Fraction: true},
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]reconcile.Observation{}
	err = db.CurrentSlots(ctx)(func(ind, period string, obs []reconcile.Observation) error {
		for _, o := range obs {
			got[ind] = o
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if o := got["students.total"]; !o.HiddenRow || o.Fraction || o.Cell != "C4" || o.Value != 36614 {
		t.Errorf("students.total = %+v, want a hidden row", o)
	}
	if o := got["rate.consolidation"]; o.HiddenRow || !o.Fraction || o.Value != 0.9675 {
		t.Errorf("rate = %+v, want a fraction", o)
	}
	h, err := db.History(ctx, "students.total", "2024")
	if err != nil || len(h) != 1 || !h[0].HiddenRow {
		t.Errorf("history %+v, %v: want the hidden row", h, err)
	}
	files, err := db.Files(ctx)
	if err != nil || len(files) != 1 {
		t.Fatalf("files %+v, %v", files, err)
	}
	if fmt.Sprint(files[0].Sheets) != fmt.Sprint(outcomes) {
		t.Errorf("sheets %+v, want %+v", files[0].Sheets, outcomes)
	}
}
