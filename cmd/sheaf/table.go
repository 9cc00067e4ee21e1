package main

import (
	"bufio"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// table writes aligned columns. text/tabwriter counts bytes, which breaks
// alignment for Chinese text: this counts display width instead.
type table struct {
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, indent string) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			if n := runewidth.StringWidth(c); n > widths[i] {
				widths[i] = n
			}
		}
	}
	// Written a line at a time: a table of 100,000 figures is 10 MB.
	b := bufio.NewWriter(w)
	for _, r := range t.rows {
		b.WriteString(indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
			}
		}
		b.WriteString("\n")
	}
	b.Flush()
}
