// Package jobs runs sheaf's jobs: the sync that reads every department's
// files into the database, the reminders, the digest and the draft, whether
// the schedule, the command line or the web page starts them.
package jobs

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/extract"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/sources"
	"github.com/sheaf-dev/sheaf/storage"
	"golang.org/x/sync/errgroup"
)

// Syncer reads every department's sources into the database and reconciles
// the figures. The schedule, `sheaf sync` and the web page all call Sync.
type Syncer struct {
	Config *config.Config
	DB     *storage.DB
	Log    *slog.Logger
	// Now is the clock that decides whether a file has settled.
	Now func() time.Time
	// Progress, when set, receives progress while files are read.
	Progress func(p Progress)
	// Waiting, when set, is called once when another sync or mailing, in
	// this process or another, holds the lock, before the sync waits for
	// it: the command line says so.
	Waiting func()
	// Sources builds a department's sources; nil means from the config.
	Sources func(d *config.Department) ([]sources.Source, error)

	// FileTimeout is how long reading one file may take; default
	// DefaultFileTimeout.
	FileTimeout time.Duration

	onWait        func() // called when the lock is busy (tests)
	beforeRead    func() // called before a file is parsed (tests)
	feederStopped func() // called when an interrupted sync stops handing out files (tests)

	// derived is what a sync derives from Config alone, kept while Config
	// stays the same: the daemon's syncs, every few minutes, do not fold
	// and digest a catalogue of 20,000 indicators each time.
	mu      sync.Mutex
	derived *derived
}

// derived is what a sync derives from one configuration.
type derived struct {
	cfg *config.Config
	// cat is the catalogue folded for extraction.
	cat *extract.Catalogue
	// stamp digests what reconcile reads from the configuration.
	stamp string
	// rec reconciles under the configuration, its rules compiled (recErr
	// when they do not compile): 15 ms for a 20,000-indicator catalogue,
	// which an unchanged re-sync spent on every run.
	rec    *reconcile.Reconciler
	recErr error
}

// derive returns what the sync derives from s.Config, derived again only
// when s.Config is another configuration.
func (s *Syncer) derive() *derived {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.derived == nil || s.derived.cfg != s.Config {
		// Each part reads the configuration only; for a catalogue of
		// 20,000 indicators each takes 20–40 ms, made side by side.
		d := &derived{cfg: s.Config}
		var wg sync.WaitGroup
		wg.Go(func() { d.cat = extract.NewCatalogue(s.Config) })
		wg.Go(func() { d.stamp = reconcileStamp(s.Config) })
		d.rec, d.recErr = reconcile.New(s.Config)
		wg.Wait()
		s.derived = d
	}
	return s.derived
}

// Progress is how far a sync has got.
type Progress struct {
	FilesDone  int
	FilesTotal int
	// Department is the name of the department whose file was read last.
	Department string
	Rows       int
	Elapsed    time.Duration
}

// SyncReport says what a sync did.
type SyncReport struct {
	RunID int64 `json:"run_id"`
	// Files counts the files listed: read, unchanged, deferred, failed
	// and duplicates.
	Files     int `json:"file_count"`
	Read      int `json:"read"`
	Unchanged int `json:"unchanged"`
	Deferred  int `json:"deferred"`
	// Failed counts files that cannot be read, also unchanged ones.
	Failed     int `json:"failed"`
	Duplicates int `json:"duplicates"`
	// Excluded counts files in folders of old versions (作废, 旧版, …,
	// sync.exclude_default), each listed in Problems.
	Excluded int `json:"excluded"`
	// Ignored counts entries left out by rule (lock, hidden and temporary
	// files, files that are not spreadsheets).
	Ignored int `json:"ignored"`
	Gone    int `json:"gone"`
	Rows    int `json:"observations"`
	// Fallbacks counts files the fast reader handed to the careful one.
	Fallbacks int `json:"fallbacks"`
	// SourcesFailed counts sources that could not be listed; their files
	// keep their last good data.
	SourcesFailed int `json:"sources_failed"`
	// Sources counts the sources of every department, listed or not.
	Sources  int           `json:"sources"`
	Problems []FileProblem `json:"problems,omitempty"`
	// Entries says what became of every entry of every source, by
	// department, source and path. It is not stored with the run.
	Entries   []FileOutcome  `json:"files"`
	FlagsOpen map[string]int `json:"flags_open"`
	// Rules counts rule outcomes: pass, fail, incomplete, error.
	Rules       map[string]int      `json:"rules"`
	FlagChanges storage.FlagChanges `json:"flag_changes"`
	// NewlyRequired lists, at the first sync of a database that has not
	// said so yet, the indicators required only because they have an owner
	// (indicators[].required defaults to true with an owner).
	NewlyRequired []string `json:"newly_required,omitempty"`
	DurationMS    int64    `json:"duration_ms"`
	// Where the time went: listing and hashing, reading and storing files,
	// reconciling.
	ListMS      int64 `json:"list_ms"`
	ReadMS      int64 `json:"read_ms"`
	ReconcileMS int64 `json:"reconcile_ms"`
}

// FileProblem is a file (or source) that was not read this time, and why.
type FileProblem struct {
	Department string `json:"department"`
	File       string `json:"file"`
	Outcome    string `json:"outcome"` // failed | deferred | excluded | source
	Reason     string `json:"reason"`
}

// sourcesFromConfig builds the sources a department's config names.
func sourcesFromConfig(cfg *config.Config) func(d *config.Department) ([]sources.Source, error) {
	return func(d *config.Department) ([]sources.Source, error) {
		var out []sources.Source
		old := cfg.Sync.ExcludedFolders()
		for _, s := range d.Sources {
			google := sources.Google{Endpoint: s.Endpoint, NoAuth: s.NoAuth, MaxRequests: s.MaxRequests}
			if s.Credentials != "" {
				google.CredentialsFile = cfg.Path(s.Credentials)
			}
			switch {
			case s.Drive != nil:
				out = append(out, &sources.GoogleDrive{Folder: s.Drive.Folder, Glob: s.Glob, Exclude: s.Exclude, ExcludedFolders: old, Google: google})
			case s.Sheet != nil:
				out = append(out, &sources.GoogleSheet{ID: s.Sheet.ID, Ranges: s.Sheet.Ranges, Sheets: s.Sheet.Sheets, Google: google})
			default:
				out = append(out, &sources.Dir{Root: cfg.Path(s.Dir), Label: s.Dir, Glob: s.Glob, Exclude: s.Exclude, ExcludedFolders: old})
			}
		}
		return out, nil
	}
}

// Sync reads what changed in every source, stores it, and reconciles the
// figures and flags. It returns an error only when the sync could not run
// (the database failed, the context ended); bad files are findings.
func (s *Syncer) Sync(ctx context.Context, trigger string) (*SyncReport, error) {
	return s.SyncScheduled(ctx, trigger, time.Time{})
}

// SyncScheduled is Sync for a run the schedule asked for at scheduled,
// recorded with the run.
func (s *Syncer) SyncScheduled(ctx context.Context, trigger string, scheduled time.Time) (*SyncReport, error) {
	start := time.Now()
	var rep *SyncReport
	r := runner{DB: s.DB, LockPath: s.Config.DBPath() + ".lock", Waiting: func() {
		s.log().Info("another sync or mailing holds the lock; waiting")
		if s.Waiting != nil {
			s.Waiting()
		}
		if s.onWait != nil {
			s.onWait()
		}
	}}
	err := r.run(ctx, "sync", trigger, scheduled, func(ctx context.Context, runID int64) (any, error) {
		s.log().Info("sync started", "run", runID, "trigger", trigger)
		rep = &SyncReport{RunID: runID, FlagsOpen: map[string]int{}, Rules: map[string]int{}}
		runErr := s.sync(ctx, rep, start)
		rep.DurationMS = time.Since(start).Milliseconds()
		rep.sortEntries()
		// The entries are not stored: a folder of a thousand files would
		// add them to every run; the problems are.
		stored := *rep
		stored.Entries = nil
		return &stored, runErr
	})
	return rep, err
}

// Reconcile decides figures, flags and rule outcomes again from what is
// stored, without listing or reading a file: what accepting a flag runs,
// so that its figure says 已说明 at once rather than after the next sync.
// It waits for a sync or mailing that holds the lock. Departments whose
// source fails to be listed stay as they are, as in a sync.
func (s *Syncer) Reconcile(ctx context.Context) (*SyncReport, error) {
	lock, err := acquireLock(ctx, s.Config.DBPath()+".lock", func() {
		s.log().Info("another sync or mailing holds the lock; waiting")
		if s.Waiting != nil {
			s.Waiting()
		}
	})
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	d := s.derive()
	rec, err := d.rec, d.recErr
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	statuses, err := s.DB.SourceStatuses(ctx)
	if err != nil {
		return nil, err
	}
	frozen := map[string]bool{}
	for _, st := range statuses {
		if st.Error != "" && !st.LastOK.IsZero() {
			frozen[st.Department] = true
		}
	}
	rep := &SyncReport{FlagsOpen: map[string]int{}, Rules: map[string]int{}}
	if err := s.reconcile(ctx, rep, rec, true, frozen); err != nil {
		return nil, err
	}
	return rep, nil
}

// anyGone says whether a file known to be present is not among the
// listed ones.
func anyGone(known map[string]storage.KnownFile, present map[string]bool) bool {
	for path, k := range known {
		if k.Present && !present[path] {
			return true
		}
	}
	return false
}

// candidate is a listed file of one department, with what is known of it.
type candidate struct {
	dept   *config.Department
	src    sources.Source
	ref    sheaf.FileRef
	known  storage.KnownFile
	isNew  bool
	fp     string
	ex     *extract.Extractor
	fileID int64 // once stored
	// failed is why the file cannot be read, once known: its copies say so.
	failed string
}

func (s *Syncer) sync(ctx context.Context, rep *SyncReport, start time.Time) error {
	// What the sync derives from the configuration is made, the first
	// time, while the sources are listed.
	derivedCh := make(chan *derived, 1)
	go func() { derivedCh <- s.derive() }()
	now := s.now()
	settle := time.Duration(s.Config.Sync.Settle)
	sourcesOf := s.Sources
	if sourcesOf == nil {
		sourcesOf = sourcesFromConfig(s.Config)
	}

	var toParse []*candidate
	var dupes [][]*candidate // per group: canonical first
	// dirty is set when anything reconcile reads may have changed.
	dirty := false
	// frozen departments had a source that worked before and fails now:
	// nothing is known about them, so their flags neither open nor resolve.
	frozen := map[string]bool{}
	type listed struct {
		dept    string
		src     sources.Source
		present map[string]bool
		known   map[string]storage.KnownFile
	}
	var complete []listed

	book := s.DB.NewBookkeeping()
	srcsOf := make([][]sources.Source, len(s.Config.Departments))
	for i := range s.Config.Departments {
		dept := &s.Config.Departments[i]
		srcs, err := sourcesOf(dept)
		if err != nil {
			<-derivedCh
			return fmt.Errorf("sources of %s: %w", dept.ID, err)
		}
		srcsOf[i] = srcs
	}
	listings, err := s.listAll(ctx, srcsOf)
	d := <-derivedCh
	if err != nil {
		return err
	}
	rec, err := d.rec, d.recErr
	if err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	cat := d.cat
	for i := range s.Config.Departments {
		dept := &s.Config.Departments[i]
		srcs := srcsOf[i]
		fp := cat.Fingerprint(dept)
		ex := cat.Extractor(dept)
		var ready []*candidate
		for j, src := range srcs {
			rep.Sources++
			known, listing, err := listings[i][j].known, listings[i][j].listing, listings[i][j].err
			change, serr := book.SetSourceStatus(ctx, dept.ID, src.Name(), err)
			if serr != nil {
				return serr
			}
			dirty = dirty || change.Changed
			if err != nil {
				rep.SourcesFailed++
				if change.EverListed {
					frozen[dept.ID] = true
				}
				rep.Problems = append(rep.Problems, FileProblem{Department: dept.ID, File: src.Name(), Outcome: "source", Reason: err.Error()})
				rep.entry(dept.ID, src.Name(), "", OutcomeSource, err.Error()+"；此前读取的数据（如有）保留", "")
				cause := err
				if fe := (*sources.FolderError)(nil); errors.As(err, &fe) {
					cause = fe.Err // the system's words, for the log only
				}
				s.log().Warn("source could not be listed; its files keep their last data", "department", dept.ID, "source", src.Name(), "err", cause)
				continue
			}
			// Old versions are left out, and said so: a file a department
			// moved into 旧版 must not look lost.
			for _, x := range listing.Excluded {
				rep.Excluded++
				rep.Problems = append(rep.Problems, FileProblem{dept.ID, x.Path, "excluded", excludedReason(x)})
				rep.entry(dept.ID, src.Name(), x.Path, OutcomeExcluded, excludedReason(x), "")
			}
			for _, x := range listing.Ignored {
				rep.Ignored++
				rep.entry(dept.ID, src.Name(), x.Path, OutcomeIgnored, x.Reason, "")
			}
			present := map[string]bool{}
			// An entry that cannot be read is that entry's file flag; the
			// files known under a folder that cannot be opened keep their
			// data.
			if err := s.entryProblems(ctx, rep, dept, src, fp, listing.Problems, known, present); err != nil {
				return err
			}
			var seen []storage.Seen
			for _, ref := range listing.Files {
				present[ref.Path] = true
				rep.Files++
				k, ok := known[ref.Path]
				c := &candidate{dept: dept, src: src, ref: ref, known: k, isNew: !ok, fp: fp, ex: ex, fileID: k.ID}
				switch {
				case ref.Unstable:
					rep.Deferred++
					rep.Problems = append(rep.Problems, FileProblem{dept.ID, ref.Path, "deferred", reasonUnstable})
					rep.entry(dept.ID, src.Name(), ref.Path, OutcomeDeferred, reasonUnstable, "")
					seen = append(seen, storage.Seen{Ref: ref, State: storage.FileDeferred})
				case settle > 0 && now.Sub(ref.ModTime) < settle:
					rep.Deferred++
					reason := reasonSettling(now.Sub(ref.ModTime), settle)
					rep.Problems = append(rep.Problems, FileProblem{dept.ID, ref.Path, "deferred", reason})
					rep.entry(dept.ID, src.Name(), ref.Path, OutcomeDeferred, reason, "")
					seen = append(seen, storage.Seen{Ref: ref, State: storage.FileDeferred})
				default:
					ready = append(ready, c)
				}
			}
			book.SeeFiles(dept.ID, src.Name(), seen)
			if listing.Complete {
				complete = append(complete, listed{dept.ID, src, present, known})
			}
		}

		// The same content under several names counts once: group by content,
		// keep the file read before (or seen first, or first by name), and
		// record the others as duplicates of it.
		groups := map[string][]*candidate{}
		unchanged := map[sources.Source][]storage.Seen{}
		var keys []string
		for _, c := range ready {
			if _, ok := groups[c.ref.ChangeKey]; !ok {
				keys = append(keys, c.ref.ChangeKey)
			}
			groups[c.ref.ChangeKey] = append(groups[c.ref.ChangeKey], c)
		}
		for _, key := range keys {
			g := groups[key]
			sort.SliceStable(g, func(i, j int) bool { return canonicalBefore(g[i], g[j]) })
			head := g[0]
			// A file that failed is tried again when its department has a
			// password: the password may have been set or corrected since.
			retry := head.known.Outcome == storage.ReadFailed && dept.PasswordEnv != ""
			if !head.isNew && head.known.ReadKey == key && head.known.Fingerprint == fp && !retry &&
				(head.known.Outcome == storage.ReadOK || head.known.Outcome == storage.ReadFailed) {
				rep.Unchanged++
				if head.known.Outcome == storage.ReadFailed {
					// Still broken: say so every time, not only when first read.
					rep.Failed++
					head.failed = head.known.Error
					rep.Problems = append(rep.Problems, FileProblem{dept.ID, head.ref.Path, OutcomeFailed, head.known.Error + "（文件未变）"})
					rep.entry(dept.ID, head.src.Name(), head.ref.Path, OutcomeFailed, head.known.Error+"（文件未变）", "")
				} else {
					rep.entry(dept.ID, head.src.Name(), head.ref.Path, OutcomeUnchanged, "", "")
				}
				// A file touched but not changed needs its new time recorded,
				// so that the next listing need not hash it again; a file
				// that was gone and is back (restored from the recycle bin,
				// a folder emptied and refilled by a sync client) must be
				// recorded present, and its values count again at once.
				if !head.known.Present {
					dirty = true
				}
				if !head.known.Present || head.ref.Size != head.known.Size || !head.ref.ModTime.Equal(head.known.ModTime) || head.ref.ChangeKey != head.known.ChangeKey {
					unchanged[head.src] = append(unchanged[head.src], storage.Seen{Ref: head.ref, State: head.known.State})
				}
			} else {
				toParse = append(toParse, head)
			}
			if len(g) > 1 {
				dupes = append(dupes, g)
			}
		}
		// Unchanged files only need their presence recorded: one statement
		// per source, not one per file.
		for _, src := range srcs {
			book.SeeFiles(dept.ID, src.Name(), unchanged[src])
			book.TouchFiles(dept.ID, src.Name())
		}
	}
	if err := book.Commit(ctx); err != nil {
		return err
	}

	rep.ListMS = time.Since(start).Milliseconds()
	readStart := time.Now()
	done := readPhase(rec.Slots())
	err = s.parseAll(ctx, toParse, rep, start)
	done()
	if err != nil {
		return err
	}
	rep.ReadMS = time.Since(readStart).Milliseconds()

	for _, g := range dupes {
		head := g[0]
		for _, c := range g[1:] {
			of := head.ref.Path
			if c.src != head.src {
				of = sheaf.DisplayPath(head.src.Name(), head.ref.Path)
			}
			if head.fileID == 0 {
				// The original could not be stored; try again next sync.
				rep.Deferred++
				reason := fmt.Sprintf("与 %s 内容相同，%s 尚未读取，下次同步再处理", of, of)
				rep.Problems = append(rep.Problems, FileProblem{c.dept.ID, c.ref.Path, "deferred", reason})
				rep.entry(c.dept.ID, c.src.Name(), c.ref.Path, OutcomeDeferred, reason, of)
				continue
			}
			rep.Duplicates++
			reason := duplicateReason(of, head.failed)
			rep.entry(c.dept.ID, c.src.Name(), c.ref.Path, OutcomeDuplicate, reason, of)
			if !c.isNew && c.known.Outcome == storage.ReadDuplicate && c.known.ReadKey == c.ref.ChangeKey && c.known.Error == reason {
				dirty = dirty || !c.known.Present
				if err := s.DB.SeeFiles(ctx, c.dept.ID, c.src.Name(), []storage.Seen{{Ref: c.ref, State: c.known.State}}); err != nil {
					return err
				}
				continue
			}
			dirty = true
			read := storage.Read{
				Department: c.dept.ID, Source: c.src.Name(), Ref: c.ref, RunID: rep.RunID, Fingerprint: c.fp,
				Outcome: storage.ReadDuplicate, DuplicateOf: head.fileID, Error: reason,
			}
			if head.failed != "" {
				// The copy joins the original's file flag (a flag about a
				// file is identified by its content), which so names it.
				read.Findings = []sheaf.Finding{{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Message: head.failed}}
			}
			if _, err := s.DB.StoreRead(ctx, read); err != nil {
				return err
			}
		}
	}

	// Only the sources where a file known to be there was not listed
	// (every file the sync itself added was listed).
	var whole []storage.Listed
	for _, l := range complete {
		if anyGone(l.known, l.present) {
			whole = append(whole, storage.Listed{Department: l.dept, Source: l.src.Name(), Present: l.present})
		}
	}
	gone, err := s.DB.MarkAbsent(ctx, whole)
	if err != nil {
		return err
	}
	rep.Gone += gone

	dirty = dirty || rep.Read > 0 || rep.Failed > 0 || rep.Gone > 0
	recStart := time.Now()
	defer func() { rep.ReconcileMS = time.Since(recStart).Milliseconds() }()
	if err := s.reconcile(ctx, rep, rec, dirty, frozen); err != nil {
		return err
	}
	return s.noteRequiredByDefault(ctx, rep)
}

// sourceListing is what listing one source gave, with the files known of
// it before.
type sourceListing struct {
	known   map[string]storage.KnownFile
	listing sources.Listing
	err     error
}

// listConcurrency is how many sources are listed at once: a slow share or
// a Google source retrying does not hold up the others, and a few at a
// time keep a folder's hashing and Google's quotas in bounds.
const listConcurrency = 4

// listAll lists every department's sources, a few at a time, each with
// the files known of it so that unchanged files are not hashed again. An
// error is the database's or the context's; a source's own failure is in
// its sourceListing.
func (s *Syncer) listAll(ctx context.Context, srcsOf [][]sources.Source) ([][]sourceListing, error) {
	out := make([][]sourceListing, len(srcsOf))
	all, err := s.DB.AllKnownFiles(ctx)
	if err != nil {
		return nil, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	for i, srcs := range srcsOf {
		out[i] = make([]sourceListing, len(srcs))
		dept := s.Config.Departments[i].ID
		for j, src := range srcs {
			g.Go(func() error {
				known := all[[2]string{dept, src.Name()}]
				if known == nil {
					known = map[string]storage.KnownFile{}
				}
				if kk, ok := src.(sources.KnownKeys); ok {
					kk.SetKnown(func(path string) (sheaf.FileRef, bool) {
						k, ok := known[path]
						return sheaf.FileRef{Path: path, Size: k.Size, ModTime: k.ModTime, ChangeKey: k.ChangeKey}, ok && k.Present
					})
				}
				listing, err := src.List(gctx)
				if gctx.Err() != nil {
					return gctx.Err()
				}
				out[i][j] = sourceListing{known: known, listing: listing, err: err}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, ctx.Err()
}

// entryProblems records the entries of a listing that could not be read,
// each as a failed read with its file flag, unless it failed the same way
// at the last sync. present receives their paths, and the paths of the
// files known under a folder that could not be opened.
func (s *Syncer) entryProblems(ctx context.Context, rep *SyncReport, dept *config.Department, src sources.Source, fp string,
	problems []sources.EntryProblem, known map[string]storage.KnownFile, present map[string]bool) error {
	var same []storage.Seen
	for _, p := range problems {
		present[p.Path] = true
		if p.Folder {
			for k, f := range known {
				if f.Present && strings.HasPrefix(k, p.Path+"/") {
					present[k] = true
				}
			}
		}
		rep.Files++
		rep.Failed++
		rep.Problems = append(rep.Problems, FileProblem{dept.ID, p.Path, OutcomeFailed, p.Reason})
		rep.entry(dept.ID, src.Name(), p.Path, OutcomeFailed, p.Reason, "")
		// No content to tell it by: the key names the entry, and is never
		// taken for a content hash.
		ref := sheaf.FileRef{Path: p.Path, ChangeKey: "unreadable:" + p.Path}
		if k, ok := known[p.Path]; ok && k.Outcome == storage.ReadFailed && k.ReadKey == ref.ChangeKey && k.Error == p.Reason {
			same = append(same, storage.Seen{Ref: ref, State: storage.FileFailed})
			continue
		}
		if _, err := s.DB.StoreRead(ctx, storage.Read{
			Department: dept.ID, Source: src.Name(), Ref: ref, RunID: rep.RunID, Fingerprint: fp,
			Outcome: storage.ReadFailed, Error: p.Reason,
			Findings: []sheaf.Finding{{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Message: p.Reason}},
		}); err != nil {
			return err
		}
		s.log().Warn("entry could not be read", "department", dept.ID, "file", p.Path, "err", p.Reason)
	}
	return s.DB.SeeFiles(ctx, dept.ID, src.Name(), same)
}

// canonicalBefore orders files with the same content: the one already read
// first, then the one seen first; among files seen together, the original
// before its copies: a name without a copy marker (副本, "(1)", "Copy of"),
// then the shallowest path, then by name.
func canonicalBefore(a, b *candidate) bool {
	ar := !a.isNew && a.known.ReadKey == a.ref.ChangeKey && a.known.Outcome != storage.ReadDuplicate
	br := !b.isNew && b.known.ReadKey == b.ref.ChangeKey && b.known.Outcome != storage.ReadDuplicate
	if ar != br {
		return ar
	}
	if a.isNew != b.isNew {
		return !a.isNew
	}
	if !a.known.FirstSeen.Equal(b.known.FirstSeen) {
		return a.known.FirstSeen.Before(b.known.FirstSeen)
	}
	if ac, bc := isCopyName(a.ref.Path), isCopyName(b.ref.Path); ac != bc {
		return !ac
	}
	if ad, bd := strings.Count(a.ref.Path, "/"), strings.Count(b.ref.Path, "/"); ad != bd {
		return ad < bd
	}
	if a.src.Name() != b.src.Name() {
		return a.src.Name() < b.src.Name()
	}
	return a.ref.Path < b.ref.Path
}

// copyMarkers are what file managers and people add to a copy's name:
// Windows' "报表 - 副本.xlsx" and "Copy of", "报表(1).xlsx" from a browser
// download, WPS's 复件.
var copyMarkers = []string{"副本", "复件", "(1)", "（1）", "copy"}

// isCopyName reports whether a file's name says it is a copy.
func isCopyName(p string) bool {
	name := strings.ToLower(path.Base(p))
	name = strings.TrimSuffix(name, path.Ext(name))
	for _, m := range copyMarkers {
		if strings.Contains(name, m) {
			return true
		}
	}
	// "(2)", "（3）": later downloads of the same file (not "(2024)").
	for _, open := range []string{"(", "（"} {
		if i := strings.LastIndex(name, open); i >= 0 {
			rest := strings.TrimRight(name[i+len(open):], " ")
			digits := strings.TrimRight(rest, ")）")
			if digits != rest && digits != "" && len(digits) <= 2 && strings.Trim(digits, "0123456789") == "" {
				return true
			}
		}
	}
	return false
}

// reconcileStamp identifies the configuration figures are reconciled under.
func reconcileStamp(cfg *config.Config) string {
	sum, _ := config.DigestJSON(reconcile.Version, cfg.Cycle, cfg.Departments, cfg.Indicators, cfg.Rules)
	return hex.EncodeToString(sum[:16])
}

func (s *Syncer) reconcile(ctx context.Context, rep *SyncReport, rec *reconcile.Reconciler, dirty bool, frozen map[string]bool) error {
	stamp := s.derive().stamp
	if !dirty {
		// Nothing reconcile reads has changed since it last ran: the figures,
		// flags and rule outcomes stand.
		if last, err := s.DB.Meta(ctx, storage.ReconcileStamp); err == nil && last == stamp {
			var err error
			if rep.FlagsOpen, err = s.DB.OpenFlagCounts(ctx); err != nil {
				return err
			}
			rep.Rules, err = s.DB.RuleStateCounts(ctx)
			return err
		}
	}
	in, err := s.DB.CurrentInput(ctx)
	if err != nil {
		return err
	}
	// The cycle is read back on another goroutine while it is decided.
	res, err := rec.ReconcileSlots(in, reconcile.Prefetch(s.DB.CurrentSlots(ctx)))
	if err != nil {
		return err
	}
	rules := map[string]string{}
	for _, r := range s.Config.Rules {
		rules[r.ID] = r.Class
	}
	isObsolete := func(indicator, rule string) bool {
		if indicator != "" {
			if _, ok := s.Config.Indicator(indicator); !ok {
				return true
			}
		}
		if rule != "" {
			if _, ok := rules[rule]; !ok {
				return true
			}
		}
		return false
	}
	ch, err := s.DB.SaveResult(ctx, res, storage.SaveOptions{IsObsolete: isObsolete, Frozen: frozen,
		Class: func(rule string) string { return rules[rule] }})
	if err != nil {
		return err
	}
	rep.FlagChanges = ch
	if rep.FlagsOpen, err = s.DB.OpenFlagCounts(ctx); err != nil {
		return err
	}
	for _, r := range res.Rules {
		rep.Rules[r.State]++
	}
	return s.DB.SetMeta(ctx, storage.ReconcileStamp, stamp)
}

// requiredNoted is the meta key set once the indicators required by default
// have been listed.
const requiredNoted = "required_default_listed"

// noteRequiredByDefault lists, once per database, the indicators that are
// required only because they have an owner: a database synced before
// required defaulted to true now has missing flags for them.
func (s *Syncer) noteRequiredByDefault(ctx context.Context, rep *SyncReport) error {
	if done, err := s.DB.Meta(ctx, requiredNoted); err == nil && done != "" {
		return nil
	}
	if ids := s.Config.RequiredByDefault(); len(ids) > 0 {
		rep.NewlyRequired = ids
		s.log().Info("indicators with an owner are required unless they say required: false", "count", len(ids))
	}
	return s.DB.SetMeta(ctx, requiredNoted, "yes")
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Syncer) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Syncer) progress(p Progress) {
	if s.Progress != nil {
		s.Progress(p)
	}
}
