package extract

import (
	"os"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestSheetsThatAreNotReadable: sheets that are not worksheets are listed
// and skipped, a worksheet that cannot be read is flagged by name, and the
// file's table is read, by both readers.
func TestSheetsThatAreNotReadable(t *testing.T) {
	cfg := loadTestConfig(t)
	data, err := os.ReadFile("../sheets/testdata/kinds/kinds.xlsx") // sheets' kindsBook
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"stream", "whole"} {
		t.Run(how, func(t *testing.T) {
			dept, _ := cfg.Department("edu")
			var obs []sheaf.Observation
			var fs []sheaf.Finding
			start := func() *FileExtraction {
				obs, fs = nil, nil
				return NewExtractor(cfg, dept).Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { fs = append(fs, f) })
			}
			x := start()
			if how == "stream" {
				// The damaged sheet is found after the reader began: it
				// starts again, and the handler drops what it had.
				h := &restartTo{x: x, start: start}
				st, err := sheets.StreamWorkbook("kinds.xlsx", data, sheets.Limits{}, h)
				if err != nil || st.FellBack || h.resets != 1 {
					t.Fatal(err, st, h.resets)
				}
				x = h.x
			} else {
				shs, err := sheets.ReadWorkbook("kinds.xlsx", data, sheets.Limits{})
				if err != nil {
					t.Fatal(err)
				}
				for _, sh := range shs {
					if x.Sheet(sh.SheetInfo) {
						for _, r := range sh.Rows {
							x.Row(r)
						}
					}
				}
			}
			x.Finish()
			assertObs(t, obs, "数据!C2 students.total@2024 = 4141/0 raw 4141")
			assertOutcomes(t, x.Outcomes(), "宏 not_worksheet 0", "数据 read 1", "对话框 not_worksheet 0", "缺失 unreadable 0", "损坏 unreadable 0")
			assertFindings(t, fs,
				"file error 缺失! @|工作表「缺失」在文件中缺失（缺少 xl/worksheets/sheet4.xml），请重新保存工作簿后再报送；文件中的其他工作表已读取",
				"file error 损坏! @|工作表「损坏」已损坏（xl/worksheets/sheet5.xml: |），请打开文件检查该工作表，重新保存后再报送；文件中的其他工作表已读取",
			)
			for _, o := range x.Outcomes() {
				switch o.Sheet {
				case "宏":
					if o.Reason != "是宏表（Excel 4.0 宏），不含表格，未读取" {
						t.Errorf("reason %q", o.Reason)
					}
				case "对话框":
					if o.Reason != "是对话框工作表，不含表格，未读取" {
						t.Errorf("reason %q", o.Reason)
					}
				}
			}
		})
	}
}

// restartTo hands a streamed workbook to an extraction, and starts a new
// one on Reset, as the sync's handler does.
type restartTo struct {
	x      *FileExtraction
	start  func() *FileExtraction
	resets int
}

func (s *restartTo) Sheet(info sheets.SheetInfo) bool { return s.x.Sheet(info) }
func (s *restartTo) Row(r sheets.Row) error           { s.x.Row(r); return nil }
func (s *restartTo) Reset()                           { s.resets++; s.x = s.start() }
