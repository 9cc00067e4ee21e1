package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/sources"
	"github.com/sheaf-dev/sheaf/storage"
)

const testConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 1m, workers: 2}
departments:
  - id: edu
    name: 市教育局
    contacts: [edu@example.org]
    sources: [{dir: inbox/edu, glob: "**/*"}]
  - id: finance
    name: 市财政局
    sources: [{dir: inbox/finance}]
  - id: stats
    name: 市统计局
    sources: [{dir: inbox/stats, glob: "*.csv"}]
indicators:
  - {id: schools.total, name: 学校总数, aliases: [各级各类学校总数], unit: 所, owner: edu, required: true}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu, required: true}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, periods: ["2022", "2023"], required: true}
  - {id: health.examined, name: 体检学生数, unit: 人, owner: edu, required: false}
`

// fixture is a config folder with department inboxes and a clock.
type fixture struct {
	t   *testing.T
	dir string
	cfg *config.Config
	db  *storage.DB
	now time.Time
}

func newFixture(t *testing.T, yaml string) *fixture {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"inbox/edu", "inbox/finance", "inbox/stats"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{t: t, dir: dir, now: time.Now().Add(time.Hour)}
	f.setConfig(yaml)
	return f
}

func (f *fixture) setConfig(yaml string) {
	f.t.Helper()
	path := filepath.Join(f.dir, "sheaf.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		f.t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		f.t.Fatal(err)
	}
	f.cfg = cfg
	if f.db == nil {
		db, err := storage.Open(context.Background(), cfg.DBPath())
		if err != nil {
			f.t.Fatal(err)
		}
		f.t.Cleanup(func() { db.Close() })
		f.db = db
	}
}

func (f *fixture) sync() *SyncReport {
	f.t.Helper()
	s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }}
	rep, err := s.Sync(context.Background(), "test")
	if err != nil {
		f.t.Fatalf("sync: %v", err)
	}
	return rep
}

// workbook writes an .xlsx in the long layout, with a title row above the
// header, as departments send them.
func (f *fixture) workbook(rel string, rows ...[]any) string {
	f.t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sh := "Sheet1"
	x.SetCellValue(sh, "A1", "2024年统计表")
	header := []any{"指标编码", "指标名称", "年度", "数值", "单位", "备注"}
	x.SetSheetRow(sh, "A3", &header)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		r := r
		x.SetSheetRow(sh, cell, &r)
	}
	path := filepath.Join(f.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := x.SaveAs(path); err != nil {
		f.t.Fatal(err)
	}
	return path
}

func (f *fixture) write(rel string, data []byte) string {
	f.t.Helper()
	path := filepath.Join(f.dir, rel)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		f.t.Fatal(err)
	}
	return path
}

func (f *fixture) figures() map[string]sheaf.Figure {
	f.t.Helper()
	figs, err := f.db.Figures(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]sheaf.Figure{}
	for _, fig := range figs {
		out[fig.Indicator+"@"+fig.Period] = fig
	}
	return out
}

func (f *fixture) openFlags() []storage.StoredFlag {
	f.t.Helper()
	all, err := f.db.Flags(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	var out []storage.StoredFlag
	for _, fl := range all {
		if fl.State == "open" {
			out = append(out, fl)
		}
	}
	return out
}

func (f *fixture) flagOf(kind sheaf.Kind, dept string) *storage.StoredFlag {
	for _, fl := range f.openFlags() {
		if fl.Kind == kind && fl.Department == dept {
			return &fl
		}
	}
	return nil
}

func wantValue(t *testing.T, figs map[string]sheaf.Figure, key string, want float64, file, cell string) {
	t.Helper()
	fig, ok := figs[key]
	if !ok {
		t.Fatalf("no figure %s", key)
	}
	if !fig.HasValue || fig.Value != want {
		t.Errorf("%s = %v (has %v), want %v", key, fig.Value, fig.HasValue, want)
	}
	if file != "" && (fig.File != file || fig.Cell != cell) {
		t.Errorf("%s from %s %s, want %s %s", key, fig.File, fig.Cell, file, cell)
	}
}

func TestSyncReadsDepartmentFolders(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/2024年教育.xlsx",
		[]any{"schools.total", "学校总数", "2024", 44, "所", ""},
		[]any{"", "在校生数", "2024年", "36,614", "人", "含职教"},
		[]any{"", "体检学生数", "", "3.6万余", "人", ""},
	)
	f.workbook("inbox/finance/经费.xlsx",
		[]any{"", "一般公共预算教育支出", "2022年度", 682110000, "元", ""},
		[]any{"", "一般公共预算教育支出", 2023, "68258", "万元", ""},
	)
	rep := f.sync()
	if rep.Read != 2 || rep.Failed != 0 || rep.Files != 2 {
		t.Fatalf("report = %+v", rep)
	}
	figs := f.figures()
	wantValue(t, figs, "schools.total@2024", 44, "inbox/edu/2024年教育.xlsx", "D4")
	wantValue(t, figs, "students.total@2024", 36614, "inbox/edu/2024年教育.xlsx", "D5")
	wantValue(t, figs, "fund.edu_spend@2022", 68211, "inbox/finance/经费.xlsx", "D4")
	wantValue(t, figs, "fund.edu_spend@2023", 68258, "inbox/finance/经费.xlsx", "D5")
	if got := figs["students.total@2024"].Note; got != "含职教" {
		t.Errorf("note = %q, want the row's 备注", got)
	}
	ex := figs["health.examined@2024"]
	if ex.Value != 36000 || ex.Status != sheaf.StatusApproximate {
		t.Errorf("examined = %v %s, want 36000 approximate", ex.Value, ex.Status)
	}
	if fl := f.flagOf("approximate", "edu"); fl == nil || !strings.Contains(fl.Message, "3.6万余") {
		t.Errorf("want an approximate flag quoting 3.6万余, got %+v", fl)
	}
}

func TestSyncBrokenFilesDoNotStopGoodOnes(t *testing.T) {
	f := newFixture(t, testConfig)
	good := f.workbook("inbox/edu/good.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	f.write("inbox/edu/truncated.xlsx", data[:len(data)/2])
	f.write("inbox/edu/page.xlsx", []byte("<html><body><table><tr><td>学校总数</td></tr></table></body></html>"))
	f.write("inbox/edu/~$good.xlsx", []byte("\x05owner"))
	f.write("inbox/edu/.hidden.xlsx", data)
	rep := f.sync()
	if rep.Files != 3 || rep.Read != 1 || rep.Failed != 2 {
		t.Fatalf("files %d read %d failed %d, want 3 1 2 (lock and hidden files ignored): %+v", rep.Files, rep.Read, rep.Failed, rep.Problems)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "inbox/edu/good.xlsx", "D4")
	var fileFlags []string
	for _, fl := range f.openFlags() {
		if fl.Kind == "file" {
			fileFlags = append(fileFlags, fl.Evidence[0].File+": "+fl.Message)
		}
	}
	joined := strings.Join(fileFlags, "\n")
	if len(fileFlags) != 2 || !strings.Contains(joined, "truncated.xlsx") || !strings.Contains(joined, "page.xlsx") ||
		!strings.Contains(joined, "HTML") {
		t.Errorf("file flags:\n%s", joined)
	}
}

func TestSyncUnchangedFilesAreNotParsedAgain(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	f.workbook("inbox/finance/b.xlsx", []any{"", "一般公共预算教育支出", "2022", 68211, "万元", ""})
	if rep := f.sync(); rep.Read != 2 {
		t.Fatalf("first sync read %d files, want 2", rep.Read)
	}
	rep := f.sync()
	if rep.Read != 0 || rep.Unchanged != 2 {
		t.Fatalf("second sync read %d, unchanged %d; want 0 and 2", rep.Read, rep.Unchanged)
	}
	// Touching a file without changing its content is no change either.
	future := f.now.Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(f.dir, "inbox/edu/a.xlsx"), future, future); err != nil {
		t.Fatal(err)
	}
	if rep := f.sync(); rep.Read != 0 {
		t.Fatalf("touched file was parsed again")
	}
	// A change of the department's extraction settings reads its files again.
	f.setConfig(strings.Replace(testConfig, "aliases: [各级各类学校总数]", "aliases: [各级各类学校总数, 学校数]", 1))
	if rep := f.sync(); rep.Read != 2 {
		t.Fatalf("after a catalogue change read %d files, want 2", rep.Read)
	}
}

func TestSyncDuplicateCopyCountsOnce(t *testing.T) {
	f := newFixture(t, testConfig)
	orig := f.workbook("inbox/edu/报表.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	data, _ := os.ReadFile(orig)
	f.sync()
	if err := os.MkdirAll(filepath.Join(f.dir, "inbox/edu/存档"), 0o755); err != nil {
		t.Fatal(err)
	}
	f.write("inbox/edu/存档/报表 - 副本.xlsx", data)
	rep := f.sync()
	if rep.Duplicates != 1 || rep.Read != 0 {
		t.Fatalf("duplicates %d read %d, want 1 0", rep.Duplicates, rep.Read)
	}
	if n := countCurrent(t, f.db); n != 1 {
		t.Fatalf("%d current observations, want 1 (the copy counts once)", n)
	}
	if fl := f.flagOf("conflict", "edu"); fl != nil {
		t.Fatalf("a copy made a conflict: %+v", fl)
	}
	// The original disappears: the copy takes over.
	os.Remove(orig)
	rep = f.sync()
	if rep.Read != 1 || rep.Gone != 1 {
		t.Fatalf("after removing the original: read %d gone %d, want 1 1", rep.Read, rep.Gone)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "inbox/edu/存档/报表 - 副本.xlsx", "D4")
}

func TestSyncWaitsForFilesStillBeingWritten(t *testing.T) {
	f := newFixture(t, testConfig)
	path := f.workbook("inbox/edu/new.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	mod := time.Now()
	os.Chtimes(path, mod, mod)
	f.now = mod.Add(20 * time.Second) // younger than the one-minute settle time
	rep := f.sync()
	if rep.Deferred != 1 || rep.Read != 0 {
		t.Fatalf("deferred %d read %d, want 1 0", rep.Deferred, rep.Read)
	}
	if fig := f.figures()["schools.total@2024"]; fig.HasValue {
		t.Fatalf("a settling file's value was taken")
	}
	f.now = mod.Add(2 * time.Minute)
	if rep := f.sync(); rep.Read != 1 {
		t.Fatalf("settled file not read: %+v", rep)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
}

func TestSyncWithdrawsValuesOfRemovedFiles(t *testing.T) {
	f := newFixture(t, testConfig)
	path := f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	f.sync()
	os.Remove(path)
	rep := f.sync()
	if rep.Gone != 1 {
		t.Fatalf("gone = %d", rep.Gone)
	}
	if fig := f.figures()["schools.total@2024"]; fig.HasValue || fig.Status != sheaf.StatusMissing {
		t.Fatalf("figure of a removed file = %+v, want missing", fig)
	}
	if f.flagOf("missing", "edu") == nil {
		t.Fatal("no missing flag")
	}
}

func TestSyncFailedSourceKeepsLastData(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	f.sync()
	// The share goes away (unmounted): nothing is withdrawn.
	if err := os.Rename(filepath.Join(f.dir, "inbox/edu"), filepath.Join(f.dir, "inbox/edu-offline")); err != nil {
		t.Fatal(err)
	}
	rep := f.sync()
	if rep.SourcesFailed != 1 || rep.Gone != 0 {
		t.Fatalf("sources failed %d gone %d, want 1 0", rep.SourcesFailed, rep.Gone)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
	if fl := f.flagOf("file", "edu"); fl == nil || !strings.Contains(fl.Message, "inbox/edu") {
		t.Fatalf("want a file flag naming the source, got %+v", fl)
	}
}

func TestSyncGBKCSV(t *testing.T) {
	f := newFixture(t, testConfig)
	// "指标名称,年度,数值,单位\n在校生数,2024,36614,人\n" in GBK.
	gbk := []byte("\xd6\xb8\xb1\xea\xc3\xfb\xb3\xc6,\xc4\xea\xb6\xc8,\xca\xfd\xd6\xb5,\xb5\xa5\xce\xbb\n" +
		"\xd4\xda\xd0\xa3\xc9\xfa\xca\xfd,2024,36614,\xc8\xcb\n")
	f.write("inbox/stats/统计.csv", gbk)
	rep := f.sync()
	if rep.Read != 1 {
		t.Fatalf("report %+v", rep)
	}
	fig := f.figures()["students.total@2024"]
	if fig.Value != 36614 || fig.Department != "stats" || fig.Status != sheaf.StatusUnverified || fig.Cell != "C2" {
		t.Fatalf("students from the stats CSV = %+v, want 36614 unverified from C2", fig)
	}
}

// fakeSource is a source built from function fields.
type fakeSource struct {
	list func(ctx context.Context) (sources.Listing, error)
	open func(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error)
}

func (s *fakeSource) Name() string                                      { return "fake:inbox" }
func (s *fakeSource) List(ctx context.Context) (sources.Listing, error) { return s.list(ctx) }
func (s *fakeSource) Open(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error) {
	return s.open(ctx, ref)
}

func TestSyncDefersFileRewrittenAfterListing(t *testing.T) {
	f := newFixture(t, testConfig)
	path := f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	listed, err := (&sources.Dir{Root: filepath.Dir(path)}).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir := &sources.Dir{Root: filepath.Dir(path)}
	rewritten := true
	src := &fakeSource{
		list: func(ctx context.Context) (sources.Listing, error) { return listed, nil },
		open: func(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error) {
			if rewritten { // someone saves over the file between listing and reading
				return io.NopCloser(strings.NewReader("PK\x03\x04 half-written")), nil
			}
			return dir.Open(ctx, ref)
		},
	}
	s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now },
		Sources: func(d *config.Department) ([]sources.Source, error) {
			if d.ID == "edu" {
				return []sources.Source{src}, nil
			}
			return nil, nil
		}}
	rep, err := s.Sync(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Deferred != 1 || rep.Read != 0 || rep.Failed != 0 {
		t.Fatalf("deferred %d read %d failed %d; want the rewritten file deferred, not read half-written", rep.Deferred, rep.Read, rep.Failed)
	}
	rewritten = false
	if rep, err = s.Sync(context.Background(), "test"); err != nil || rep.Read != 1 {
		t.Fatalf("next sync: %+v %v", rep, err)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
}

// TestSyncDefersFileRewrittenWhileRead: a workbook of a folder is read
// where it lies, after the listing hashed it. Saved over in place while it
// is being read (wholly, or half-written), what was read of it is dropped
// and the file waits for the next sync: neither the new value under the
// old content's key, nor a mix of the two, nor a "cannot read" flag for a
// file that was only being saved.
func TestSyncDefersFileRewrittenWhileRead(t *testing.T) {
	for _, half := range []bool{false, true} {
		t.Run(fmt.Sprintf("half=%v", half), func(t *testing.T) {
			f := newFixture(t, testConfig)
			path := f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
			newer, err := os.ReadFile(f.workbook("elsewhere/a.xlsx", []any{"schools.total", "学校总数", "2024", 55, "所", ""}))
			if err != nil {
				t.Fatal(err)
			}
			if half {
				newer = newer[:len(newer)/2]
			}
			saves := 0
			s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now },
				beforeRead: func() { // the file is open: save over it, in place
					if saves++; saves == 1 {
						if err := os.WriteFile(path, newer, 0o644); err != nil {
							t.Error(err)
						}
					}
				}}
			rep, err := s.Sync(context.Background(), "test")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Deferred != 1 || rep.Read != 0 || rep.Failed != 0 {
				t.Fatalf("deferred %d read %d failed %d; want the file saved over while read deferred", rep.Deferred, rep.Read, rep.Failed)
			}
			if fig := f.figures()["schools.total@2024"]; fig.HasValue {
				t.Fatalf("a value of a file saved over while read was kept: %+v", fig)
			}
			if fl := f.flagOf("file", "edu"); fl != nil {
				t.Fatalf("a file being saved was flagged: %+v", fl)
			}
			if half {
				return
			}
			f.now = f.now.Add(time.Hour)
			if rep, err = s.Sync(context.Background(), "test"); err != nil || rep.Read != 1 {
				t.Fatalf("next sync: %+v %v", rep, err)
			}
			wantValue(t, f.figures(), "schools.total@2024", 55, "", "")
		})
	}
}

// countCurrent counts the observations that count now.
func countCurrent(t *testing.T, db *storage.DB) int {
	t.Helper()
	n := 0
	err := db.CurrentSlots(context.Background())(func(_, _ string, obs []reconcile.Observation) error {
		n += len(obs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An indicator with an owner is required unless it says otherwise: the
// first sync of a database lists the indicators required only by that
// default, once, and flags them missing.
func TestRequiredByDefaultIsListedOnce(t *testing.T) {
	f := newFixture(t, strings.Replace(testConfig, "{id: health.examined, name: 体检学生数, unit: 人, owner: edu, required: false}",
		"{id: health.examined, name: 体检学生数, unit: 人, owner: edu}", 1))
	rep := f.sync()
	if len(rep.NewlyRequired) != 1 || rep.NewlyRequired[0] != "health.examined" {
		t.Fatalf("first sync lists %v as required by default, want [health.examined]", rep.NewlyRequired)
	}
	if fl := f.flagOf("missing", "edu"); fl == nil {
		t.Errorf("no missing flag for edu, whose health.examined is now required")
	}
	if rep := f.sync(); len(rep.NewlyRequired) != 0 {
		t.Errorf("second sync lists %v again", rep.NewlyRequired)
	}
}

// Sources are listed several at a time: a source that is slow to answer
// (a share timing out, Google retrying) does not hold up the others. Two
// sources that each wait for the other to be listing prove it; listed one
// after the other, the first would give up waiting.
func TestSourcesAreListedConcurrently(t *testing.T) {
	f := newFixture(t, testConfig)
	var arrived sync.WaitGroup
	arrived.Add(2)
	both := make(chan struct{})
	go func() { arrived.Wait(); close(both) }()
	waiting := func(ctx context.Context) (sources.Listing, error) {
		arrived.Done()
		select {
		case <-both:
			return sources.Listing{Complete: true}, nil
		case <-time.After(5 * time.Second):
			return sources.Listing{}, errors.New("listed alone: the other source was not being listed at the same time")
		}
	}
	s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now },
		Sources: func(d *config.Department) ([]sources.Source, error) {
			if d.ID == "edu" || d.ID == "finance" {
				return []sources.Source{&fakeSource{list: waiting}}, nil
			}
			return nil, nil
		}}
	rep, err := s.Sync(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.SourcesFailed != 0 {
		t.Fatalf("%d sources failed: %+v", rep.SourcesFailed, rep.Problems)
	}
}

// TestSyncInterruptedEnds: a sync interrupted while files are read (Ctrl-C,
// SIGTERM to the daemon) returns, rather than waiting for ever on a file no
// worker will read while holding the sync lock; what it stored stays, and
// the next sync reads the rest.
func TestSyncInterruptedEnds(t *testing.T) {
	f := newFixture(t, strings.Replace(testConfig, "workers: 2", "workers: 1", 1))
	const files = 12
	for i := range files {
		f.workbook(fmt.Sprintf("inbox/edu/报表%02d.xlsx", i), []any{"", "学校总数", 2024, 40 + i, "所", ""})
	}
	// The first file is read; the next one's reading is under way when the
	// sync is interrupted, and ends once the sync has stopped handing out
	// files, while the file after it waits for the one worker.
	dir := &sources.Dir{Root: filepath.Join(f.dir, "inbox/edu")}
	var opened atomic.Int32
	interrupting := true
	feederStopped := make(chan struct{})
	src := &fakeSource{
		list: dir.List,
		open: func(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error) {
			if interrupting && opened.Add(1) > 1 {
				<-ctx.Done()
				<-feederStopped
				return nil, ctx.Err()
			}
			return dir.Open(ctx, ref)
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now },
		Sources: func(d *config.Department) ([]sources.Source, error) {
			if d.ID == "edu" {
				return []sources.Source{src}, nil
			}
			return nil, nil
		},
		Progress: func(p Progress) {
			if p.FilesDone == 1 {
				cancel()
			}
		},
		feederStopped: func() { close(feederStopped) }}
	done := make(chan error, 1)
	go func() {
		_, err := s.Sync(ctx, "test")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted sync: %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the sync has not returned a minute after it was interrupted")
	}
	interrupting = false
	s.Progress, s.feederStopped = nil, nil
	rep, err := s.Sync(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read+rep.Unchanged != files || rep.Read == files {
		t.Errorf("next sync: %d read, %d unchanged, want the %d files between them, some already stored", rep.Read, rep.Unchanged, files)
	}
}
