package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/extract"
	"github.com/sheaf-dev/sheaf/sheets"
	"github.com/sheaf-dev/sheaf/sources"
	"github.com/sheaf-dev/sheaf/storage"
)

// How files flow from the parsing workers to the one SQLite writer: each
// file has a channel of messages, and the writer takes files in the order
// they were handed out, storing each in one transaction while its worker is
// still reading it. Memory stays bounded however large a sheet is: a worker
// holds at most one batch, and a file's channel a few.

// batchSize is how many observations travel in one message.
const batchSize = 512

// batches are observation slices of batchSize, handed from the writer back
// to the workers: a sync of 100,000 rows need not allocate (and collect)
// a growing slice for every file.
var batches = sync.Pool{New: func() any { return new([]sheaf.Observation) }}

func getBatch() []sheaf.Observation {
	b := *batches.Get().(*[]sheaf.Observation)
	if b == nil {
		b = make([]sheaf.Observation, 0, batchSize)
	}
	return b
}

// putBatch gives a stored batch back; nothing may use it after.
func putBatch(b []sheaf.Observation) {
	if cap(b) != batchSize {
		return
	}
	clear(b) // drop the strings it points to
	b = b[:0]
	batches.Put(&b)
}

// message is what a worker tells the writer about its file.
type message struct {
	obs      []sheaf.Observation
	findings []sheaf.Finding
	// reset: the fast reader gave up part-way; drop what was sent.
	reset bool
	// final ends the file.
	final *outcome
}

// outcome is how reading one file ended.
type outcome struct {
	failed   string // why the file cannot be read
	deferred string // why it must wait for the next sync
	rows     int
	stats    sheets.StreamStats
	// sheets says what became of each sheet of a file read.
	sheets []sheaf.SheetOutcome
}

// fileJob is one file on its way through the pipeline.
type fileJob struct {
	c    *candidate
	msgs chan message
}

// parseAll reads the candidates on all workers and stores each as it
// arrives, from this goroutine alone (SQLite has one writer).
func (s *Syncer) parseAll(ctx context.Context, cands []*candidate, rep *SyncReport, start time.Time) error {
	workers := s.Config.Sync.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *fileJob)
	order := make(chan *fileJob, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				s.parse(ctx, j)
			}
		}()
	}
	go func() {
		defer func() {
			if s.feederStopped != nil && ctx.Err() != nil {
				s.feederStopped()
			}
		}()
		defer close(work)
		defer close(order)
		for _, c := range cands {
			j := &fileJob{c: c, msgs: make(chan message, 4)}
			// The writer learns of a file before a worker takes it, and takes
			// files in this order, so a worker never waits on a file the
			// writer cannot reach.
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case work <- j:
			case <-ctx.Done():
				// No worker will take it: its channel ends here, or the
				// writer, already told of it, would wait on it for ever.
				close(j.msgs)
				return
			}
		}
	}()

	done := 0
	s.progress(Progress{FilesTotal: len(cands)})
	var err error
	for j := range order {
		if err == nil {
			err = s.store(ctx, j, rep)
			if err != nil {
				cancel() // stop the workers; keep draining so none is left blocked
			}
		}
		if err != nil {
			for range j.msgs {
			}
			continue
		}
		done++
		s.progress(Progress{FilesDone: done, FilesTotal: len(cands), Department: j.c.dept.Name, Rows: rep.Rows,
			Elapsed: time.Since(start)})
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return ctx.Err()
}

// store writes one file's messages in one transaction.
func (s *Syncer) store(ctx context.Context, j *fileJob, rep *SyncReport) error {
	c := j.c
	read := storage.Read{Department: c.dept.ID, Source: c.src.Name(), Ref: c.ref, RunID: rep.RunID,
		Fingerprint: c.fp, Outcome: storage.ReadOK}
	var w *storage.ReadWriter
	abandon := func() {
		if w != nil {
			w.Rollback()
			w = nil
		}
	}
	defer abandon()
	stored := 0
	for m := range j.msgs {
		if m.reset {
			abandon()
			stored = 0
			continue
		}
		if m.final == nil || m.final.failed == "" && m.final.deferred == "" {
			if w == nil {
				var err error
				if w, err = s.DB.BeginRead(ctx, read); err != nil {
					return err
				}
			}
			for _, o := range m.obs {
				if err := w.Observation(o); err != nil {
					return err
				}
			}
			for _, f := range m.findings {
				if err := w.Finding(f); err != nil {
					return err
				}
			}
			stored += len(m.obs)
			putBatch(m.obs)
		}
		if m.final == nil {
			continue
		}
		out := m.final
		if out.stats.FellBack && out.failed == "" && out.deferred == "" {
			rep.Fallbacks++ // files the careful reader read, not ones nobody could
		}
		switch {
		case out.deferred != "":
			abandon()
			rep.Deferred++
			rep.Problems = append(rep.Problems, FileProblem{c.dept.ID, c.ref.Path, "deferred", out.deferred})
			rep.entry(c.dept.ID, c.src.Name(), c.ref.Path, OutcomeDeferred, out.deferred, "")
			return s.DB.SeeFiles(ctx, c.dept.ID, c.src.Name(), []storage.Seen{{Ref: c.ref, State: storage.FileDeferred}})
		case out.failed != "":
			abandon()
			read.Outcome, read.Error = storage.ReadFailed, out.failed
			read.Findings = []sheaf.Finding{{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Message: out.failed}}
			id, err := s.DB.StoreRead(ctx, read)
			if err != nil {
				return err
			}
			c.fileID = id
			c.failed = out.failed
			rep.Failed++
			rep.Problems = append(rep.Problems, FileProblem{c.dept.ID, c.ref.Path, OutcomeFailed, out.failed})
			rep.entry(c.dept.ID, c.src.Name(), c.ref.Path, OutcomeFailed, out.failed, "")
			s.log().Warn("file could not be read", "department", c.dept.ID, "file", c.ref.Path, "err", out.failed)
			return nil
		default:
			w.Sheets(out.sheets)
			id, err := w.Commit(storage.ReadOK, "", out.rows)
			w = nil
			if err != nil {
				return err
			}
			c.fileID = id
			rep.Read++
			rep.Rows += stored
			rep.entry(c.dept.ID, c.src.Name(), c.ref.Path, OutcomeRead, "", "")
			return nil
		}
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted: the file is read again next time
	}
	return fmt.Errorf("read %s: the reader stopped without an outcome", c.ref.Path)
}

// logDetail logs what the library or the system said of a file that
// could not be read: the department's reason leaves it out.
func (s *Syncer) logDetail(c *candidate, ue *sheets.UnreadableError) {
	if ue.Detail != "" {
		s.log().Info("why the file could not be read", "department", c.dept.ID, "file", c.ref.Path, "detail", ue.Detail)
	}
}

// handler turns rows into batches of observations for the writer.
type handler struct {
	ctx  context.Context
	j    *fileJob
	x    *extract.FileExtraction
	obs  []sheaf.Observation
	fs   []sheaf.Finding
	rows int
	// maxRows is the most rows a file may have (sync.max_rows).
	maxRows int
	sent    bool // a batch went out: a reset must be told to the writer
	abort   error

	// mu guards stopped: once the file's time is up, nothing more may be
	// sent, since its channel is closed while the reader may still run.
	mu      sync.Mutex
	stopped bool
}

// stop ends the handler for good: a send in flight completes first.
func (h *handler) stop() {
	h.mu.Lock()
	h.stopped = true
	h.mu.Unlock()
}

func (h *handler) start() {
	h.x = h.j.c.ex.Start(
		func(o sheaf.Observation) {
			if h.obs == nil {
				h.obs = getBatch()
			}
			h.obs = append(h.obs, o)
			if len(h.obs) >= batchSize {
				h.send(message{})
			}
		},
		func(f sheaf.Finding) { h.fs = append(h.fs, f) })
}

// send passes the buffered observations and findings on with m.
func (h *handler) send(m message) {
	m.obs, m.findings = h.obs, h.fs
	h.obs, h.fs = nil, nil
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		h.abort = errStopped
		return
	}
	select {
	case h.j.msgs <- m:
		h.sent = true
	case <-h.ctx.Done():
		h.abort = h.ctx.Err()
	}
}

func (h *handler) Sheet(info sheets.SheetInfo) bool { return h.abort == nil && h.x.Sheet(info) }

func (h *handler) Row(r sheets.Row) error {
	if h.abort != nil {
		return h.abort
	}
	h.rows++
	if h.rows > h.maxRows {
		return &sheets.UnreadableError{File: h.j.c.ref.Path, Reason: fmt.Sprintf(
			"文件行数超过上限（%d 行），不是正常的报表，请检查后重新保存", h.maxRows)}
	}
	h.x.Row(r)
	return h.abort
}

func (h *handler) Reset() {
	h.obs, h.fs, h.rows = nil, nil, 0
	if h.sent {
		h.send(message{reset: true})
		h.sent = false
	}
	h.start()
}

// parse reads one file and streams it to the writer. A file that cannot
// be read is a failed read with a `file` finding; it never stops the others.
func (s *Syncer) parse(ctx context.Context, j *fileJob) {
	defer close(j.msgs)
	c := j.c
	finish := func(out outcome, h *handler) {
		m := message{final: &out}
		if h != nil {
			m.obs, m.findings = h.obs, h.fs
		}
		select {
		case j.msgs <- m:
		case <-ctx.Done():
		}
	}
	wf, err := openWorkbook(ctx, c.src, c.ref, s.maxFileSize(), c.dept.PasswordEnv == "")
	if errors.Is(err, errChanged) {
		finish(outcome{deferred: reasonChanged}, nil)
		return
	}
	if err != nil {
		reason := err.Error()
		var ue *sheets.UnreadableError
		if errors.As(err, &ue) {
			reason = ue.Reason
			s.logDetail(c, ue)
		}
		finish(outcome{failed: reason}, nil)
		return
	}
	defer wf.close()
	data := wf.data
	// The department's password opens its encrypted workbooks; the others
	// are read without it, also when it is not set.
	passwordUnset := false
	if pw := c.dept.PasswordEnv; pw != "" && sheets.NeedsPassword(data) {
		password, perr := config.Secret(pw, "departments."+c.dept.ID+".password_env", "workbook password")
		if perr != nil {
			s.log().Warn("the department's workbook password is not set", "department", c.dept.ID, "file", c.ref.Path, "err", perr)
			passwordUnset = true
		}
		if perr != nil && sheets.EncryptedPackage(data) {
			finish(outcome{failed: reasonPasswordUnset}, nil)
			return
		}
		if data, err = sheets.Decrypt(path.Base(c.ref.Path), data, password); err != nil {
			reason := err.Error()
			var ue *sheets.UnreadableError
			if errors.As(err, &ue) {
				reason = ue.Reason
				s.logDetail(c, ue)
			}
			finish(outcome{failed: reason}, nil)
			return
		}
	}
	h := &handler{ctx: ctx, j: j, maxRows: s.maxRows()}
	h.start()
	// A parsing library takes no context and a goroutine cannot be killed:
	// a file that overruns its time is abandoned (its reader may go on until
	// its next row, but nothing of it is stored) and flagged.
	type result struct {
		stats sheets.StreamStats
		err   error
	}
	done := make(chan result, 1)
	go func() {
		if s.beforeRead != nil {
			s.beforeRead()
		}
		var stats sheets.StreamStats
		var err error
		if wf.file != nil {
			stats, err = sheets.StreamFile(path.Base(c.ref.Path), wf.file, wf.size, s.unpackLimits(), h)
		} else {
			stats, err = sheets.StreamWorkbook(path.Base(c.ref.Path), data, s.unpackLimits(), h)
		}
		done <- result{stats, err}
	}()
	limit := s.FileTimeout
	if limit <= 0 {
		limit = time.Duration(s.Config.Sync.FileTimeout)
	}
	if limit <= 0 {
		limit = DefaultFileTimeout
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	var stats sheets.StreamStats
	select {
	case r := <-done:
		stats, err = r.stats, r.err
	case <-timer.C:
		h.stop()
		finish(outcome{failed: fmt.Sprintf("读取超时：%s 内未能读完，文件可能过于复杂或已损坏，请检查后重新保存", limit)}, nil)
		return
	}
	if h.abort != nil {
		return // the sync was cancelled
	}
	// A file read where it lies must still be what was listed: what was
	// read of a file rewritten meanwhile waits for the next sync, like a
	// file that changed before it was opened. One that cannot be read
	// again to tell fails.
	changed, verr := wf.changed(c.ref)
	if changed {
		finish(outcome{deferred: reasonChanged}, nil)
		return
	}
	if verr != nil {
		stats, err = sheets.StreamStats{}, sheets.ReadFailed(c.ref.Path, verr)
	}
	if err != nil {
		reason := err.Error()
		var ue *sheets.UnreadableError
		if errors.As(err, &ue) {
			reason = ue.Reason
			s.logDetail(c, ue)
		}
		if passwordUnset && errors.Is(err, sheets.ErrPassword) {
			// An encrypted .xls, which shows only as it is read.
			reason = reasonPasswordUnset
		}
		// Whatever was sent is dropped by the writer on failure.
		finish(outcome{failed: reason, stats: stats}, nil)
		return
	}
	h.x.Finish()
	finish(outcome{rows: h.rows, stats: stats, sheets: h.x.Outcomes()}, h)
}

var errChanged = errors.New("file changed since it was listed")

// reasonPasswordUnset is the reason of an encrypted workbook of a
// department whose password_env names a variable that is not set: sheaf's
// to set, not the department's to remove.
const reasonPasswordUnset = "工作簿设置了打开密码，而 sheaf 尚未配置该部门的工作簿密码（由管理员设置），暂时无法读取，无需重新报送"

var errStopped = errors.New("the file's time is up")

// DefaultFileTimeout is how long reading one file may take.
const DefaultFileTimeout = 2 * time.Minute

// MaxFileSize is the largest file a sync reads unless sync.max_file_mb
// says otherwise.
const MaxFileSize = 256 << 20

// MaxRows is the most non-empty rows a sync reads from one file unless
// sync.max_rows says otherwise: a report has hundreds; a million means
// something else landed in the folder.
const MaxRows = 1_000_000

func (s *Syncer) maxFileSize() int64 {
	if mb := s.Config.Sync.MaxFileMB; mb > 0 {
		return int64(mb) << 20
	}
	return MaxFileSize
}

// unpackLimits are sync.max_part_mb and sync.max_package_mb for the
// readers (0: their defaults).
func (s *Syncer) unpackLimits() sheets.Limits {
	return sheets.Limits{PartSize: int64(s.Config.Sync.MaxPartMB) << 20, PackageSize: int64(s.Config.Sync.MaxPackageMB) << 20}
}

func (s *Syncer) maxRows() int {
	if n := s.Config.Sync.MaxRows; n > 0 {
		return n
	}
	return MaxRows
}

// workbookFile is a listed file to be read: its bytes in memory, or the
// open file itself (read where it lies) and its size.
type workbookFile struct {
	data []byte
	file *os.File
	size int64
}

func (wf *workbookFile) close() {
	if wf.file != nil {
		wf.file.Close()
	}
}

// changed says whether a file read where it lies no longer has the content
// its listing hashed. A file in memory was checked when it was read.
func (wf *workbookFile) changed(ref sheaf.FileRef) (bool, error) {
	if wf.file == nil || !strings.HasPrefix(ref.ChangeKey, "sha256:") {
		return false, nil
	}
	h := sha256.New()
	buf := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(buf)
	if _, err := io.CopyBuffer(h, io.NewSectionReader(wf.file, 0, math.MaxInt64), *buf); err != nil {
		return false, err
	}
	return "sha256:"+hex.EncodeToString(h.Sum(nil)) != ref.ChangeKey, nil
}

// hashBuffers are the buffers changed reads files through.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// openWorkbook opens a listed file for reading. A file of a folder is read
// where it lies when inPlace (not a workbook to decrypt): a sync then holds
// no more of a large workbook than it is reading, and checks afterwards
// (changed) that the file is still the one listed. Anything else is read
// whole by readAll.
func openWorkbook(ctx context.Context, src sources.Source, ref sheaf.FileRef, maxSize int64, inPlace bool) (*workbookFile, error) {
	rc, err := src.Open(ctx, ref)
	if err != nil {
		return nil, err
	}
	if f, ok := rc.(*os.File); ok && inPlace {
		st, err := f.Stat()
		if err == nil && st.Mode().IsRegular() {
			if st.Size() > maxSize {
				f.Close()
				return nil, tooLarge(ref, st.Size(), maxSize)
			}
			return &workbookFile{file: f, size: st.Size()}, nil
		}
	}
	defer rc.Close()
	data, err := readAll(rc, ref, maxSize)
	if err != nil {
		return nil, err
	}
	return &workbookFile{data: data, size: int64(len(data))}, nil
}

// readAll reads a listed file whole and checks it is still the content the
// listing saw, so a file rewritten in between is never half-taken.
func readAll(rc io.Reader, ref sheaf.FileRef, maxSize int64) ([]byte, error) {
	// A file over the limit is refused without reading it all: a report
	// workbook is a few megabytes; a 2 GB file in the share is a mistake.
	// The listing's size, when it has one, sizes the buffer: io.ReadAll
	// doubles as it goes, which for a 6 MB workbook is 11 MB of garbage
	// and a 7 MB buffer, at the very start of a sync. The spare MinRead
	// lets the read see the end without growing it.
	var buf bytes.Buffer
	if ref.Size > 0 && ref.Size <= maxSize {
		buf.Grow(int(ref.Size) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(rc, maxSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, sheets.ReadFailed(ref.Path, err)
	}
	if int64(len(data)) > maxSize {
		return nil, tooLarge(ref, ref.Size, maxSize)
	}
	if len(ref.ChangeKey) > 7 && ref.ChangeKey[:7] == "sha256:" {
		sum := sha256.Sum256(data)
		if "sha256:"+hex.EncodeToString(sum[:]) != ref.ChangeKey {
			return nil, errChanged
		}
	}
	return data, nil
}

// tooLarge refuses a file over sync.max_file_mb; size is its size when
// known (0: only that it is over the limit).
func tooLarge(ref sheaf.FileRef, size, maxSize int64) error {
	words := "超过 " + megabytes(maxSize)
	if size > maxSize {
		words = megabytes(size)
	}
	return &sheets.UnreadableError{File: ref.Path, Reason: fmt.Sprintf(
		"文件过大（%s，上限 %s，sync.max_file_mb），不是正常的报表文件，请检查后重新保存", words, megabytes(maxSize))}
}

// megabytes writes a size for people: "300 MB", "1.5 MB".
func megabytes(n int64) string {
	mb := float64(n) / (1 << 20)
	if mb >= 10 || mb == float64(int64(mb)) {
		return fmt.Sprintf("%.0f MB", mb)
	}
	return fmt.Sprintf("%.1f MB", mb)
}
