package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestDOCXOpensInLibreOffice converts the Word document to PDF with
// LibreOffice, headless, to prove that it opens. It is skipped where
// LibreOffice Writer is not installed (as in CI).
func TestDOCXOpensInLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("converting with LibreOffice takes seconds")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed")
	}
	dir := t.TempDir()
	// A profile of its own, so that a LibreOffice already running (or
	// another test) does not take the conversion over.
	profile := "-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile"))
	convert := func(file string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", dir, file)
		return cmd.CombinedOutput()
	}
	// Writer may be missing where only Calc is installed: then not even
	// a text file converts.
	probe := filepath.Join(dir, "probe.txt")
	if err := os.WriteFile(probe, []byte("probe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := convert(probe); err != nil || !exists(filepath.Join(dir, "probe.pdf")) {
		t.Skipf("LibreOffice Writer cannot convert documents here: %v\n%s", err, out)
	}

	d, err := Build("testdata/report.md.tmpl", fixture(t))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	docx := filepath.Join(dir, "draft.docx")
	if err := os.WriteFile(docx, d.DOCX, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := convert(docx)
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "draft.pdf"))
	if err != nil {
		t.Fatalf("LibreOffice did not convert the draft: %v\n%s", err, out)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10000 {
		t.Errorf("the PDF is %d bytes starting %q", len(pdf), pdf[:min(len(pdf), 8)])
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
