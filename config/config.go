// Package config reads sheaf's single YAML configuration file and validates it.
//
// The configuration is a value: Load returns a *Config that the rest of the
// program receives through constructors. Nothing here is global.
package config

import (
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// Config is the whole configuration of one reporting cycle.
type Config struct {
	// File is the path the configuration was read from; Dir is its folder.
	// Relative paths inside the configuration are resolved against Dir.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`

	Cycle       Cycle        `yaml:"cycle"`
	Storage     Storage      `yaml:"storage"`
	Sync        Sync         `yaml:"sync"`
	Extraction  Extraction   `yaml:"extraction"`
	Departments []Department `yaml:"departments"`
	Indicators  []Indicator  `yaml:"indicators"`
	Rules       []Rule       `yaml:"rules"`
	Deadlines   []Deadline   `yaml:"deadlines"`
	Schedules   Schedules    `yaml:"schedules"`
	Mail        Mail         `yaml:"mail"`
	Report      Report       `yaml:"report"`
	Web         Web          `yaml:"web"`

	// Units extends and redefines the built-in list of units; see
	// UnitCatalogue.
	Units []UnitSpec `yaml:"units"`

	// node is the parsed file while it is being loaded, so that Validate
	// can name the line of a key. Load then keeps only raw, the file's
	// text, and parses it again when a line is asked for (an error, a
	// warning): the tree of a catalogue of 20,000 indicators is 55 MB, the
	// text 2 MB. Both are nil for a Config built in code.
	node *doc
	raw  []byte
	// indicatorAt and departmentAt map ids to their positions, built once
	// by Load so that a lookup does not scan a catalogue of tens of
	// thousands of indicators for every figure. Nil for a Config built in
	// code, which is then searched in order.
	indicatorAt, departmentAt map[string]int
	// units is the catalogue of units built by Load from Units.
	units *Units
}

// Cycle is the reporting cycle: what is being collected, for which default
// period, and in which time zone deadlines and times are shown.
type Cycle struct {
	// Name is the title of the report being collected, shown in mail and
	// reports.
	Name     string `yaml:"name"`
	Period   string `yaml:"period"`   // default period, "2024" or "2024Q2"
	Timezone string `yaml:"timezone"` // IANA name, e.g. Asia/Shanghai

	// Location is Timezone loaded by Load.
	Location *time.Location `yaml:"-"`
}

// Storage says where the SQLite database lives.
type Storage struct {
	Path string `yaml:"path"` // relative to the config's folder
}

// Sync holds the settings of the sync job that are not per department.
type Sync struct {
	// Settle is how old a file's modification time must be before it is
	// read, so that a file still being copied is left for the next sync.
	// Default 1m when not written. Written as "90s", "2m" or "1d" (Duration).
	Settle Duration `yaml:"settle"`
	// Workers is how many files are parsed at once. Default: the number of CPUs.
	Workers int `yaml:"workers"`
	// Limits on one file; 0 means the default. A file over a limit is a
	// `file` flag saying which, and the rest of the sync goes on.
	MaxFileMB   int      `yaml:"max_file_mb"`  // default 256
	MaxRows     int      `yaml:"max_rows"`     // non-empty rows, default 1,000,000
	FileTimeout Duration `yaml:"file_timeout"` // default 2m
	// Unpack limits of one workbook (an .xlsx is a zip package): the most
	// one part and all parts together may decompress to, in MB; 0 means
	// the default (256 and 1024). A small file that inflates past them is
	// refused before it is decompressed.
	MaxPartMB    int `yaml:"max_part_mb"`
	MaxPackageMB int `yaml:"max_package_mb"`
	// ExcludeDefault lists folder names whose files are old versions, left
	// out of every folder source: nil means DefaultExcludedFolders; an
	// empty list reads every folder.
	ExcludeDefault *[]string `yaml:"exclude_default"`
}

// DefaultExcludedFolders are the folder names departments keep old
// versions in (作废 void, 旧版 old version, 历史 history, 备份 backup).
var DefaultExcludedFolders = []string{"作废", "旧版", "历史", "备份", "old", "archive"}

// ExcludedFolders is sync.exclude_default, or its default.
func (s Sync) ExcludedFolders() []string {
	if s.ExcludeDefault == nil {
		return DefaultExcludedFolders
	}
	return *s.ExcludeDefault
}

// Extraction tunes how rows are found in a sheet. It is set globally and may
// be extended per department; the department's lists add to the global ones.
type Extraction struct {
	// Headers adds synonyms to the built-in column names. Keys are the
	// column roles: code, name, period, value, unit, note.
	Headers map[string][]string `yaml:"headers"`
	// Ignore lists row labels (names or codes) that are known extras: they
	// are neither matched nor reported as unknown.
	Ignore []string `yaml:"ignore"`
	// Sheets, when set, limits extraction to sheets whose names match one of
	// these globs.
	Sheets []string `yaml:"sheets"`
	// HiddenSheets says whether hidden sheets are read: "skip" (the
	// default, also when empty) or "read". A department's setting, when
	// written, overrides the global one.
	HiddenSheets string `yaml:"hidden_sheets"`
}

// Hidden-sheet settings.
const (
	HiddenSheetsSkip = "skip"
	HiddenSheetsRead = "read"
)

// Department is a unit that owes figures and sends spreadsheets.
type Department struct {
	// ID is the short name used everywhere else in the configuration
	// (indicators' owner, deadlines' departments): "edu", "finance".
	ID string `yaml:"id"`
	// Name is the department's full name, shown to people: 市教育局.
	Name string `yaml:"name"`
	// Contacts are the e-mail addresses reminders go to.
	Contacts []string `yaml:"contacts"`
	// Chat are the work-chat groups reminders and overdue notices are
	// also posted to.
	Chat []ChatTarget `yaml:"chat"`
	// Sources are where the department's spreadsheets are found.
	Sources []Source `yaml:"sources"`
	// Extraction adds to the global extraction settings for this
	// department's files.
	Extraction Extraction `yaml:"extraction"`
	// PasswordEnv names an environment variable holding the password the
	// department's workbooks are encrypted with (never in the YAML).
	PasswordEnv string `yaml:"password_env"`
	// Forms map the figures of the department's form sheets that are not
	// found by their indicators' names (see layouts.go).
	Forms []Form `yaml:"forms"`
	// Lists are the department's tables of one row per school or project,
	// from which figures are derived.
	Lists []List `yaml:"lists"`
}

// Source is one place a department's spreadsheets live. Exactly one kind is
// set: Dir (a local or mounted network folder), Drive (a Google Drive
// folder) or Sheet (one Google Sheet).
type Source struct {
	// Dir is a folder, relative to the config's folder or absolute.
	Dir string `yaml:"dir"`
	// Drive is a Google Drive folder, in My Drive or a shared drive.
	Drive *DriveSource `yaml:"drive"`
	// Sheet is one Google Sheets spreadsheet.
	Sheet *SheetSource `yaml:"sheet"`
	// Glob selects files under Dir or Drive, with ** for any depth.
	// Default "**/*".
	Glob string `yaml:"glob"`
	// Exclude lists globs of files to leave out.
	Exclude []string `yaml:"exclude"`
	// Credentials is the service-account key file (JSON) of a Google
	// source, relative to the config's folder or absolute. Empty means
	// GOOGLE_APPLICATION_CREDENTIALS or the application default credentials.
	Credentials string `yaml:"credentials"`
	// Endpoint is the Google APIs' base URL (a proxy or a local test
	// server); empty means Google's own.
	Endpoint string `yaml:"endpoint"`
	// NoAuth sends a Google source's requests without credentials (only
	// for a local test server).
	NoAuth bool `yaml:"no_auth"`
	// MaxRequests bounds a Google source's requests per sync; 0 means the
	// default (1000).
	MaxRequests int `yaml:"max_requests"`
}

// DriveSource is a Google Drive folder read recursively.
type DriveSource struct {
	// Folder is the folder's id (drive.google.com/drive/folders/ID) or a
	// shared drive's id.
	Folder string `yaml:"folder"`
}

// SheetSource is one Google Sheets spreadsheet.
type SheetSource struct {
	// ID is the spreadsheet's id (docs.google.com/spreadsheets/d/ID/edit).
	ID string `yaml:"id"`
	// Ranges limits what is read to these A1 ranges ("汇总!A1:F40");
	// Sheets to these sheets. At most one of them; neither means all sheets.
	Ranges []string `yaml:"ranges"`
	Sheets []string `yaml:"sheets"`
}

// Indicator is a named figure in the catalogue.
type Indicator struct {
	// ID is the stable name of the indicator, used in rules and deadlines:
	// "schools.total".
	ID string `yaml:"id"`
	// Name is the label the indicator has in the spreadsheets; rows are
	// matched by it (and by Aliases), compared after NormalizeName.
	Name string `yaml:"name"`
	// Aliases are other labels the same row is known by.
	Aliases []string `yaml:"aliases"`
	// Codes are the codes departments use for the figure in their own
	// schemes (A0101, JY-01, 教基1001); a code column matches them like the
	// ID, compared after NormalizeName.
	Codes []string `yaml:"codes"`
	// Unit is the unit the figure is kept in: a built-in unit, a derived
	// one (万人, 元/人) or one of the units section; see Units.Lookup.
	Unit string `yaml:"unit"`
	// Owner is the id of the department that reports the figure and whose
	// value is authoritative when departments disagree.
	Owner string `yaml:"owner"`
	// Periods the figure is collected for; empty means the cycle's period.
	Periods []string `yaml:"periods"`
	// Required marks a figure that must be reported; a missing one is a
	// finding. It defaults to true for an indicator with an owner.
	Required bool `yaml:"required"`
	// RequiredByDefault is set by Load when Required is true only because
	// the indicator has an owner and does not say required: false.
	RequiredByDefault bool `yaml:"-"`
	// Decimals is how many decimals the figure is shown with; nil means the
	// unit's default.
	Decimals *int `yaml:"decimals"`
	// Tolerance, when set, is the largest difference (in the indicator's
	// unit) between two values that still agree.
	Tolerance *float64 `yaml:"tolerance"`
	// Range is the plausible [min, max] of a value, in the indicator's
	// unit; a value outside is flagged. Empty means no bounds.
	Range Bounds `yaml:"range"`
	// Note is free text on how the indicator is counted (its definition).
	Note string `yaml:"note"`

	// unit is Unit resolved against the configuration's units by Load;
	// zero for an Indicator built in code (UnitInfo then looks Unit up
	// among the built-in units).
	unit Unit
}

// Rule is a check or a standard over figures, written in expr.
type Rule struct {
	// ID names the rule in findings.
	ID string `yaml:"id"`
	// Expr is the condition, over indicator ids, that should hold.
	Expr string `yaml:"expr"`
	// Message is shown when the rule does not hold.
	Message  string         `yaml:"message"`
	Severity sheaf.Severity `yaml:"severity"` // error | warning | info
	Class    string         `yaml:"class"`    // check | standard
}

// Deadline is when figures are due, and when to remind before it.
type Deadline struct {
	// Name is shown in reminders: 年报初稿.
	Name string `yaml:"name"`
	// Due is "2025-03-31" (the end of that day) or "2025-03-31 17:00", in
	// the cycle's time zone; see DueTime.
	Due string `yaml:"due"`
	// Departments and Indicators narrow the deadline by id; empty means all.
	Departments []string `yaml:"departments"`
	Indicators  []string `yaml:"indicators"`
	// Remind lists lead times before Due: "7d", "3d", "1d", "4h"; see
	// ParseLead.
	Remind []string `yaml:"remind"`
	// Overdue is how often a department still owing after Due gets an
	// overdue notice: a lead time such as "1d" (the default) or "12h".
	Overdue string `yaml:"overdue"`
}

// Schedules are cron specs (five fields, or @daily and friends), evaluated in
// the cycle's time zone. An empty spec means the job does not run on a
// schedule.
type Schedules struct {
	Sync   string `yaml:"sync"`   // read new and changed spreadsheets
	Remind string `yaml:"remind"` // send reminders that have come due
	Digest string `yaml:"digest"` // mail coordinators a summary
	Draft  string `yaml:"draft"`  // write the draft report
}

// Mail configures outgoing e-mail.
type Mail struct {
	// From is the sender address of every message.
	From string `yaml:"from"`
	// Coordinators are the people who run the collection (牵头单位); they
	// receive digests and drafts.
	Coordinators []string `yaml:"coordinators"`
	// CoordinatorChat are the work-chat groups the digest is also posted to.
	CoordinatorChat []ChatTarget `yaml:"coordinator_chat"`
	// Dir, when set, is a folder (relative to the config's folder) where
	// each message is written as a .eml file instead of being sent; see
	// MailDir.
	Dir string `yaml:"dir"`
	// Outbox is the old name of Dir, still read.
	//
	// Deprecated: write Dir (mail.dir).
	Outbox string `yaml:"outbox"`
	SMTP   SMTP   `yaml:"smtp"`
}

// MailDir is the folder messages are written to instead of being sent,
// mail.dir (or its old name mail.outbox) resolved against the
// configuration's folder; empty when neither is set.
func (c *Config) MailDir() string {
	if c.Mail.Dir != "" {
		return c.Path(c.Mail.Dir)
	}
	return c.Path(c.Mail.Outbox)
}

// SMTP is the submission server. The password comes from the environment,
// never from the file: PasswordEnv names a variable holding it; or, when
// that variable is not set, the variable of the same name followed by _FILE
// holds the path of a file containing it (PasswordEnv may also name such a
// _FILE variable itself).
//
// When Host is set, Load defaults TLS to "starttls" and Port to the usual
// port of the TLS mode (587 starttls, 465 tls, 25 none).
type SMTP struct {
	Host        string `yaml:"host"`         // e.g. smtp.example.cn
	Port        int    `yaml:"port"`         // 0..65535
	Username    string `yaml:"username"`     // login name
	PasswordEnv string `yaml:"password_env"` // variable holding the password (or, ending in _FILE, its path)
	TLS         string `yaml:"tls"`          // starttls | tls | none
}

// DefaultReportOutput is the folder drafts are written to when
// report.output is not written, relative to the configuration's folder.
const DefaultReportOutput = "drafts"

// Report configures the draft report (初稿) built from the figures.
type Report struct {
	// Template is the Markdown file, with Go text/template actions, the
	// draft is rendered from; relative to the configuration's folder. Empty
	// means no draft can be built.
	Template string `yaml:"template"`
	// Title is the draft's title; empty means the cycle's name.
	Title string `yaml:"title"`
	// Output is the folder drafts are written to, relative to the
	// configuration's folder; empty means DefaultReportOutput (see
	// ReportDir).
	Output string `yaml:"output"`
	// NumberStyle is how the draft groups thousands: as_written (the
	// default: as the department's cell shows the figure), plain (never)
	// or grouped (always).
	NumberStyle string `yaml:"number_style"`
	// Marks is how the draft marks doubts: numbered (the default: a short
	// numbered mark in the text and a list at the end) or inline (the whole
	// doubt in the text).
	Marks string `yaml:"marks"`
}

// ReportTemplate is the path of the draft's template, report.template
// resolved against the configuration's folder; empty when not set.
func (c *Config) ReportTemplate() string {
	return c.Path(c.Report.Template)
}

// ReportTitle is the draft's title: report.title, else cycle.name.
func (c *Config) ReportTitle() string {
	if t := strings.TrimSpace(c.Report.Title); t != "" {
		return t
	}
	return strings.TrimSpace(c.Cycle.Name)
}

// ReportDir is the folder drafts are written to, report.output resolved
// against the configuration's folder (drafts when not set).
func (c *Config) ReportDir() string {
	if c.Report.Output == "" {
		return c.Path(DefaultReportOutput)
	}
	return c.Path(c.Report.Output)
}

// Web configures the daemon's HTTP server: the status pages, resync, health
// and metrics. See config/web.go.
type Web struct {
	// Listen is the address to serve on; default 127.0.0.1:8370; "off"
	// runs no web server. Listening beyond loopback requires a token.
	Listen string `yaml:"listen"`
	// TokenEnv names the environment variable holding the admin token (or,
	// with a _FILE suffix, a file holding it); the token is never in YAML.
	TokenEnv string `yaml:"token_env"`
	// URL is how `sheaf resync` reaches the daemon; default http://Listen.
	URL string `yaml:"url"`
	// SourceGrace is how long a source may fail to be listed before
	// /healthz turns red; default 24h (DefaultSourceGrace).
	SourceGrace Duration `yaml:"source_grace"`
	// AllowedHosts are the host names, besides localhost and the host of
	// URL, that requests may name in their Host header; see config/web.go.
	AllowedHosts []string `yaml:"allowed_hosts"`
	// TrustedProxies are the addresses (IPs or CIDR ranges) of reverse
	// proxies whose X-Forwarded-Proto and X-Forwarded-For are believed.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// LinkSecretEnv names the environment variable holding the secret the
	// departments' page links are derived from (or, with a _FILE suffix, a
	// file holding it); without it (or without URL) no mail carries a link.
	LinkSecretEnv string `yaml:"link_secret_env"`
	// LinkDays is how many days after the cycle's last deadline the
	// departments' links keep working; default 30 (DefaultLinkDays).
	LinkDays int `yaml:"link_days"`
}
