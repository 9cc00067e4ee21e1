package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sheaf-dev/sheaf/storage"
)

// recentRuns is how many of the latest runs each scrape looks at for runs
// that finished since the last one.
const recentRuns = 1000

// collector reads the database at scrape time. Job runs are counted once
// each, as they finish, from the runs table (whoever ran them: the schedule,
// the command line or the web), so the counters only grow while the daemon
// runs; they start from the latest recentRuns runs. Flags, files and
// messages are gauges of what the database holds now.
type collector struct {
	db  *storage.DB
	log *slog.Logger

	mu       sync.Mutex
	counted  map[int64]bool
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
	files    *prometheus.CounterVec

	openFlags   *prometheus.Desc
	presentFile *prometheus.Desc
	messages    *prometheus.Desc
	lastSync    *prometheus.Desc
	up          *prometheus.Desc
}

func newCollector(db *storage.DB, log *slog.Logger) *collector {
	return &collector{
		db: db, log: log, counted: map[int64]bool{},
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sheaf_job_runs_total",
			Help: "Job runs finished, by job and outcome (ok, failed, interrupted)."}, []string{"job", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sheaf_job_duration_seconds",
			Help:    "How long finished job runs took, by job and outcome.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}}, []string{"job", "outcome"}),
		files: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sheaf_sync_files_total",
			Help: "Files met by finished syncs, by what became of them (read, failed, unchanged, deferred)."}, []string{"result"}),
		openFlags:   prometheus.NewDesc("sheaf_open_flags", "Open flags, by kind.", []string{"kind"}, nil),
		presentFile: prometheus.NewDesc("sheaf_files", "Files present in their sources, by the outcome of their latest read (ok, failed, duplicate, none yet).", []string{"outcome"}, nil),
		messages:    prometheus.NewDesc("sheaf_outbox_messages", "Messages in the outbox, by state (queued, sent, failed).", []string{"state"}, nil),
		lastSync:    prometheus.NewDesc("sheaf_last_sync_success_timestamp_seconds", "When the latest successful sync finished.", nil, nil),
		up:          prometheus.NewDesc("sheaf_database_up", "1 when the database could be read at this scrape.", nil, nil),
	}
}

// Describe sends the descriptions of every series.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	c.runs.Describe(ch)
	c.duration.Describe(ch)
	c.files.Describe(ch)
	for _, d := range []*prometheus.Desc{c.openFlags, c.presentFile, c.messages, c.lastSync, c.up} {
		ch <- d
	}
}

// Collect reads the database and sends every series.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	up := 1.0
	if err := c.collect(ctx, ch); err != nil {
		c.log.Warn("metrics: read the database", "err", err)
		up = 0
	}
	c.runs.Collect(ch)
	c.duration.Collect(ch)
	c.files.Collect(ch)
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
}

func (c *collector) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	runs, err := c.db.Runs(ctx, recentRuns)
	if err != nil {
		return err
	}
	c.countRuns(runs)
	for _, r := range runs {
		if r.Job == "sync" && r.Outcome.Completed() {
			ch <- prometheus.MustNewConstMetric(c.lastSync, prometheus.GaugeValue, float64(r.FinishedAt.Unix()))
			break
		}
	}
	open, err := c.db.OpenFlagCounts(ctx)
	if err != nil {
		return err
	}
	// Every known kind, 0 included: a series that vanishes when its count
	// drops to none cannot be told from a scrape that failed.
	for _, k := range sheaf.FlagKinds {
		if _, ok := open[string(k)]; !ok {
			open[string(k)] = 0
		}
	}
	for kind, n := range open {
		ch <- prometheus.MustNewConstMetric(c.openFlags, prometheus.GaugeValue, float64(n), kind)
	}
	files, err := c.db.Files(ctx)
	if err != nil {
		return err
	}
	byOutcome := map[string]int{storage.ReadOK: 0, storage.ReadFailed: 0, storage.ReadDuplicate: 0, "none": 0}
	for _, f := range files {
		if f.Present {
			o := f.Outcome
			if o == "" {
				o = "none"
			}
			byOutcome[o]++
		}
	}
	for o, n := range byOutcome {
		ch <- prometheus.MustNewConstMetric(c.presentFile, prometheus.GaugeValue, float64(n), o)
	}
	msgs, err := c.db.Outbox(ctx, 10000)
	if err != nil {
		return err
	}
	byState := map[string]int{sheaf.OutboxQueued: 0, sheaf.OutboxSent: 0, sheaf.OutboxFailed: 0}
	for _, m := range msgs {
		byState[m.State]++
	}
	for st, n := range byState {
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.GaugeValue, float64(n), st)
	}
	return nil
}

// countRuns counts the runs that finished since the last scrape.
func (c *collector) countRuns(runs []storage.Run) {
	c.mu.Lock()
	defer c.mu.Unlock()
	window := make(map[int64]bool, len(runs))
	for i := len(runs) - 1; i >= 0; i-- { // oldest first
		r := runs[i]
		if r.Outcome == sheaf.RunRunning || r.Outcome == "" {
			continue
		}
		window[r.ID] = true
		if c.counted[r.ID] {
			continue
		}
		c.runs.WithLabelValues(r.Job, string(r.Outcome)).Inc()
		if !r.FinishedAt.IsZero() {
			c.duration.WithLabelValues(r.Job, string(r.Outcome)).Observe(r.FinishedAt.Sub(r.StartedAt).Seconds())
		}
		if r.Job == "sync" {
			var counts struct{ Read, Failed, Unchanged, Deferred int }
			if json.Unmarshal(r.Counts, &counts) == nil {
				c.files.WithLabelValues("read").Add(float64(counts.Read))
				c.files.WithLabelValues("failed").Add(float64(counts.Failed))
				c.files.WithLabelValues("unchanged").Add(float64(counts.Unchanged))
				c.files.WithLabelValues("deferred").Add(float64(counts.Deferred))
			}
		}
	}
	// Remember only the runs still in the window, so memory stays bounded;
	// a run leaves the window only after it was counted.
	c.counted = window
}

func (s *Server) metricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(s.metrics)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(s.log().Handler(), slog.LevelWarn)})
}
