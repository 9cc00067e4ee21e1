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
	"github.com/sheaf-dev/sheaf/report"
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

// Unwrap gives the error, for errors.As.
func (e exitError) Unwrap() error { return e.err }

var commands = []command{
	{"run", "the daemon: run the scheduled jobs until stopped [--once JOB [--json]]", cmdRun},
	{"sync", "read every department's files now, reconcile, and report [--json]", cmdSync},
	{"resync", "ask the running daemon to sync now and wait for it; without a daemon, sync here [--timeout D] [--json]", cmdResync},
	{"figures", "list the figures, one per indicator and period [--json]", cmdFigures},
	{"flags", "list what is missing, doubtful or unreadable [--json] [--state open|accepted|resolved|all]\n           flags accept ID --note TEXT [--by NAME] [--json]: accept a flag with an explanation (说明)", cmdFlags},
	{"explain", "explain INDICATOR [PERIOD]: every value ever read for a figure, and why it has its value [--json]", cmdExplain},
	{"rules", "every rule with pass / fail / incomplete [--json]", cmdRules},
	{"draft", "draft the report from the figures: .docx, .html, .md and an .xlsx annex [--out DIR] [--format LIST] [--mail] [--json]", cmdDraft},
	{"status", "per department: files, submissions, figures given vs owed [--json]", cmdStatus},
	{"runs", "the history of job runs [-n N] [--json]", cmdRuns},
	{"remind", "sync, then queue and send the reminders and overdue notices due now [--json]\n           remind --dry-run [--at TIME] [--json]: who would get what, and what it says", cmdRemind},
	{"outbox", "the mail queue: queued, sent and failed messages [-n N] [--json]\n           outbox retry ID [--json]: queue a failed message again", cmdOutbox},
	{"config", "config check: validate the configuration file [--json]", cmdConfig},
	{"templates", "write each department's fill-in workbook --out DIR [--department ID] [--previous FILE] [--json]", cmdTemplates},
	{"init", "init [DIR] [--from-workbook FILE]: write a commented sheaf.yaml, inbox folders and a report template to start a cycle", cmdInit},
	{"alias", "alias add INDICATOR \"LABEL\": read rows with LABEL as INDICATOR (edits the config in place), then sync [--no-sync]", cmdAlias},
	{"token", "token new: make an admin token for web.token_env", cmdToken},
	{"links", "each department's page link, as reminders carry it [--department ID] [--rotate] [--json]", cmdLinks},
}

// subcommandUsage is the usage of the commands within commands.
var subcommandUsage = map[string]string{
	"sheaf flags accept": "flags accept ID --note TEXT [--by NAME] [--json]: accept a flag with an explanation (说明)",
	"sheaf outbox retry": "outbox retry ID [--json]: queue a failed message again",
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sheaf COMMAND [--config FILE] [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nflags:\n  --config FILE  the configuration (else $SHEAF_CONFIG, else sheaf.yaml)")
	fmt.Fprintln(w, "  --json         print the listing or the result as JSON")
	fmt.Fprintln(w, "  --version      print sheaf's version and commit")
	fmt.Fprintln(w, "  -h, --help     print this help; \"sheaf COMMAND -h\" prints a command's")
	fmt.Fprintln(w, "\nFlags may come before or after the command.")
}

// boolFlags are the flags that take no value, so that "sheaf --json
// figures" reads --json as a flag and figures as the command.
var boolFlags = map[string]bool{"json": true, "dry-run": true, "mail": true, "force": true, "version": true, "h": true, "help": true}

// valueFlags are the flags that take a value, whatever the command.
var valueFlags = map[string]bool{"config": true, "n": true, "state": true, "kind": true, "department": true, "status": true,
	"at": true, "out": true, "format": true, "note": true, "by": true, "timeout": true, "once": true, "from-workbook": true,
	"previous": true}

// isCommand reports whether name is one of sheaf's commands.
func isCommand(name string) bool {
	for _, c := range commands {
		if c.name == name {
			return true
		}
	}
	return name == "help"
}

// run runs one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// "sheaf --config FILE status" as well as "sheaf status --config FILE":
	// flags before the command move after it.
	var global []string
	wantHelp := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		switch {
		case name == "version":
			fmt.Fprintln(stdout, versionLine())
			return 0
		case name == "h" || name == "help":
			// "sheaf --help figures" is "sheaf figures --help"; alone,
			// sheaf's own help.
			wantHelp = true
			global, args = append(global, args[0]), args[1:]
		case hasValue || boolFlags[name] || len(args) == 1:
			global, args = append(global, args[0]), args[1:]
		default:
			if len(args) == 2 && isCommand(args[1]) && !valueFlags[name] {
				// "sheaf --jsn status": a misspelt flag would take the
				// command as its value and leave none.
				fmt.Fprintf(stderr, "sheaf: unknown flag %s before the command %s\n\n", args[0], args[1])
				usage(stderr)
				return 2
			}
			global, args = append(global, args[0], args[1]), args[2:]
		}
	}
	if len(args) == 0 && wantHelp {
		usage(stdout)
		return 0
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "help" {
		// "sheaf help figures" is "sheaf figures -h".
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			usage(stdout) // "sheaf help", "sheaf help -h"
			return 0
		}
		args = append(args[1:], "-h")
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
				line := c.usage
				if sub, ok := subcommandUsage[e.fs.Name()]; ok {
					line = sub
				}
				fmt.Fprintf(stdout, "usage: %s [flags]\n  %s\n\nflags:\n", e.fs.Name(), line)
				e.fs.SetOutput(stdout)
				e.fs.PrintDefaults()
			}
			return 0
		}
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			// Interrupted (Ctrl-C, SIGTERM): what was stored stays, and the
			// next run takes up the rest.
			fmt.Fprintln(stderr, "sheaf "+name+": 已中断，已保存的内容不会丢失，下次运行时继续")
			return 130
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

// openNoArgs is parseOpen for a command that takes no arguments besides
// its flags: "sheaf figures schools.total" is refused, not taken for a
// listing of every figure.
func (e *env) openNoArgs(ctx context.Context, fs *flag.FlagSet, args []string) (*storage.DB, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, exitError{2, fmt.Errorf("unexpected argument %q: %s takes only flags (see %s -h)", pos[0], fs.Name(), fs.Name())}
	}
	return e.open(ctx)
}

// logger logs errors only: the commands' own output already lists every
// file and source that could not be read.
func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

func cmdConfig(ctx context.Context, e *env, args []string) error {
	fs := e.flags("config")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "check" {
		return exitError{2, fmt.Errorf("usage: sheaf config check [--config FILE]")}
	}
	// One pass: the file's problems and the rules' problems together, the
	// rules compiled as a sync compiles them (reconcile.New).
	cfg, err := config.Check(e.configPath)
	var terr error
	if cfg != nil {
		_, rerr := reconcile.New(cfg)
		err = config.Join(err, rerr)
		// The report template, checked against the catalogue as a draft
		// would use it.
		terr = report.CheckTemplate(cfg)
		if err == nil && terr == nil {
			e.cfg = cfg
		}
	}
	if err == nil && terr != nil {
		err = terr
	} else if terr != nil {
		err = errors.Join(err, terr)
	}
	if err != nil && *asJSON {
		// The problems as data, and the exit code of a bad configuration.
		out := configCheckJSON{File: e.configPath, Problems: []configProblemJSON{}, Warnings: []string{}}
		var errs config.Errors
		var one config.FieldError
		switch {
		case errors.As(err, &errs):
			for _, fe := range errs {
				out.Problems = append(out.Problems, configProblemJSON{Line: fe.Line, Key: fe.Key, Message: fe.Msg})
			}
		case errors.As(err, &one):
			out.Problems = append(out.Problems, configProblemJSON{Line: one.Line, Key: one.Key, Message: one.Msg})
		case terr == nil:
			out.Problems = append(out.Problems, configProblemJSON{Message: err.Error()})
		}
		if terr != nil {
			for _, line := range strings.Split(terr.Error(), "\n") {
				out.Problems = append(out.Problems, configProblemJSON{Message: line})
			}
		}
		if werr := writeJSON(e, out); werr != nil {
			return werr
		}
		return exitError{1, nil}
	}
	var ee exitError
	if errors.As(err, &ee) {
		return err
	}
	if err != nil {
		return exitError{1, err}
	}
	c := e.cfg
	if *asJSON {
		out := configCheckJSON{File: c.File, OK: true, Cycle: c.Cycle.Name, Departments: len(c.Departments),
			Indicators: len(c.Indicators), Rules: len(c.Rules), Deadlines: len(c.Deadlines), Warnings: []string{},
			Problems: []configProblemJSON{}}
		for _, w := range c.Warnings(time.Now()) {
			out.Warnings = append(out.Warnings, w.Error())
		}
		return writeJSON(e, out)
	}
	fmt.Fprintf(e.stdout, "%s: ok — %s, %d departments, %d indicators, %d rules, %d deadlines\n",
		c.File, c.Cycle.Name, len(c.Departments), len(c.Indicators), len(c.Rules), len(c.Deadlines))
	for _, w := range c.Warnings(time.Now()) {
		fmt.Fprintf(e.stdout, "warning: %v\n", w)
	}
	if ids := c.RequiredByDefault(); len(ids) > 0 {
		fmt.Fprintf(e.stdout, "注意：%d 个指标有责任单位，因而默认必报（写 required: false 可取消）：%s\n",
			len(ids), shortList(ids, 20))
	}
	return nil
}

// shortList joins the first n items and says how many more there are.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" …（另有 %d 个）", len(items)-n)
}
