package sheets

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestXLSCorpus reads every .xls of a corpus of real-world files
// (SHEAF_XLS_CORPUS, e.g. ../shared/corpora/poi-xls; `make xls-corpus`)
// and prints how many were read, refused with a reason, crashed the reader
// (a panic, recovered) or hung (not done in xlsCorpusTimeout); the last two
// must be none. Where LibreOffice is installed, each file it converts to
// .xlsx is read through the careful reader too, and the share of cells
// that agree is printed. Skipped without SHEAF_XLS_CORPUS.
func TestXLSCorpus(t *testing.T) {
	root := os.Getenv("SHEAF_XLS_CORPUS")
	if root == "" {
		t.Skip("SHEAF_XLS_CORPUS is not set (make xls-corpus sets it)")
	}
	files, err := filepath.Glob(filepath.Join(root, "*.xls"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .xls files in %s (%v)", root, err)
	}
	sort.Strings(files)
	type outcome struct {
		sheets []Sheet
		err    error
	}
	results := map[string]outcome{}
	var read, damaged, refused, crashed, hung int
	reasons := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan outcome, 1)
		go func() {
			shs, err := ReadWorkbook(filepath.Base(f), data, Limits{})
			done <- outcome{shs, err}
		}()
		select {
		case o := <-done:
			results[f] = o
			var ue *UnreadableError
			switch {
			case o.err == nil:
				read++
				for _, sh := range o.sheets {
					if sh.Problem != "" {
						damaged++
						t.Logf("%s: sheet %s%s", filepath.Base(f), Quote(sh.Name), sh.Problem)
						break
					}
				}
			case errors.As(o.err, &ue) && strings.Contains(ue.Reason, "读取程序出错"):
				crashed++
				t.Errorf("%s crashed the reader: %s", filepath.Base(f), ue.Reason)
			case errors.As(o.err, &ue):
				refused++
				reasons[reasonKind(ue.Reason)]++
				t.Logf("%s refused: %s", filepath.Base(f), ue.Reason)
			default:
				crashed++
				t.Errorf("%s: error without a reason for people: %v", filepath.Base(f), o.err)
			}
		case <-time.After(xlsCorpusTimeout):
			hung++
			t.Errorf("%s: not read in %v", filepath.Base(f), xlsCorpusTimeout)
		}
	}
	fmt.Printf("xls corpus %s: %d files: %d read (%d of them with a damaged sheet flagged), %d refused with a flag, %d crashed, %d hung\n",
		root, len(files), read, damaged, refused, crashed, hung)
	for r, n := range reasons {
		fmt.Printf("  refused %3d  %s\n", n, r)
	}
	compareWithLibreOffice(t, files, func(f string) []Sheet { return results[f].sheets })
}

// xlsCorpusTimeout is how long one file may take before it counts as hung.
const xlsCorpusTimeout = 30 * time.Second

// reasonKind is a refusal's reason up to its first parenthesis or comma:
// the kind of refusal, without the file's particulars.
func reasonKind(r string) string {
	if i := strings.IndexAny(r, "（，"); i > 0 {
		return r[:i]
	}
	return r
}

// compareWithLibreOffice converts the files read to .xlsx with soffice
// and prints, for each converted file, the share of its cells that the
// xls reader reads as the careful reader reads the conversion.
func compareWithLibreOffice(t *testing.T, files []string, sheetsOf func(string) []Sheet) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		fmt.Println("soffice not found: no comparison with LibreOffice")
		return
	}
	out := t.TempDir()
	var readFiles []string
	for _, f := range files {
		if sheetsOf(f) != nil {
			readFiles = append(readFiles, f)
		}
	}
	// One file at a time with a timeout: a file LibreOffice hangs on is
	// left out of the comparison.
	for _, f := range readFiles {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(out, "profile"),
			"--headless", "--convert-to", "xlsx", "--outdir", out, f)
		_ = cmd.Run()
		cancel()
	}
	var converted, good, goodPlain int
	var total, equal, plainTotal, plainEqual int
	for _, f := range readFiles {
		x := filepath.Join(out, strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))+".xlsx")
		data, err := os.ReadFile(x)
		if err != nil {
			continue
		}
		want, err := ReadWorkbook(filepath.Base(x), data, Limits{})
		if err != nil {
			t.Logf("%s: LibreOffice's conversion is not read: %v", filepath.Base(f), err)
			continue
		}
		converted++
		all, plain := compareCells(want, sheetsOf(f))
		total += all.n
		equal += all.equal
		plainTotal += plain.n
		plainEqual += plain.equal
		if all.share() >= 0.99 {
			good++
		} else {
			fmt.Printf("  %-40s %5.1f%% of %d cells (%5.1f%% of %d not formulas); first: %s\n",
				filepath.Base(f), 100*all.share(), all.n, 100*plain.share(), plain.n, all.first)
		}
		if plain.share() >= 0.99 {
			goodPlain++
		}
	}
	if converted == 0 {
		fmt.Println("LibreOffice converted none of the files read")
		return
	}
	fmt.Printf("LibreOffice converted %d of the %d files read: %d (%.1f%%) have ≥ 99%% of cells equal; %.2f%% of all %d cells equal\n",
		converted, len(readFiles), good, 100*float64(good)/float64(converted), 100*float64(equal)/float64(max(total, 1)), total)
	// LibreOffice recalculates some formulas as it converts (volatile
	// functions, its own results for errors and text functions): the
	// cells that are not formulas compare the reading alone.
	fmt.Printf("cells that are not formulas: %d (%.1f%%) of the files have ≥ 99%% equal; %.2f%% of all %d equal\n",
		goodPlain, 100*float64(goodPlain)/float64(converted), 100*float64(plainEqual)/float64(max(plainTotal, 1)), plainTotal)
}

// cellTally counts compared cells.
type cellTally struct {
	n, equal int
	first    string // the first cell that differs
}

func (c cellTally) share() float64 {
	if c.n == 0 {
		return 1
	}
	return float64(c.equal) / float64(c.n)
}

// compareCells counts the non-empty cells of want and got (by sheet name
// and reference) and those equal in kind, value, percent and date; numbers
// are equal to 15 significant digits, as LibreOffice writes them. plain
// counts the cells that are not formulas in got.
func compareCells(want, got []Sheet) (all, plain cellTally) {
	type key struct{ sheet, ref string }
	cells := func(shs []Sheet) map[key]Cell {
		m := map[key]Cell{}
		for _, sh := range shs {
			for _, r := range sh.Rows {
				for _, c := range r.Cells {
					if c.Kind != CellEmpty {
						m[key{sh.Name, c.Ref}] = c
					}
				}
			}
		}
		return m
	}
	w, g := cells(want), cells(got)
	keys := map[key]bool{}
	for k := range w {
		keys[k] = true
	}
	for k := range g {
		keys[k] = true
	}
	sorted := make([]key, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].sheet != sorted[j].sheet {
			return sorted[i].sheet < sorted[j].sheet
		}
		return sorted[i].ref < sorted[j].ref
	})
	count := func(t *cellTally, k key, wc, gc Cell) {
		t.n++
		if sameCell(wc, gc) {
			t.equal++
		} else if t.first == "" {
			t.first = fmt.Sprintf("%s!%s got %s want %s", k.sheet, k.ref, brief(gc), brief(wc))
		}
	}
	for _, k := range sorted {
		wc, gc := w[k], g[k]
		count(&all, k, wc, gc)
		if gc.Formula == "" && wc.Formula == "" {
			count(&plain, k, wc, gc)
		}
	}
	return all, plain
}

func sameCell(a, b Cell) bool {
	if a.Kind == b.Kind && a.Raw == b.Raw && a.Percent == b.Percent && a.Date == b.Date {
		return true // NaN included
	}
	if a.Kind != b.Kind || a.Percent != b.Percent || a.Date != b.Date {
		return false
	}
	if a.Kind == CellNumber {
		x, err1 := strconv.ParseFloat(a.Raw, 64)
		y, err2 := strconv.ParseFloat(b.Raw, 64)
		if err1 != nil || err2 != nil {
			return a.Raw == b.Raw
		}
		return x == y || math.Abs(x-y) <= 1e-14*math.Max(math.Abs(x), math.Abs(y))
	}
	return a.Raw == b.Raw
}

func brief(c Cell) string {
	raw := c.Raw
	if len(raw) > 30 {
		raw = raw[:30] + "…"
	}
	return fmt.Sprintf("{kind %d %q percent %v date %v}", c.Kind, raw, c.Percent, c.Date)
}
