package extract

import (
	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

// sheetKindWords names a sheet kind for people.
var sheetKindWords = map[string]string{
	sheets.ChartSheet:  "图表工作表",
	sheets.MacroSheet:  "宏表（Excel 4.0 宏）",
	sheets.DialogSheet: "对话框工作表",
}

// skipped records the outcome of a sheet a reader gives no rows because
// it is not a worksheet or cannot be read, and flags the latter; false for
// a readable worksheet.
func (x *FileExtraction) skipped(info sheets.SheetInfo, o *sheaf.SheetOutcome) bool {
	skip, f, ok := skippedSheet(info)
	if ok {
		*o = skip
		if f != nil {
			x.finding(*f)
		}
	}
	return ok
}

// skippedSheet is the outcome of a sheet a reader gives no rows because
// it is not a worksheet or cannot be read, and the finding for the latter;
// ok is false for a readable worksheet.
func skippedSheet(info sheets.SheetInfo) (o sheaf.SheetOutcome, f *sheaf.Finding, ok bool) {
	switch {
	case info.Kind != sheets.Worksheet:
		w := sheetKindWords[info.Kind]
		if w == "" {
			w = "不是普通工作表"
		}
		return sheaf.SheetOutcome{Sheet: info.Name, Outcome: sheaf.SheetNotWorksheet, Reason: "是" + w + "，不含表格，未读取"}, nil, true
	case info.Problem != "":
		return sheaf.SheetOutcome{Sheet: info.Name, Outcome: sheaf.SheetUnreadable, Reason: info.Problem},
			&sheaf.Finding{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Sheet: info.Name,
				Message: "工作表" + sheets.Quote(info.Name) + info.Problem + "；文件中的其他工作表已读取"}, true
	}
	return sheaf.SheetOutcome{}, nil, false
}
