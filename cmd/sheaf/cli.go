package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/storage"
)

// command is one subcommand of sheaf.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, e *env, args []string) error
}

// env is what every command gets: its output streams and the parsed
// --config flag. Commands load what they need through it.
type env struct {
	stdout, stderr io.Writer
	configPath     string
	cfg            *config.Config
	// fs is the command's flag set, for its -h.
	fs *flag.FlagSet
}

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

var commands = []command{
	{"run", "the daemon: run the scheduled jobs until stopped [--once JOB]", cmdRun},
	{"sync", "read every department's files now, reconcile, and report", cmdSync},
	{"resync", "ask the running daemon to sync now and wait for it; without a daemon, sync here [--timeout D]", cmdResync},
	{"figures", "list the figures, one per indicator and period [--json]", cmdFigures},
	{"flags", "list what is missing, doubtful or unreadable [--json] [--state open|accepted|resolved|all]\n           flags accept ID --note TEXT [--by NAME]: accept a flag with an explanation (说明)", cmdFlags},
	{"explain", "explain INDICATOR [PERIOD]: every value ever read for a figure, and why it has its value", cmdExplain},
	{"rules", "every rule with pass / fail / incomplete", cmdRules},
	{"draft", "draft the report from the figures: .docx, .html, .md and an .xlsx annex [--out DIR] [--format LIST] [--mail]", cmdDraft},
	{"status", "per department: files, submissions, figures given vs owed", cmdStatus},
	{"runs", "the history of job runs [-n N] [--json]", cmdRuns},
	{"remind", "sync, then queue and send the reminders and overdue notices due now\n           remind --dry-run [--at TIME]: who would get what, and what it says", cmdRemind},
	{"outbox", "the mail queue: queued, sent and failed messages [-n N] [--json]\n           outbox retry ID: queue a failed message again", cmdOutbox},
	{"config", "config check: validate the configuration file", cmdConfig},
	{"templates", "write each department's fill-in workbook --out DIR [--department ID] [--previous FILE] [--json]", cmdTemplates},
	{"token", "token new: make an admin token for web.token_env", cmdToken},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sheaf COMMAND [--config FILE] [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nThe configuration is --config FILE, else $SHEAF_CONFIG, else sheaf.yaml.")
}

// boolFlags are the flags that take no value, so that "sheaf --json
// figures" reads --json as a flag and figures as the command.
var boolFlags = map[string]bool{"json": true, "dry-run": true, "mail": true, "force": true, "version": true, "h": true, "help": true}

// run runs one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// "sheaf --config FILE status" as well as "sheaf status --config FILE":
	// flags before the command move after it.
	var global []string
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		switch {
		case name == "version":
			fmt.Fprintln(stdout, versionLine())
			return 0
		case name == "h" || name == "help":
			usage(stdout)
			return 0
		case hasValue || boolFlags[name] || len(args) == 1:
			global, args = append(global, args[0]), args[1:]
		default:
			global, args = append(global, args[0], args[1]), args[2:]
		}
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "help" {
		usage(stdout)
		return 0
	}
	name := args[0]
	args = append(append(args[:1:1], args[1:]...), global...)
	for _, c := range commands {
		if c.name != name {
			continue
		}
		e := &env{stdout: stdout, stderr: stderr}
		err := c.run(ctx, e, args[1:])
		if err == nil {
			return 0
		}
		if errors.Is(err, flag.ErrHelp) {
			// -h or --help: the command's usage on stdout, and success.
			if e.fs != nil {
				fmt.Fprintf(stdout, "usage: sheaf %s [flags]\n  %s\n\nflags:\n", name, c.usage)
				e.fs.SetOutput(stdout)
				e.fs.PrintDefaults()
			}
			return 0
		}
		var ee exitError
		if errors.As(err, &ee) {
			if ee.err != nil {
				fmt.Fprintln(stderr, "sheaf "+name+":", ee.err)
			}
			return ee.code
		}
		fmt.Fprintln(stderr, "sheaf "+name+":", err)
		return 1
	}
	fmt.Fprintf(stderr, "sheaf: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

// versionLine is sheaf's module version and the commit it was built from.
func versionLine() string {
	version, commit, modified := "(devel)", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	line := "sheaf " + version
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		line += " (commit " + commit
		if modified {
			line += ", modified"
		}
		line += ")"
	}
	return line + " " + runtime.Version()
}

// flags returns a flag set with the common --config flag.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("sheaf "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	// A bad flag prints its error, then the flags, on stderr; -h is
	// answered on stdout by run, through e.fs.
	fs.Usage = func() {}
	e.fs = fs
	def := os.Getenv("SHEAF_CONFIG")
	if def == "" {
		def = "sheaf.yaml"
	}
	fs.StringVar(&e.configPath, "config", def, "configuration `file`")
	return fs
}

// parse parses flags, allowing them before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, flag.ErrHelp
			}
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
			return nil, exitError{2, nil}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// load reads and validates the configuration.
func (e *env) load() error {
	cfg, err := config.Load(e.configPath)
	if err != nil {
		return exitError{1, err}
	}
	e.cfg = cfg
	return nil
}

// open loads the configuration and opens the database.
func (e *env) open(ctx context.Context) (*storage.DB, error) {
	if err := e.load(); err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, e.cfg.DBPath())
	if err != nil {
		return nil, err
	}
	return db, nil
}

// parseOpen parses a command's flags and opens the database: how most
// commands begin.
func (e *env) parseOpen(ctx context.Context, fs *flag.FlagSet, args []string) ([]string, *storage.DB, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, nil, err
	}
	db, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	return pos, db, nil
}

// logger logs errors only: the commands' own output already lists every
// file and source that could not be read.
func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

func cmdConfig(ctx context.Context, e *env, args []string) error {
	fs := e.flags("config")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "check" {
		return exitError{2, fmt.Errorf("usage: sheaf config check [--config FILE]")}
	}
	if err := e.load(); err != nil {
		return err
	}
	c := e.cfg
	if _, err := reconcile.New(c); err != nil {
		return exitError{1, err}
	}
	fmt.Fprintf(e.stdout, "%s: ok — %s, %d departments, %d indicators, %d rules, %d deadlines\n",
		c.File, c.Cycle.Name, len(c.Departments), len(c.Indicators), len(c.Rules), len(c.Deadlines))
	for _, w := range c.Warnings(time.Now()) {
		fmt.Fprintf(e.stdout, "warning: %v\n", w)
	}
	if ids := c.RequiredByDefault(); len(ids) > 0 {
		fmt.Fprintf(e.stdout, "note: %d indicators are required because they have an owner (required: false opts out): %s\n",
			len(ids), shortList(ids, 20))
	}
	return nil
}

// shortList joins the first n items and says how many more there are.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" … (%d more)", len(items)-n)
}
