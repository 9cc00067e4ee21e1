package sheets

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

	"github.com/xuri/excelize/v2"
	gsheets "google.golang.org/api/sheets/v4"
)

// mimeSpreadsheet is the Drive MIME type of a native Google Sheet.
const mimeSpreadsheet = "application/vnd.google-apps.spreadsheet"

// GoogleSheet is one Google Sheets spreadsheet read through the Sheets API.
// Open rebuilds it as an .xlsx in memory (same sheet names, same cells), so
// that the same reader and extraction run and provenance is spreadsheet,
// sheet and A1 cell.
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
	return Listing{Files: []FileRef{{Path: sheetPath(f.Name), ModTime: mt, ChangeKey: key}}, Complete: true}, nil
}

// sheetPath is a native sheet's file name: its title, as an .xlsx.
func sheetPath(title string) string {
	if strings.HasSuffix(strings.ToLower(title), ".xlsx") {
		return title
	}
	return title + ".xlsx"
}

// Open reads the spreadsheet's values and returns them as an .xlsx.
func (s *GoogleSheet) Open(ctx context.Context, ref FileRef) (io.ReadCloser, error) {
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

// readSpreadsheet reads a spreadsheet's values through the Sheets API,
// unformatted and formatted, and writes them into an .xlsx at the same
// sheet names and cells. The Drive source uses it for native sheets too
// large to export.
func (c *googleConn) readSpreadsheet(ctx context.Context, id string, ranges, sheetNames []string) ([]byte, error) {
	ss, err := c.sheets.Spreadsheets.Get(id).Fields("properties.title,sheets.properties.title").Context(ctx).Do()
	if err != nil {
		return nil, c.spreadsheetError(id, err)
	}
	var titles []string
	for _, sh := range ss.Sheets {
		if sh.Properties != nil {
			titles = append(titles, sh.Properties.Title)
		}
	}
	if len(ranges) == 0 {
		want := sheetNames
		if len(want) == 0 {
			want = titles
		}
		for _, t := range want {
			ranges = append(ranges, quoteSheet(t))
		}
	}
	get := func(render string) ([]*gsheets.ValueRange, error) {
		resp, err := c.sheets.Spreadsheets.Values.BatchGet(id).Ranges(ranges...).
			ValueRenderOption(render).DateTimeRenderOption("FORMATTED_STRING").
			MajorDimension("ROWS").Context(ctx).Do()
		if err != nil {
			return nil, c.spreadsheetError(id, err)
		}
		return resp.ValueRanges, nil
	}
	raw, err := get("UNFORMATTED_VALUE")
	if err != nil {
		return nil, err
	}
	shown, err := get("FORMATTED_VALUE")
	if err != nil {
		return nil, err
	}
	return buildWorkbook(titles, raw, shown)
}

// quoteSheet writes a sheet title as an A1 range of the whole sheet.
func quoteSheet(title string) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// splitRange splits "'汇总 表'!B2:F9" into the sheet title and its first cell.
func splitRange(r string) (sheet, first string) {
	i := strings.LastIndex(r, "!")
	if i < 0 {
		sheet, first = r, "A1"
	} else {
		sheet, first = r[:i], r[i+1:]
	}
	if len(sheet) >= 2 && sheet[0] == '\'' && sheet[len(sheet)-1] == '\'' {
		sheet = strings.ReplaceAll(sheet[1:len(sheet)-1], "''", "'")
	}
	first, _, _ = strings.Cut(first, ":")
	if first == "" {
		first = "A1"
	}
	return sheet, first
}

// buildWorkbook writes the values into a new .xlsx. Sheets keep their order
// in the spreadsheet; numbers stay numbers and text stays text, except that
// a number shown with a percent sign or a Chinese unit (10.8%, 3.6万) is
// written as it is shown, so it reads as the department sees it.
func buildWorkbook(titles []string, raw, shown []*gsheets.ValueRange) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	made := map[string]bool{}
	sheetOf := func(name string) error {
		if made[name] {
			return nil
		}
		if len(made) == 0 {
			made[name] = true
			return f.SetSheetName("Sheet1", name)
		}
		made[name] = true
		_, err := f.NewSheet(name)
		return err
	}
	// Create the sheets in the spreadsheet's order first.
	inRanges := map[string]bool{}
	for _, vr := range raw {
		name, _ := splitRange(vr.Range)
		inRanges[name] = true
	}
	for _, t := range titles {
		if inRanges[t] {
			if err := sheetOf(t); err != nil {
				return nil, err
			}
		}
	}
	for i, vr := range raw {
		name, first := splitRange(vr.Range)
		if err := sheetOf(name); err != nil {
			return nil, err
		}
		col0, row0, err := excelize.CellNameToCoordinates(first)
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", vr.Range, err)
		}
		var formatted [][]any
		if i < len(shown) {
			formatted = shown[i].Values
		}
		for r, row := range vr.Values {
			for c, v := range row {
				text := ""
				if r < len(formatted) && c < len(formatted[r]) {
					text, _ = formatted[r][c].(string)
				}
				v = cellValue(v, text)
				if v == nil {
					continue
				}
				cell, err := excelize.CoordinatesToCellName(col0+c, row0+r)
				if err != nil {
					return nil, err
				}
				if err := f.SetCellValue(name, cell, v); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(made) == 0 {
		// Nothing selected: an empty workbook still opens as one.
		made["Sheet1"] = true
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cellValue chooses what to write for one cell from its unformatted value
// and the text the sheet shows.
func cellValue(v any, shown string) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		return x
	case float64:
		t := strings.TrimSpace(shown)
		if strings.HasSuffix(t, "%") || strings.IndexFunc(t, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			return t
		}
		return x
	case bool:
		return x
	}
	return fmt.Sprint(v)
}
