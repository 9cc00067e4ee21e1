package jobs

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestCorporaEveryFileAccountedFor syncs each folder of a corpus of
// real-world files (SHEAF_CORPORA, e.g. ../shared/corpora; `make
// corpus-report`) as one department's folder, and checks that every file in
// it has an outcome someone can see: read, duplicate, ignored or excluded
// with a reason, or a `file` flag. It prints the counts per outcome and the
// reasons files were not read. Skipped without SHEAF_CORPORA.
func TestCorporaEveryFileAccountedFor(t *testing.T) {
	root := os.Getenv("SHEAF_CORPORA")
	if root == "" {
		t.Skip("SHEAF_CORPORA is not set (make corpus-report sets it)")
	}
	root, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		corpus := filepath.Join(root, e.Name())
		t.Run(e.Name(), func(t *testing.T) { corpusReport(t, corpus) })
	}
}

func corpusReport(t *testing.T, corpus string) {
	dir := t.TempDir()
	cfgText := fmt.Sprintf(`cycle: {name: 语料, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 0s, file_timeout: 2m}
departments:
  - {id: corpus, name: 语料, sources: [{dir: %q}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: corpus}
`, corpus)
	path := filepath.Join(dir, "sheaf.yaml")
	if err := os.WriteFile(path, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := &Syncer{Config: cfg, DB: db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
	start := time.Now()
	rep, err := s.Sync(context.Background(), "corpus")
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	took := time.Since(start)

	seen := map[string]string{}
	counts := map[string]int{}
	reasons := map[string]int{}
	for _, en := range rep.Entries {
		seen[en.Path] = en.Outcome
		counts[en.Outcome]++
		if en.Outcome != OutcomeRead && en.Outcome != OutcomeUnchanged && en.Reason != "" {
			reasons[en.Outcome+": "+shortReason(en.Reason)]++
		}
		if en.Outcome != OutcomeRead && en.Outcome != OutcomeUnchanged && en.Outcome != OutcomeDuplicate && en.Reason == "" {
			t.Errorf("%s: %s without a reason", en.Path, en.Outcome)
		}
	}
	missing := 0
	err = filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpus, p)
		if _, ok := seen[filepath.ToSlash(rel)]; !ok {
			missing++
			t.Errorf("%s has no outcome", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d files in %s, %d without an outcome\n", filepath.Base(corpus), len(seen), took.Round(time.Millisecond), missing)
	for _, o := range []string{OutcomeRead, OutcomeDuplicate, OutcomeFailed, OutcomeIgnored, OutcomeExcluded, OutcomeDeferred} {
		fmt.Fprintf(&b, "  %-10s %d\n", o, counts[o])
	}
	fmt.Fprintf(&b, "  read by the careful reader: %d; values read: %d; open flags: %v\n", rep.Fallbacks, rep.Rows, rep.FlagsOpen)
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return reasons[keys[i]] > reasons[keys[j]] || reasons[keys[i]] == reasons[keys[j]] && keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "  %4d × %s\n", reasons[k], k)
	}
	t.Log("\n" + b.String())
}

// shortReason cuts a reason to what is common to files failing alike: the
// text before the first quoted detail or parenthesis.
func shortReason(r string) string {
	for _, cut := range []string{"（", "「", "("} {
		if i := strings.Index(r, cut); i > 0 {
			r = r[:i]
		}
	}
	if len([]rune(r)) > 60 {
		r = string([]rune(r)[:60]) + "…"
	}
	return r
}
