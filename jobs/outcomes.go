package jobs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sources"
)

// FileOutcome is what a sync did with one entry of a source: every file
// and folder a source shows has one, so that no file goes unaccounted for.
type FileOutcome struct {
	Department string `json:"department"`
	Source     string `json:"source"`
	// Path is the entry's path inside its source, readable whatever the
	// encoding of its name; "" for a source that could not be listed.
	Path    string `json:"path"`
	Outcome string `json:"outcome"` // one of the Outcome… constants
	// Reason says why, in words a department understands; empty for a
	// file read or unchanged.
	Reason string `json:"reason,omitempty"`
	// DuplicateOf is the file whose identical content counts instead.
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

// Outcomes of an entry of a source.
const (
	OutcomeRead      = "read"      // read now
	OutcomeUnchanged = "unchanged" // read before and not changed since
	OutcomeDeferred  = "deferred"  // still being written or settling: read at a later sync
	OutcomeDuplicate = "duplicate" // the same content as another file, which counts instead
	OutcomeFailed    = "failed"    // cannot be read: the file has a `file` flag
	OutcomeIgnored   = "ignored"   // left out by rule: lock, hidden, temporary, not a spreadsheet, not in the glob
	OutcomeExcluded  = "excluded"  // left out by configuration: an exclude pattern or a folder of old versions
	OutcomeSource    = "source"    // the source itself could not be listed; its files keep their data
)

// entry records the outcome of one entry.
func (r *SyncReport) entry(dept, source, path, outcome, reason, duplicateOf string) {
	r.Entries = append(r.Entries, FileOutcome{Department: dept, Source: source, Path: path, Outcome: outcome,
		Reason: reason, DuplicateOf: duplicateOf})
}

// sortEntries puts the entries in the order people look for them.
func (r *SyncReport) sortEntries() {
	sort.SliceStable(r.Entries, func(i, j int) bool {
		a, b := r.Entries[i], r.Entries[j]
		if a.Department != b.Department {
			return a.Department < b.Department
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Path < b.Path
	})
}

// UnmarshalJSON reads a report, also one stored by an earlier version, in
// which "files" was the number of files.
func (r *SyncReport) UnmarshalJSON(b []byte) error {
	type plain SyncReport
	var aux struct {
		*plain
		Files json.RawMessage `json:"files"`
	}
	aux.plain = (*plain)(r)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if len(aux.Files) == 0 || string(aux.Files) == "null" {
		return nil
	}
	if aux.Files[0] == '[' {
		return json.Unmarshal(aux.Files, &r.Entries)
	}
	return json.Unmarshal(aux.Files, &r.Files)
}

// Why a file waits for the next sync.
const (
	reasonUnstable = "文件仍在写入（列出时大小或修改时间有变化），下次同步再读取"
	reasonChanged  = "文件仍在写入（列出后内容有变化），下次同步再读取"
)

func reasonSettling(age, settle time.Duration) string {
	return fmt.Sprintf("文件修改于 %s前，未超过等待时间 %s，下次同步再读取", chineseDuration(age), chineseDuration(settle))
}

// chineseDuration writes a duration as people say it: "42 秒", "1 分钟",
// "2 小时 5 分", rounded to the second.
func chineseDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < 0 {
		d = 0
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0 && m == 0 && s == 0:
		return fmt.Sprintf("%d 小时", h)
	case h > 0 && s == 0:
		return fmt.Sprintf("%d 小时 %d 分", h, m)
	case h > 0:
		return fmt.Sprintf("%d 小时 %d 分 %d 秒", h, m, s)
	case m > 0 && s == 0:
		return fmt.Sprintf("%d 分钟", m)
	case m > 0:
		return fmt.Sprintf("%d 分 %d 秒", m, s)
	}
	return fmt.Sprintf("%d 秒", s)
}

// excludedReason says why a file was left out by configuration.
func excludedReason(x sources.ExcludedFile) string {
	if x.Pattern != "" {
		return fmt.Sprintf("符合排除规则「%s」（exclude），不读取", x.Pattern)
	}
	return fmt.Sprintf("位于旧版本文件夹「%s」中（sync.exclude_default），不读取", x.Folder)
}

// duplicateReason says why a copy is not read, and, when the file it
// copies cannot be read, that neither can the copy.
func duplicateReason(of, failed string) string {
	if failed != "" {
		return fmt.Sprintf("与 %s 内容相同，只计一次；两者都无法读取：%s", of, failed)
	}
	return fmt.Sprintf("与 %s 内容相同，只计一次", of)
}

// runOutcome judges a sync that ran to its end: partial when some source
// could not be listed, failed when none could, the error naming them
// (department source: reason). Their files keep their last data either
// way; monitoring has to hear of it.
func (r *SyncReport) runOutcome() (sheaf.RunOutcome, error) {
	if r.SourcesFailed == 0 {
		return sheaf.RunOK, nil
	}
	var which []string
	for _, p := range r.Problems {
		if p.Outcome == OutcomeSource {
			which = append(which, fmt.Sprintf("%s %s：%s", p.Department, p.File, p.Reason))
		}
	}
	if r.SourcesFailed >= r.Sources {
		return sheaf.RunFailed, fmt.Errorf("没有一个来源能够读取（%d 个）：%s", r.SourcesFailed, strings.Join(which, "；"))
	}
	return sheaf.RunPartial, fmt.Errorf("%d 个来源（共 %d 个）无法读取：%s", r.SourcesFailed, r.Sources, strings.Join(which, "；"))
}
