package extract

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

var (
	// The text forms, matched against Fold's output (ASCII, no spaces,
	// lower case).
	yearRE    = regexp.MustCompile(`^(\d{4})(?:年度?)?$`)
	quarterRE = regexp.MustCompile(`^(\d{4})(?:年|-|/)?(?:q([1-4])|第?([1-4一二三四])季度?)$`)
	// Dates, matched before spaces are removed so a time of day can follow.
	dateRE = regexp.MustCompile(`^(\d{4})([-/.])(\d{1,2})(?:([-/.])(\d{1,2}))?(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	// "2024年12月", "2024年12月31日", "2024年12月31号".
	cnDateRE = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号])?$`)
)

// quarterNumerals maps the quarter as written to its digit.
var quarterNumerals = map[string]string{
	"1": "1", "2": "2", "3": "3", "4": "4",
	"一": "1", "二": "2", "三": "3", "四": "4",
}

// normalizePeriod reads a period cell as "YYYY" or "YYYYQn", or "" for an
// empty cell. It accepts a year ("2024", "2024年", "2024年度", a number cell
// 2024), a date (an Excel date cell, "2024-01-01", "2024/12/31",
// "2024年12月"), which stands for its year, and a quarter ("2024Q2",
// "2024年第二季度", "2024年2季度", "2024-Q2").
func normalizePeriod(c sheets.Cell) (string, error) {
	raw := strings.TrimSpace(c.Raw)
	switch c.Kind {
	case sheets.CellEmpty:
		return "", nil
	case sheets.CellNumber:
		if raw == "" {
			return "", nil
		}
		return numberPeriod(c)
	case sheets.CellText:
		return textPeriod(c.Raw)
	}
	return "", notPeriod(c.Raw)
}

// notPeriod is the error for a cell that is no year, date or quarter.
func notPeriod(raw string) error {
	return fmt.Errorf("%s不是有效的年度或季度，请按“2024”或“2024年第二季度”的格式填写", sheets.Quote(raw))
}

// numberPeriod reads a number cell: a year, or an Excel date serial when
// the cell is formatted as a date.
func numberPeriod(c sheets.Cell) (string, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(c.Raw), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return "", notPeriod(c.Raw)
	}
	if c.Date {
		y, _, _, err := SerialDate(v, c.Date1904)
		if err != nil {
			return "", fmt.Errorf("%s不是有效的日期（%w）", sheets.Quote(c.Raw), err)
		}
		return yearPeriod(c.Raw, y)
	}
	if v != math.Trunc(v) {
		return "", notPeriod(c.Raw)
	}
	if v < sheaf.MinYear || v > sheaf.MaxYear {
		return "", fmt.Errorf("%s不是有效的年份，年份应在 %d–%d 之间", sheets.Quote(c.Raw), sheaf.MinYear, sheaf.MaxYear)
	}
	return yearPeriod(c.Raw, int(v))
}

// The last day each date system counts to, 9999-12-31, as a serial.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = maxSerial1900 - 1462
)

// SerialDate is the day an Excel date serial stands for, as Excel shows
// it; a fraction (the time of day) is dropped. The workbook says which date
// system its serials count in (Cell.Date1904):
//
//   - 1900 (Windows Excel, LibreOffice, WPS): serial 1 is 1900-01-01 and
//     0 is shown as 1900-01-00. Serial 60 is 1900-02-29, a day that never
//     was, kept from Lotus 1-2-3's leap-year mistake: it is returned as
//     February 29th, so serials from 61 on count days from 1899-12-30 and
//     those below 60 from 1899-12-31 (one day off the naive count).
//   - 1904 (old Mac Excel): serial 0 is 1904-01-01; the same day's serial
//     is 1462 less than in the 1900 system.
func SerialDate(serial float64, date1904 bool) (year int, month time.Month, day int, err error) {
	limit := float64(maxSerial1900)
	if date1904 {
		limit = maxSerial1904
	}
	if math.IsNaN(serial) || serial < 0 || serial >= limit+1 {
		return 0, 0, 0, fmt.Errorf("Excel 的日期序号应在 0 到 %d 之间", int(limit))
	}
	n := int(math.Floor(serial))
	switch {
	case date1904:
		t := time.Date(1904, 1, 1+n, 0, 0, 0, 0, time.UTC)
		return t.Year(), t.Month(), t.Day(), nil
	case n == 0:
		return 1900, time.January, 0, nil
	case n == 60:
		return 1900, time.February, 29, nil
	case n < 60:
		t := time.Date(1899, 12, 31+n, 0, 0, 0, 0, time.UTC)
		return t.Year(), t.Month(), t.Day(), nil
	}
	t := time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC)
	return t.Year(), t.Month(), t.Day(), nil
}

// textPeriod reads a period typed as text.
func textPeriod(raw string) (string, error) {
	// Dates first, before Fold removes the space before a time of day.
	w := strings.ToLower(strings.TrimFunc(foldWidth(raw), isSpace))
	if w == "" {
		return "", nil
	}
	if m := dateRE.FindStringSubmatch(w); m != nil {
		// "2024.12" is too like a decimal to be taken as December 2024, and
		// "2024-12/31" is no date anyone writes.
		if (m[2] == "." && m[4] == "") || (m[4] != "" && m[4] != m[2]) {
			return "", notPeriod(raw)
		}
		return datePeriod(raw, m[1], m[3], m[5])
	}
	s := Fold(raw)
	if m := cnDateRE.FindStringSubmatch(s); m != nil {
		return datePeriod(raw, m[1], m[2], m[3])
	}
	if m := yearRE.FindStringSubmatch(s); m != nil {
		return yearText(raw, m[1])
	}
	if m := quarterRE.FindStringSubmatch(s); m != nil {
		y, err := yearText(raw, m[1])
		if err != nil {
			return "", err
		}
		q := m[2]
		if q == "" {
			q = quarterNumerals[m[3]]
		}
		return y + "Q" + q, nil
	}
	return "", notPeriod(raw)
}

// datePeriod checks a written date and returns its year.
func datePeriod(raw, year, month, day string) (string, error) {
	y, _ := strconv.Atoi(year)
	mo, _ := strconv.Atoi(month)
	d := 1
	if day != "" {
		d, _ = strconv.Atoi(day)
	}
	// time.Date normalises 2024-02-30 to March; a date that does not come
	// back as written does not exist.
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return "", fmt.Errorf("日期%s不存在，请检查月份和日期", sheets.Quote(raw))
	}
	return yearPeriod(raw, y)
}

// yearText checks a four-digit year taken from raw.
func yearText(raw, year string) (string, error) {
	y, _ := strconv.Atoi(year)
	return yearPeriod(raw, y)
}

// yearPeriod returns the year as a period if it is in range.
func yearPeriod(raw string, y int) (string, error) {
	if y < sheaf.MinYear || y > sheaf.MaxYear {
		return "", fmt.Errorf("%s中的年份 %d 超出范围，年份应在 %d–%d 之间", sheets.Quote(raw), y, sheaf.MinYear, sheaf.MaxYear)
	}
	return strconv.Itoa(y), nil
}

// titleYearRE finds a candidate year in a sheet name or a title: four
// digits not part of a longer number.
var titleYearRE = regexp.MustCompile(`(?:19|20)[0-9]{2}`)

// titleYears are the periods a sheet name or a title line gives as the
// period of its table: a year ("2023年", "2023年度教育统计表", "2023",
// "2023年（旧）"), or the part of a year it names, never taken for the
// year: "2024年第二季度" 2024Q2, "2024年上半年" 2024M01-06,
// "2024年1-11月" 2024M01-11, "2024年第一季度至第三季度" 2024M01-09. A date
// is no period title: "填报日期：2025年1月10日", "2024-01-05" and
// "2024年12月" give nothing, and neither does a line about dates (日期,
// 时间). Each period is listed once.
func titleYears(text string) []string {
	if strings.Contains(text, "日期") || strings.Contains(text, "时间") {
		return nil
	}
	var years []string
	for _, loc := range titleYearRE.FindAllStringIndex(text, -1) {
		if loc[0] > 0 && isDigit(text[loc[0]-1]) {
			continue
		}
		rest := text[loc[1]:]
		if rest != "" && isDigit(rest[0]) {
			continue
		}
		if len(rest) >= 2 && strings.ContainsRune("-/.", rune(rest[0])) && isDigit(rest[1]) {
			continue // 2024-01-05
		}
		y := text[loc[0]:loc[1]]
		if after, ok := strings.CutPrefix(rest, "年"); ok && !strings.HasPrefix(after, "度") {
			after = strings.TrimLeft(after, " \u3000")
			if after != "" && (isDigit(after[0]) || strings.ContainsRune("第一二三四上下全首末前后", leadRune(after))) {
				// A part of the year is that part, never the year: the
				// table's figures are not the year's. A single month or a
				// day is a date, no period.
				if p, ok := partOfYear(y, after); ok && !slices.Contains(years, p) {
					years = append(years, p)
				}
				continue
			}
		}
		if !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	return years
}

// partOfYearRE are the parts of a year a title names after "2024年",
// folded: a quarter (第二季度, 2季度), a half (上半年), the first quarters
// (前三季度), months (1-6月, 1至11月份), the whole year (全年).
var partOfYearRE = regexp.MustCompile(`^(?:第?([1-4一二三四])(?:季度)?(?:-|~|—|–|至|到)第?([1-4一二三四])季度|第?([1-4一二三四])季度|([上下])半年|前([二两三23])个?季度|(\d{1,2})月?(?:-|~|—|–|至|到)(\d{1,2})月|(全年))`)

// rangeMarks continue a part of a year into a range: after one, the part
// matched is only where the range starts.
const rangeMarks = "-~—–至到、､,，"

// partOfYear is the period of the part of year y that after (the text
// after "2024年") names, or ok false.
func partOfYear(y, after string) (string, bool) {
	f := Fold(after)
	loc := partOfYearRE.FindStringSubmatchIndex(f)
	if loc == nil {
		return "", false
	}
	if rest := f[loc[1]:]; rest != "" && strings.ContainsRune(rangeMarks, leadRune(rest)) {
		return "", false // 第一季度至第三季度 is read whole or not at all
	}
	m := partOfYearRE.FindStringSubmatch(f)
	var p string
	months := func(from, to int) string {
		if from == 1 && to == 12 {
			return y
		}
		return fmt.Sprintf("%sM%02d-%02d", y, from, to)
	}
	switch {
	case m[1] != "":
		// 第一季度至第三季度: the months from the first's start to the
		// last's end.
		from, _ := strconv.Atoi(quarterNumerals[m[1]])
		to, _ := strconv.Atoi(quarterNumerals[m[2]])
		if from > to {
			return "", false
		}
		p = months(from*3-2, to*3)
	case m[3] != "":
		p = y + "Q" + quarterNumerals[m[3]]
	case m[4] == "上":
		p = y + "M01-06"
	case m[4] == "下":
		p = y + "M07-12"
	case m[5] != "":
		p = y + "M01-06"
		if m[5] == "三" || m[5] == "3" {
			p = y + "M01-09"
		}
	case m[6] != "":
		from, _ := strconv.Atoi(m[6])
		to, _ := strconv.Atoi(m[7])
		p = months(from, to)
	default:
		p = y // 全年
	}
	return p, sheaf.ValidPeriod(p)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func leadRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
