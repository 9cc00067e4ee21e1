package sheets

import (
	"fmt"
	"os"
	"testing"
)

func TestXLSDump(t *testing.T) {
	f := os.Getenv("XLSDUMP")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(f)
	shs, err := ReadWorkbook(f, data, Limits{})
	fmt.Println("err", err)
	for _, sh := range shs {
		fmt.Printf("== %q hidden=%q kind=%q problem=%q merges=%v\n", sh.Name, sh.Hidden, sh.Kind, sh.Problem, sh.Merges)
		for _, r := range sh.Rows {
			for _, c := range r.Cells {
				if c.Kind != CellEmpty {
					fmt.Printf("  %d%v %s\n", r.Num, r.Hidden, showCell(c))
				}
			}
		}
	}
}
