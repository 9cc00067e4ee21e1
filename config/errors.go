package config

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// FieldError is one problem in the configuration, located by file, line and
// key path (e.g. "indicators[3].owner"). Line is 0 when it is not known, as
// for a Config built in code.
type FieldError struct {
	File string
	Line int
	Key  string
	Msg  string
}

// Error formats the problem as "file:line: key: msg", leaving out the parts
// that are not known.
func (e FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one configuration, so that all of them
// can be fixed in one go. It is what Load and Validate return.
type Errors []FieldError

// Error lists the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives each problem as an error, for errors.As.
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// sorted orders the problems by line, keeping the order in which they were
// found for problems on the same line (and for a Config without lines).
func (es Errors) sorted() Errors {
	slices.SortStableFunc(es, func(a, b FieldError) int { return cmp.Compare(a.Line, b.Line) })
	return es
}
