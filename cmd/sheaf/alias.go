package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/google/renameio/v2"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// cmdAlias adopts a label departments write as another name of an
// indicator: `sheaf alias add INDICATOR "LABEL"` adds it to the
// indicator's aliases in the configuration file, changing nothing else in
// the file, then syncs so that the rows with that label are read.
func cmdAlias(ctx context.Context, e *env, args []string) error {
	fs := e.flags("alias")
	noSync := fs.Bool("no-sync", false, "only edit the configuration; the next sync reads the rows")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 3 || pos[0] != "add" {
		return exitError{2, fmt.Errorf(`usage: sheaf alias add INDICATOR "LABEL" [--config FILE] [--no-sync]`)}
	}
	id, label := pos[1], pos[2]
	src, err := os.ReadFile(e.configPath)
	if err != nil {
		return exitError{1, err}
	}
	out, err := config.AddAlias(src, id, label)
	if errors.Is(err, config.ErrAliasKnown) {
		fmt.Fprintf(e.stdout, "%s already reads rows labelled %q\n", id, label)
		return nil
	}
	if err != nil {
		return exitError{1, fmt.Errorf("%s: %w (nothing was changed)", e.configPath, err)}
	}
	// The edited file must load as it is, or it is not written: a label
	// another indicator already has would make every command fail.
	cfg, err := config.Parse(out, e.configPath)
	if err != nil {
		return exitError{1, fmt.Errorf("with the alias the configuration would not load (nothing was changed): %w", err)}
	}
	if err := replaceFile(e.configPath, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s now also reads rows labelled %q\n", e.configPath, id, label)
	if *noSync {
		return nil
	}
	e.cfg = cfg
	db, err := storage.Open(ctx, cfg.DBPath())
	if err != nil {
		return err
	}
	defer db.Close()
	// The catalogue is part of every department's extraction fingerprint,
	// so this sync reads every department's files again, not only those
	// with the label.
	rep, err := (&jobs.Syncer{Config: cfg, DB: db, Log: e.logger()}).Sync(ctx, "cli")
	if err != nil {
		return err
	}
	printSyncReport(e, rep)
	return nil
}

// replaceFile writes data over path in one step, keeping its mode: a
// reader (the daemon reloading) sees the old file or the new, never half.
func replaceFile(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if err := renameio.WriteFile(path, data, st.Mode().Perm(), renameio.IgnoreUmask()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
