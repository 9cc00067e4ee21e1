package sheets

// The fast reader: .xlsx/.xlsm read in one pass over each sheet's XML, in
// memory that does not grow with the sheet, yielding per cell exactly what
// the careful reader (readXLSX, built on excelize's full cell API) yields.
// What it does not handle it refuses with errFallback, and the caller reads
// the file with the careful reader instead.

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"
	utf16enc "unicode/utf16"

	"github.com/sheaf-dev/sheaf/sheets/xmlscan"
)

// errFallback says the fast reader met something it does not handle; the
// caller reads the file with the careful reader instead. It is wrapped with
// the reason.
var errFallback = errors.New("fast reader cannot read this file")

func fallbackf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errFallback}, args...)...)
}

// scanError makes the scanner's *xmlscan.UnsupportedError a fallback.
func scanError(err error) error {
	if u, ok := err.(*xmlscan.UnsupportedError); ok {
		return fallbackf("%s", u.Reason)
	}
	return err
}

// streamXLSX reads the package in data once, calling visit for every sheet
// (in workbook order) and row for every non-empty row of the sheets visit
// accepts, in order. Each Row and its cells are the caller's to keep.
//
// Before visit, each sheet's part is pre-scanned for its merged ranges
// (listed after the rows), so that visit gets them in SheetInfo and covered
// cells are yielded empty. Rows are yielded as they are read, so a fault
// found later in a sheet (a damaged row) arrives after some rows: on any
// error, errFallback included, the caller must drop every row received.
// Sheets visit refuses are only pre-scanned, which finds a truncated or
// corrupt part but not damage inside its rows.
//
// A chart, macro or dialog sheet is visited with its Kind, a worksheet
// whose part is missing or found damaged by the pre-scan with its Problem,
// and neither is read. Damage found inside a sheet's rows is a
// *sheetDamageError: streamXLSXSheets reads the package again with that
// sheet marked. A file none of whose worksheets can be read, and a part over
// lim's part size, are an *UnreadableError, in the careful reader's words;
// what the careful reader reports better (not a zip, no workbook, a
// password) is errFallback.
func streamXLSX(name string, data []byte, lim Limits, visit func(SheetInfo) bool, row func(sheet string, r Row) error) error {
	return streamXLSXWithout(name, data, lim, nil, visit, row)
}

// streamXLSXWithout is streamXLSX with the worksheets in damaged (by name,
// their problem) given as unreadable, not read.
func streamXLSXWithout(name string, data []byte, lim Limits, damaged map[string]string, visit func(SheetInfo) bool, row func(sheet string, r Row) error) error {
	return streamInputWithout(name, memInput(data), nil, lim, damaged, visit, row)
}

// streamInputWithout is streamXLSXWithout for a file in memory or read
// where it lies; zr is its zip directory when already read.
func streamInputWithout(name string, in input, zr *zip.Reader, lim Limits, damaged map[string]string, visit func(SheetInfo) bool, row func(sheet string, r Row) error) error {
	// excelize tries to decrypt any package holding an OLE signature (an
	// embedded object) and then refuses it: leave that to the careful reader.
	ole, err := in.contains(oleMagic)
	if err != nil {
		return ReadFailed(name, err)
	}
	if ole {
		return fallbackf("OLE signature in the package")
	}
	if zr == nil {
		if zr, err = zip.NewReader(in.readerAt(), in.size); err != nil {
			return fallbackf("not a zip package: %v", err)
		}
	}
	wb, err := openWorkbook(zr)
	if err != nil {
		return err
	}
	wb.file = name
	wb.partLimit = lim.part()
	wb.calc = newInputCalc(zr, in, lim)
	defer wb.calc.close()
	infos := make([]SheetInfo, 0, len(wb.sheets))
	for _, sh := range wb.sheets {
		info := SheetInfo{Name: sh.name, Hidden: sh.state, Kind: sh.kind, Problem: sh.problem}
		if p := damaged[sh.name]; p != "" && info.Kind == Worksheet {
			info.Problem = p
		}
		if info.Kind == Worksheet && info.Problem == "" {
			merges, err := wb.prescanSheet(sh)
			var sd *sheetDamageError
			switch {
			case errors.As(err, &sd):
				info.Problem = sd.problem
			case err != nil:
				return err
			}
			info.Merges = merges
		}
		infos = append(infos, info)
		if !visit(info) || info.Kind != Worksheet || info.Problem != "" {
			continue
		}
		if err := wb.loadStrings(); err != nil {
			return err
		}
		if err := wb.readSheet(sh, info.Merges, row); err != nil {
			return err
		}
	}
	return noReadableSheet(name, infos)
}

// streamXLSXSheets is streamXLSX for a caller that can drop what it was
// given (reset): a worksheet found damaged inside its rows, after some of
// them were given, is marked unreadable and the package read again, so
// that the file's other sheets are read.
func streamXLSXSheets(name string, data []byte, lim Limits, visit func(SheetInfo) bool, row func(sheet string, r Row) error, reset func()) error {
	return streamInputSheets(name, memInput(data), nil, lim, visit, row, reset)
}

// streamInputSheets is streamXLSXSheets for a file in memory or read where
// it lies; zr is its zip directory when already read.
func streamInputSheets(name string, in input, zr *zip.Reader, lim Limits, visit func(SheetInfo) bool, row func(sheet string, r Row) error, reset func()) error {
	damaged := map[string]string{}
	for {
		err := streamInputWithout(name, in, zr, lim, damaged, visit, row)
		var sd *sheetDamageError
		if !errors.As(err, &sd) {
			return err
		}
		if damaged[sd.sheet] != "" {
			return unreadable(name, "工作表%s%s", Quote(sd.sheet), sd.problem) // not met: a marked sheet is not read
		}
		damaged[sd.sheet] = sd.problem
		reset()
	}
}

// sheetDamageError is a worksheet found malformed or truncated: its
// problem for SheetInfo.Problem.
type sheetDamageError struct{ sheet, problem string }

func (e *sheetDamageError) Error() string { return "工作表" + Quote(e.sheet) + e.problem }

// streamWorkbook is one package being read.
type streamWorkbook struct {
	file    string
	entries map[string]*zip.File
	sheets  []streamSheet
	styles  []numFormat // per cellXfs index
	sst     []string
	sstFile *zip.File
	sstRead bool
	// sstTemp mirrors excelize keeping a shared-string part over 16 MiB in a
	// temporary file, which changes what a dangling index reads as.
	sstTemp bool
	calc    *formulaCalc
	// date1904: the workbook counts date serials from 1904 (Cell.Date1904).
	date1904 bool
	// partLimit is the most a part may decompress to (Limits.PartSize).
	partLimit int64
}

type streamSheet struct {
	name    string
	part    string
	state   string // SheetInfo.Hidden
	zf      *zip.File
	kind    string // SheetInfo.Kind: only worksheets are read
	problem string // SheetInfo.Problem: a worksheet that cannot be read
}

const (
	nsMain        = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	relOfficeDoc  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	nsPackageRels = "http://schemas.openxmlformats.org/package/2006/relationships"
	// nsRelationships is the namespace of a sheet's r:id.
	nsRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	// excelizeXMLTempSize is excelize's UnzipXMLSizeLimit default
	// (StreamChunkSize): parts over it are kept in temporary files.
	excelizeXMLTempSize = 1 << 24
	// excelizeMaxRows and excelizeMaxCols are the sheet limits excelize
	// checks cell references against.
	excelizeMaxRows = 1048576
	excelizeMaxCols = 16384
)

// openWorkbook reads the package's structure: which sheets, in which parts,
// and the number formats of the cell styles. It refuses with errFallback
// whatever excelize would read differently from a plain Transitional
// package.
func openWorkbook(zr *zip.Reader) (*streamWorkbook, error) {
	wb := &streamWorkbook{entries: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		if _, dup := wb.entries[f.Name]; dup {
			return nil, fallbackf("duplicate zip entry %s", f.Name)
		}
		wb.entries[f.Name] = f
		if strings.EqualFold(f.Name, "EncryptionInfo") {
			return nil, fallbackf("encrypted package")
		}
		if strings.EqualFold(f.Name, "xl/sharedStrings.xml") {
			if wb.sstFile != nil {
				return nil, fallbackf("two shared-string parts")
			}
			wb.sstFile = f
		}
	}
	// A damaged content-types part makes excelize read the sheets as
	// empty; the careful reader reports it as damage.
	if err := wb.walkSmall("[Content_Types].xml", func(*xmlscan.Element) error { return nil }); err != nil {
		return nil, err
	}
	// excelize finds the workbook through the package relationships.
	wbPath := ""
	err := wb.walkSmall("_rels/.rels", func(e *xmlscan.Element) error {
		if err := checkRelsRoot(e); err != nil {
			return err
		}
		if e.Depth == 1 && string(e.Local) == "Relationship" && wbPath == "" && e.Attr("Type") == relOfficeDoc {
			wbPath = strings.TrimPrefix(e.Attr("Target"), "/")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if wbPath != "xl/workbook.xml" {
		return nil, fallbackf("workbook part is %q", wbPath)
	}
	type bookSheet struct{ name, rid, state string }
	var sheets []bookSheet
	workbookPr := 0
	err = wb.walkSmall("xl/workbook.xml", func(e *xmlscan.Element) error {
		switch {
		case e.Depth == 0:
			if string(e.Local) != "workbook" || e.NS(e.Prefix) != nsMain {
				return fallbackf("workbook root <%s> in %q", e.Local, e.NS(e.Prefix))
			}
		case e.Depth == 1 && string(e.Local) == "workbookPr":
			// The date system: "1" or "true" (as encoding/xml reads a
			// bool) for serials counted from 1904.
			if workbookPr++; workbookPr > 1 {
				return fallbackf("two <workbookPr>")
			}
			if v := e.Attr("date1904"); v != "" {
				d, ok := parseXMLBool([]byte(v))
				if !ok {
					return fallbackf("date1904=%q", v)
				}
				wb.date1904 = d
			}
		case e.Depth == 2 && string(e.Local) == "sheet" && string(e.Parent) == "sheets":
			s := bookSheet{name: e.Attr("name"), state: sheetVisibility(e.Attr("state"))}
			for i := range e.Tag.Attrs {
				a := &e.Tag.Attrs[i]
				if prefix, local := xmlscan.SplitName(a.Name); string(local) == "id" && prefix != nil && e.NS(prefix) == nsRelationships {
					s.rid = a.Value()
				}
			}
			sheets = append(sheets, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	targets, types := map[string]string{}, map[string]string{}
	err = wb.walkSmall("xl/_rels/workbook.xml.rels", func(e *xmlscan.Element) error {
		if err := checkRelsRoot(e); err != nil {
			return err
		}
		if e.Depth == 1 && string(e.Local) == "Relationship" {
			targets[e.Attr("Id")] = e.Attr("Target")
			types[e.Attr("Id")] = e.Attr("Type")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range sheets {
		if err := checkExcelizeSheetName(s.name); err != nil {
			return nil, fallbackf("sheet name %q: %v", s.name, err)
		}
		for _, o := range wb.sheets {
			if strings.EqualFold(o.name, s.name) {
				return nil, fallbackf("two sheets named %q", s.name)
			}
		}
		target, ok := targets[s.rid]
		part := ""
		if ok {
			part = sheetPartPath(target)
		}
		sh := streamSheet{name: s.name, part: part, state: s.state, zf: wb.entries[part],
			kind: sheetKindOf(types[s.rid], part)}
		if sh.kind == Worksheet && (part == "" || sh.zf == nil) {
			sh.problem = problemMissing(part)
		}
		wb.sheets = append(wb.sheets, sh)
	}
	if err := wb.loadStyles(); err != nil {
		return nil, err
	}
	return wb, nil
}

// checkExcelizeSheetName refuses the names excelize refuses to read a sheet
// by.
func checkExcelizeSheetName(name string) error {
	switch {
	case name == "":
		return errors.New("blank")
	case len(utf16enc.Encode([]rune(name))) > 31:
		return errors.New("longer than 31 characters")
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return errors.New("begins or ends with '")
	case strings.ContainsAny(name, ":\\/?*[]"):
		return errors.New("holds one of :\\/?*[]")
	}
	return nil
}

// openPart starts reading a part with sc, refusing it when its header
// already says it is over the size limit, and once it has given more (a
// header may understate the size).
func (wb *streamWorkbook) openPart(zf *zip.File, sc *xmlscan.Scanner) (io.ReadCloser, error) {
	if zf.UncompressedSize64 > uint64(wb.partLimit) {
		return nil, &partTooLargeError{size: zf.UncompressedSize64, limit: wb.partLimit}
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	sc.Reset(&partReader{ReadCloser: rc, limit: wb.partLimit})
	return rc, nil
}

// partReader reads a part, failing with a *partTooLargeError once it has
// given more than limit bytes.
type partReader struct {
	io.ReadCloser
	n, limit int64
}

func (p *partReader) Read(b []byte) (int, error) {
	n, err := p.ReadCloser.Read(b)
	if p.n += int64(n); p.n > p.limit {
		return n, &partTooLargeError{limit: p.limit}
	}
	return n, err
}
