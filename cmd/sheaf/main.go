// Command sheaf gathers the figures departments send in spreadsheets,
// checks them, and keeps them with their provenance in SQLite.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/sheaf-dev/sheaf/jobs"
)

func main() {
	// The collector's settings serve a sync (jobs.TuneGC); GOGC or
	// GOMEMLIMIT set by the operator win.
	switch {
	case os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "":
		jobs.TuneGC()
	case os.Getenv("GOGC") == "":
		debug.SetGCPercent(jobs.GCPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
