package sheets

import (
	"bytes"
	"encoding/csv"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// readCSV reads a CSV file as one sheet named after the file. Chinese
// offices still save CSV as GBK by default: content that is not valid UTF-8
// is decoded as GB18030 (a superset of GBK and GB2312).
func readCSV(name string, data []byte) ([]Sheet, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, unreadableBy(err, name, "CSV 文件的编码既不是 UTF-8 也不是 GBK，请另存为“CSV UTF-8”或 .xlsx 格式再报送")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	sh := Sheet{SheetInfo: SheetInfo{Name: strings.TrimSuffix(path.Base(name), path.Ext(name))}}
	// A spreadsheet program shows each record as one row, a blank line as
	// an empty row, and a quoted cell's line breaks inside its cell: a
	// record's row is its first line less the line breaks quoted inside
	// the records before it.
	inside := 0
	for n := 1; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, unreadableBy(err, name, "CSV 文件第 %d 行附近无法读取，请检查该行，重新保存后再报送", n)
		}
		line, _ := r.FieldPos(0)
		row := Row{Num: line - inside}
		empty := true
		for j, v := range rec {
			inside += strings.Count(v, "\n")
			ref, _ := excelize.CoordinatesToCellName(j+1, row.Num)
			c := Cell{Ref: ref, Raw: v}
			if strings.TrimSpace(v) != "" {
				c.Kind, empty = CellText, false
			}
			row.Cells = append(row.Cells, c)
		}
		if !empty {
			sh.Rows = append(sh.Rows, row)
		}
	}
	return []Sheet{sh}, nil
}

func decodeText(data []byte) (string, error) {
	if b, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		return string(b), nil
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// sniffDelimiter picks the separator that the first line uses most: comma,
// tab or semicolon (European Excel saves CSV with semicolons).
func sniffDelimiter(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, d := range []rune{'\t', ';'} {
		if c := strings.Count(first, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}
