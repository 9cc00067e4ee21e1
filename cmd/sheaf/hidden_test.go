package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestExplainShowsHiddenRowsAndStatusSkippedSheets: a value only a hidden
// row holds is shown as such, and the sheets a read skipped are listed.
func TestExplainShowsHiddenRowsAndStatusSkippedSheets(t *testing.T) {
	cfg := setup(t)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync exit %d: %s", code, errOut)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(filepath.Dir(cfg), "data", "sheaf.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.StoreRead(ctx, storage.Read{Department: "edu", Source: "dir:inbox/edu",
		Ref: sheaf.FileRef{Path: "快报.xlsx", ChangeKey: "sha-hidden", Size: 1}, Outcome: storage.ReadOK, Rows: 1,
		Observations: []sheaf.Observation{{Indicator: "students.total", Period: "2024", Value: 36614, HasValue: true,
			Unit: "人", Raw: "36614", Sheet: "快报", Cell: "C9", HiddenRow: true}},
		Sheets: []sheaf.SheetOutcome{{Sheet: "快报", Outcome: sheaf.SheetRead, Rows: 1},
			{Sheet: "旧版勿用", Outcome: sheaf.SheetHidden, Reason: "隐藏工作表，未读取"}, {Sheet: "Sheet2", Outcome: sheaf.SheetEmpty}}})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := runSheaf(t, "explain", "students.total", "--config", cfg)
	if code != 0 || !strings.Contains(out, "快报.xlsx 快报!C9（隐藏行）") {
		t.Errorf("explain (exit %d) does not show the hidden row:\n%s", code, out)
	}
	out, _, code = runSheaf(t, "status", "--config", cfg)
	if code != 0 || !strings.Contains(out, "sheets not read:") || !strings.Contains(out, "「旧版勿用」  隐藏  隐藏工作表，未读取") ||
		strings.Contains(out, "Sheet2") {
		t.Errorf("status (exit %d) does not list the hidden sheet alone:\n%s", code, out)
	}
}
