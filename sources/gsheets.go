package sources

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/sheaf-dev/sheaf"

	"github.com/xuri/excelize/v2"
	gsheets "google.golang.org/api/sheets/v4"
)

// mimeSpreadsheet is the Drive MIME type of a native Google Sheet.
const mimeSpreadsheet = "application/vnd.google-apps.spreadsheet"

// GoogleSheet is one Google Sheets spreadsheet read through the Sheets API.
// Open rebuilds it as an .xlsx in memory (same sheet names, same cells,
// each number with its number format, so a date is a date serial with its
// date format; hidden sheets hidden; merged ranges merged), so that the
// same reader and extraction run and provenance is spreadsheet, sheet and
// A1 cell.
type GoogleSheet struct {
	// ID is the spreadsheet's id, from its address
	// (docs.google.com/spreadsheets/d/ID/edit).
	ID string
	// Ranges limits what is read to these A1 ranges ("汇总!A1:F40");
	// Sheets to these sheets. Neither means every sheet.
	Ranges []string
	Sheets []string
	// Google says how the APIs are reached.
	Google Google

	conn lazyConn
}

var _ Source = (*GoogleSheet)(nil)

// Name identifies the spreadsheet source: "gsheet:<id>".
func (s *GoogleSheet) Name() string { return "gsheet:" + s.ID }

// List returns the spreadsheet as one file named after its title, with a
// change key from its Drive version and modification time: its values are
// read again only when these change. A missing spreadsheet is an error.
func (s *GoogleSheet) List(ctx context.Context) (Listing, error) {
	c, err := s.conn.get(ctx, &s.Google)
	if err != nil {
		return Listing{}, err
	}
	c.used.Store(0)
	f, err := c.drive.Files.Get(s.ID).SupportsAllDrives(true).
		Fields("id,name,mimeType,version,modifiedTime").Context(ctx).Do()
	if err != nil {
		return Listing{}, c.spreadsheetError(s.ID, err)
	}
	if f.MimeType != mimeSpreadsheet {
		return Listing{}, fmt.Errorf("%s 不是 Google 表格，而是 %s（not a Google Sheet）", s.ID, f.MimeType)
	}
	mt, _ := time.Parse(time.RFC3339, f.ModifiedTime)
	key := fmt.Sprintf("gsheet:%d:%s", f.Version, f.ModifiedTime)
	if len(s.Ranges)+len(s.Sheets) > 0 {
		// Another selection is other content, even if the sheet is unchanged.
		h := sha256.Sum256([]byte(strings.Join(s.Ranges, "\x00") + "\x01" + strings.Join(s.Sheets, "\x00")))
		key += ":" + hex.EncodeToString(h[:6])
	}
	return Listing{Files: []sheaf.FileRef{{Path: sheetPath(f.Name), ModTime: mt, ChangeKey: key}}, Complete: true}, nil
}

// sheetPath is a native sheet's file name: its title, as an .xlsx.
func sheetPath(title string) string {
	if strings.HasSuffix(strings.ToLower(title), ".xlsx") {
		return title
	}
	return title + ".xlsx"
}

// Open reads the spreadsheet's values and returns them as an .xlsx.
func (s *GoogleSheet) Open(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error) {
	c, err := s.conn.get(ctx, &s.Google)
	if err != nil {
		return nil, err
	}
	data, err := c.readSpreadsheet(ctx, s.ID, s.Ranges, s.Sheets)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", ref.Path, err)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// spreadsheetError says why a spreadsheet cannot be read.
func (c *googleConn) spreadsheetError(id string, err error) error {
	switch code, _ := apiStatus(err); code {
	case http.StatusNotFound, http.StatusForbidden:
		return fmt.Errorf("表格 %s 不存在或无法访问：请确认表格 id，并将表格共享给服务账号 %s（spreadsheet not found or not shared: %w）", id, c.shareWith(), err)
	}
	return fmt.Errorf("无法读取表格 %s（%w）", id, err)
}

// gridFields are what a spreadsheet read asks for: each sheet's title,
// visibility and merged ranges, and each cell's value (dates as serial
// numbers, as every value of the grid is), its number format and the text
// the sheet shows.
const gridFields = "sheets(properties(sheetId,title,index,hidden),merges," +
	"data(startRow,startColumn,rowData(values(effectiveValue,effectiveFormat.numberFormat,formattedValue))))"

// readSpreadsheet reads a spreadsheet through the Sheets API, in one
// request, and writes it into an .xlsx at the same sheet names and cells,
// with the cells' number formats, hidden sheets hidden and merged ranges
// merged, so that the readers see it as they would see the file. The
// Drive source uses it for native sheets too large to export.
func (c *googleConn) readSpreadsheet(ctx context.Context, id string, ranges, sheetNames []string) ([]byte, error) {
	if len(ranges) == 0 {
		for _, t := range sheetNames {
			ranges = append(ranges, quoteSheet(t))
		}
	}
	call := c.sheets.Spreadsheets.Get(id).IncludeGridData(true).Fields(gridFields)
	if len(ranges) > 0 {
		call = call.Ranges(ranges...)
	}
	ss, err := call.Context(ctx).Do()
	if err != nil {
		return nil, c.spreadsheetError(id, err)
	}
	return buildWorkbook(ss.Sheets)
}

// quoteSheet writes a sheet title as an A1 range of the whole sheet.
func quoteSheet(title string) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// buildWorkbook writes the sheets into a new .xlsx, in the spreadsheet's
// order. Numbers keep their number format (a date is its serial number
// formatted as a date, a percentage a fraction formatted as a percent),
// text stays text, except that a number whose format shows a Chinese unit
// (3.6万) is written as it is shown, so it reads as the department sees it.
func buildWorkbook(tabs []*gsheets.Sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	styles := map[string]int{} // number format → style id
	var names []string
	hidden := map[string]bool{}
	for _, sh := range tabs {
		if sh.Properties == nil {
			continue
		}
		name := sh.Properties.Title
		if len(names) == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("sheet %q: %w", name, err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		names = append(names, name)
		hidden[name] = sh.Properties.Hidden
		for _, grid := range sh.Data {
			for r, row := range grid.RowData {
				for col, cd := range row.Values {
					v, format := cellValue(cd)
					if v == nil {
						continue
					}
					cell, err := excelize.CoordinatesToCellName(int(grid.StartColumn)+col+1, int(grid.StartRow)+r+1)
					if err != nil {
						return nil, err
					}
					if err := f.SetCellValue(name, cell, v); err != nil {
						return nil, err
					}
					if format == "" {
						continue
					}
					style, ok := styles[format]
					if !ok {
						if style, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
							return nil, fmt.Errorf("number format %q: %w", format, err)
						}
						styles[format] = style
					}
					if err := f.SetCellStyle(name, cell, cell, style); err != nil {
						return nil, err
					}
				}
			}
		}
		for _, m := range sh.Merges {
			if m == nil || m.EndRowIndex-m.StartRowIndex < 1 || m.EndColumnIndex-m.StartColumnIndex < 1 ||
				m.EndRowIndex-m.StartRowIndex == 1 && m.EndColumnIndex-m.StartColumnIndex == 1 {
				continue
			}
			top, err := excelize.CoordinatesToCellName(int(m.StartColumnIndex)+1, int(m.StartRowIndex)+1)
			if err != nil {
				return nil, err
			}
			bottom, err := excelize.CoordinatesToCellName(int(m.EndColumnIndex), int(m.EndRowIndex))
			if err != nil {
				return nil, err
			}
			if err := f.MergeCell(name, top, bottom); err != nil {
				return nil, fmt.Errorf("merge %s:%s in %q: %w", top, bottom, name, err)
			}
		}
	}
	// Hidden sheets stay hidden, so they are skipped as in a file. The
	// selected tab cannot be hidden: select the first visible sheet.
	for i, name := range names {
		if !hidden[name] {
			f.SetActiveSheet(i)
			break
		}
	}
	for _, name := range names {
		if hidden[name] {
			if err := f.SetSheetVisible(name, false); err != nil {
				return nil, fmt.Errorf("hide sheet %q: %w", name, err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cellValue chooses what to write for one cell, and its number format (""
// for General): the effective value, with the format it is shown in.
func cellValue(cd *gsheets.CellData) (any, string) {
	if cd == nil || cd.EffectiveValue == nil {
		return nil, ""
	}
	v := cd.EffectiveValue
	switch {
	case v.StringValue != nil:
		if *v.StringValue == "" {
			return nil, ""
		}
		return *v.StringValue, ""
	case v.BoolValue != nil:
		return *v.BoolValue, ""
	case v.ErrorValue != nil:
		// As the values API gives it, and as a reader sees an error cell's
		// shown text: "#DIV/0!", "#N/A".
		if cd.FormattedValue != "" {
			return cd.FormattedValue, ""
		}
		return "#ERROR!", ""
	case v.NumberValue != nil:
		var nf *gsheets.NumberFormat
		if cd.EffectiveFormat != nil {
			nf = cd.EffectiveFormat.NumberFormat
		}
		format, n := excelFormat(nf), *v.NumberValue
		switch {
		case nf != nil && (nf.Type == "DATE" || nf.Type == "DATE_TIME"):
			// Sheets counts days from 1899-12-30 without Excel's 29 February
			// 1900: its serials of January and February 1900 are one more
			// than Excel's; later ones are equal.
			if n >= 1 && n < 61 {
				n--
			}
		case nf != nil && (nf.Type == "TIME" || nf.Type == "PERCENT"):
		case hasHan(cd.FormattedValue):
			// A unit in the format (0.0"万"): the readers take units from
			// text, not from a format.
			return strings.TrimSpace(cd.FormattedValue), ""
		}
		return n, format
	}
	return nil, ""
}

// excelFormat is the Excel number format code of a Sheets number format.
// Sheets' patterns use Excel's syntax; a format with a type and no pattern
// takes the type's usual pattern.
func excelFormat(nf *gsheets.NumberFormat) string {
	if nf == nil {
		return ""
	}
	if p := strings.TrimSpace(nf.Pattern); p != "" {
		if strings.EqualFold(p, "general") {
			return ""
		}
		return p
	}
	switch nf.Type {
	case "DATE":
		return "yyyy-mm-dd"
	case "TIME":
		return "hh:mm:ss"
	case "DATE_TIME":
		return "yyyy-mm-dd hh:mm:ss"
	case "PERCENT":
		return "0.00%"
	case "NUMBER":
		return "#,##0.00"
	case "SCIENTIFIC":
		return "0.00E+00"
	case "TEXT":
		return "@"
	}
	return ""
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}
