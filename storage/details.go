package storage

// An observation's details, packed into one column (observations.details).
//
// Storing an observation bound 19 parameters, and each is a call into
// SQLite, a copy and, through database/sql and the driver, allocations: a
// sync of 100,000 values spent 0.42 s binding and inserting them, 0.18 s
// with the details in one text (measured on this kind of machine). Only
// what queries select or sort by stays a column of its own: the read and
// file, the indicator and period, and the value (a float written as text
// and read back is not always the same float).
//
// The format: the numbers and the two times, each followed by U+001F (none
// of them can hold it); then each text as its length in bytes, a colon and
// the text itself, so that a text may hold any character:
//
//	decimals␟seq␟hidden␟fraction␟first_seen␟first_mod_time␟
//	N:department N:approx N:unit N:sheet N:raw N:note N:cell N:label
//
// (without the spaces). Migration 0015 writes the same format in SQL.

import (
	"bytes"
	"fmt"
	"strconv"
)

// detailFields are the packed fields, in order.
const (
	dDecimals = iota
	dSeq
	dHidden
	dFraction
	dFirstSeen
	dFirstModTime
	dDepartment
	dApprox
	dUnit
	dSheet
	dRaw
	dNote
	dCell
	dLabel
	detailCount
)

// firstText is the first field written with its length.
const firstText = dDepartment

// details is an observation's packed details, unpacked.
type details struct {
	Decimals, Seq                                           int
	HiddenRow, Fraction                                     bool
	FirstSeen, FirstModTime                                 string
	Department, Approx, Unit, Sheet, Raw, Note, Cell, Label string
}

// appendDetails packs d onto b.
func appendDetails(b []byte, d *details) []byte {
	b = strconv.AppendInt(b, int64(d.Decimals), 10)
	b = append(b, 0x1f)
	b = strconv.AppendInt(b, int64(d.Seq), 10)
	b = append(b, 0x1f)
	b = appendFlag(b, d.HiddenRow)
	b = appendFlag(b, d.Fraction)
	b = append(append(b, d.FirstSeen...), 0x1f)
	b = append(append(b, d.FirstModTime...), 0x1f)
	for _, s := range [...]string{d.Department, d.Approx, d.Unit, d.Sheet, d.Raw, d.Note, d.Cell, d.Label} {
		b = appendText(b, s)
	}
	return b
}

// appendText appends a text as its length in bytes, a colon and itself.
func appendText(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	return append(append(b, ':'), s...)
}

// cutText cuts a text written by appendText from the front of b.
func cutText(b []byte) (text, rest []byte, ok bool) {
	i := bytes.IndexByte(b, ':')
	if i <= 0 {
		return nil, nil, false
	}
	n, ok := atoi(b[:i])
	if !ok || n < 0 || n > int64(len(b)-i-1) {
		return nil, nil, false
	}
	return b[i+1 : i+1+int(n)], b[i+1+int(n):], true
}

func appendFlag(b []byte, on bool) []byte {
	if on {
		return append(b, '1', 0x1f)
	}
	return append(b, '0', 0x1f)
}

// splitDetails cuts packed details into their fields, without copying.
func splitDetails(b []byte) (f [detailCount][]byte, err error) {
	rest := b
	for k := range firstText {
		i := bytes.IndexByte(rest, 0x1f)
		if i < 0 {
			return f, fmt.Errorf("details %q: %d fields, want %d", b, k, detailCount)
		}
		f[k], rest = rest[:i], rest[i+1:]
	}
	for k := firstText; k < detailCount; k++ {
		var ok bool
		if f[k], rest, ok = cutText(rest); !ok {
			return f, fmt.Errorf("details %q: bad length of field %d", b, k)
		}
	}
	if len(rest) != 0 {
		return f, fmt.Errorf("details %q: %d bytes after the last field", b, len(rest))
	}
	return f, nil
}

// unpackDetails unpacks details as stored.
func unpackDetails(b []byte) (details, error) {
	f, err := splitDetails(b)
	if err != nil {
		return details{}, err
	}
	var d details
	var ok [4]bool
	var n int64
	n, ok[0] = atoi(f[dDecimals])
	d.Decimals = int(n)
	n, ok[1] = atoi(f[dSeq])
	d.Seq = int(n)
	n, ok[2] = atoi(f[dHidden])
	d.HiddenRow = n != 0
	n, ok[3] = atoi(f[dFraction])
	d.Fraction = n != 0
	if ok != [4]bool{true, true, true, true} {
		return details{}, fmt.Errorf("details %q: bad numbers", b)
	}
	str := substrings(b)
	d.FirstSeen, d.FirstModTime = str(f[dFirstSeen]), str(f[dFirstModTime])
	d.Department, d.Approx, d.Unit, d.Sheet = str(f[dDepartment]), str(f[dApprox]), str(f[dUnit]), str(f[dSheet])
	d.Raw, d.Note, d.Cell, d.Label = str(f[dRaw]), str(f[dNote]), str(f[dCell]), str(f[dLabel])
	return d, nil
}

// substrings copies b into one string and gives each part of b (a
// subslice of it, as splitDetails and cutText cut) as a part of that
// string: one allocation for all the texts of a row, not one each.
func substrings(b []byte) func(part []byte) string {
	s := string(b)
	return func(part []byte) string {
		off := cap(b) - cap(part) // the capacity a subslice lost is its offset
		return s[off : off+len(part)]
	}
}

// A figure's details, packed into one column (figures.details) for the
// same reason as an observation's: its decimals followed by U+001F, then
// unit, statuses (a JSON list), department, file, sheet, cell, raw, note
// and reason, each as its length, a colon and itself. Migration 0016
// writes the same format in SQL.
type figureDetails struct {
	Decimals                                                         int
	Unit, Statuses, Department, File, Sheet, Cell, Raw, Note, Reason string
}

func appendFigureDetails(b []byte, d *figureDetails) []byte {
	b = strconv.AppendInt(b, int64(d.Decimals), 10)
	b = append(b, 0x1f)
	for _, s := range [...]string{d.Unit, d.Statuses, d.Department, d.File, d.Sheet, d.Cell, d.Raw, d.Note, d.Reason} {
		b = appendText(b, s)
	}
	return b
}

func unpackFigureDetails(b []byte) (figureDetails, error) {
	var d figureDetails
	i := bytes.IndexByte(b, 0x1f)
	n, ok := atoi(b[:max(i, 0)])
	if i < 0 || !ok {
		return d, fmt.Errorf("figure details %q: bad decimals", b)
	}
	d.Decimals = int(n)
	rest := b[i+1:]
	var f [9][]byte
	for k := range f {
		if f[k], rest, ok = cutText(rest); !ok {
			return d, fmt.Errorf("figure details %q: bad length of field %d", b, k+1)
		}
	}
	if len(rest) != 0 {
		return d, fmt.Errorf("figure details %q: %d bytes after the last field", b, len(rest))
	}
	str := substrings(b)
	d.Unit, d.Statuses, d.Department, d.File, d.Sheet = str(f[0]), str(f[1]), str(f[2]), str(f[3]), str(f[4])
	d.Cell, d.Raw, d.Note, d.Reason = str(f[5]), str(f[6]), str(f[7]), str(f[8])
	return d, nil
}
