package main

import (
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/web"
)

// The JSON forms the commands print for scripts: lower-case snake_case
// keys, times in RFC 3339, as the web's .json endpoints give them.

// messageJSON is a message of the outbox.
type messageJSON struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	State    string `json:"state"`
	DedupKey string `json:"dedup_key"`
	// Channel is the chat target of a post ("chat:edu:0"); absent for mail.
	Channel       string    `json:"channel,omitempty"`
	To            []string  `json:"to"`
	Cc            []string  `json:"cc"`
	Subject       string    `json:"subject"`
	Attempts      int       `json:"attempts"`
	CreatedAt     time.Time `json:"created_at"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	SentAt        time.Time `json:"sent_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	LastError     string    `json:"last_error"`
}

func newMessageJSON(m sheaf.OutboxMessage) messageJSON {
	j := messageJSON{ID: m.ID, Kind: m.Kind, State: m.State, DedupKey: m.DedupKey, Channel: m.Channel, To: m.To, Cc: m.Cc,
		Subject: m.Subject, Attempts: m.Attempts, CreatedAt: m.CreatedAt, NextAttemptAt: m.NextAttemptAt,
		SentAt: m.SentAt, ExpiresAt: m.ExpiresAt, LastError: m.LastError}
	if j.To == nil {
		j.To = []string{}
	}
	if j.Cc == nil {
		j.Cc = []string{}
	}
	return j
}

// departmentJSON is a department's line of `sheaf status --json`.
type departmentJSON struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	Files           int        `json:"files"`
	Settling        int        `json:"settling"`
	Failed          int        `json:"failed"`
	FirstSubmission *time.Time `json:"first_submission"`
	LastSubmission  *time.Time `json:"last_submission"`
	RequiredGiven   int        `json:"required_given"`
	RequiredOwed    int        `json:"required_owed"`
	OpenFlags       int        `json:"open_flags"`
}

// sheetJSON is a sheet of a present file that was not read.
type sheetJSON struct {
	File    string `json:"file"`
	Sheet   string `json:"sheet"`
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
}

// statusJSON is `sheaf status --json`.
type statusJSON struct {
	Cycle         string           `json:"cycle"`
	Period        string           `json:"period"`
	Timezone      string           `json:"timezone"`
	LastSync      *web.RunJSON     `json:"last_sync"`
	Departments   []departmentJSON `json:"departments"`
	SheetsNotRead []sheetJSON      `json:"sheets_not_read"`
}

// explainJSON is one figure of `sheaf explain --json`.
type explainJSON struct {
	Indicator string            `json:"indicator"`
	Name      string            `json:"name"`
	Period    string            `json:"period"`
	Unit      string            `json:"unit"`
	Owner     string            `json:"owner"`
	Figure    *figureJSON       `json:"figure"`
	Why       string            `json:"why"`
	History   []observationJSON `json:"history"`
	Flags     []flagJSON        `json:"flags"`
}

// observationJSON is one value read for a figure, oldest first.
type observationJSON struct {
	ReadAt     time.Time `json:"read_at"`
	Department string    `json:"department"`
	File       string    `json:"file"`
	Sheet      string    `json:"sheet"`
	Cell       string    `json:"cell"`
	HiddenRow  bool      `json:"hidden_row"`
	Raw        string    `json:"raw"`
	Value      *float64  `json:"value"`
	// State: counts | superseded | file_gone | not_counted.
	State string `json:"state"`
	Note  string `json:"note"`
}

// configCheckJSON is `sheaf config check --json`.
type configCheckJSON struct {
	File        string   `json:"file"`
	OK          bool     `json:"ok"`
	Cycle       string   `json:"cycle"`
	Departments int      `json:"departments"`
	Indicators  int      `json:"indicators"`
	Rules       int      `json:"rules"`
	Deadlines   int      `json:"deadlines"`
	Warnings    []string `json:"warnings"`
	// Problems, when the configuration is not valid: each with the line
	// and the key.
	Problems []configProblemJSON `json:"problems"`
}

// configProblemJSON is one problem of a configuration.
type configProblemJSON struct {
	Line    int    `json:"line"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// noticeJSON is a notice `sheaf remind --dry-run --json` would send.
type noticeJSON struct {
	Kind       string   `json:"kind"`
	Department string   `json:"department"`
	Deadline   string   `json:"deadline"`
	Owed       []string `json:"owed"`
	To         []string `json:"to"`
	Cc         []string `json:"cc"`
	DedupKey   string   `json:"dedup_key"`
	Subject    string   `json:"subject"`
	Text       string   `json:"text"`
}

// dryRunJSON is `sheaf remind --dry-run --json`.
type dryRunJSON struct {
	At      time.Time    `json:"at"`
	Notices []noticeJSON `json:"notices"`
	// Withheld are the departments that get no notice because their
	// sources could not be listed at the last sync: what they owe is not
	// known.
	Withheld []string `json:"withheld"`
}

// acceptJSON is `sheaf flags accept --json`.
type acceptJSON struct {
	ID    int64  `json:"id"`
	State string `json:"state"`
	Note  string `json:"note"`
	By    string `json:"by"`
}

// retryJSON is `sheaf outbox retry --json`.
type retryJSON struct {
	ID    int64  `json:"id"`
	State string `json:"state"`
}
