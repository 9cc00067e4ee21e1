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
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(jobs.GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(jobs.MemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
