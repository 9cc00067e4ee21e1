package sheets

import (
	"fmt"
	"path"
	"strings"
)

// sheetKindOf is the kind of a sheet from the type of the workbook's
// relationship to its part, or the folder of the part, as excelize tells
// them apart.
func sheetKindOf(relType, part string) string {
	switch {
	case strings.HasSuffix(relType, "/chartsheet"), strings.HasPrefix(part, "xl/chartsheets/"):
		return ChartSheet
	case strings.HasSuffix(relType, "/dialogsheet"), strings.HasPrefix(part, "xl/dialogsheets/"):
		return DialogSheet
	case strings.HasSuffix(relType, "/xlMacrosheet"), strings.HasSuffix(relType, "/xlIntlMacrosheet"),
		strings.HasPrefix(part, "xl/macrosheets/"):
		return MacroSheet
	}
	return Worksheet
}

// sheetPartPath resolves a relationship's target from xl/workbook.xml to
// a part name, as excelize's getWorksheetPath does.
func sheetPartPath(target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return path.Join("xl", target)
}

// The problems of a worksheet that cannot be read (SheetInfo.Problem),
// worded to follow "工作表「名称」".
func problemMissing(part string) string {
	if part == "" {
		return "在文件中缺失（工作簿登记了这张工作表，但没有指向其内容），请重新保存工作簿后再报送"
	}
	return "在文件中缺失（缺少 " + part + "），请重新保存工作簿后再报送"
}

func problemDamaged(part string, err error) string {
	return fmt.Sprintf("已损坏（%s: %v），请打开文件检查该工作表，重新保存后再报送", part, err)
}

// noReadableSheet is the file's error when none of its worksheets can be
// read: the first one's problem, or nil when one can (or there are none).
func noReadableSheet(file string, infos []SheetInfo) error {
	var first *SheetInfo
	for i := range infos {
		switch {
		case infos[i].Kind != Worksheet:
		case infos[i].Problem == "":
			return nil
		case first == nil:
			first = &infos[i]
		}
	}
	if first == nil {
		return nil
	}
	return unreadable(file, "工作表%s%s", Quote(first.Name), first.Problem)
}
