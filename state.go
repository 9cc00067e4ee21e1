package sheaf

// FlagState is where a stored flag stands; a flag's history records each
// change of state.
type FlagState string

// The states of a stored flag.
const (
	// FlagOpen: the flag applies and no one has explained it.
	FlagOpen FlagState = "open"
	// FlagAccepted: a person explained it for the values it is about.
	FlagAccepted FlagState = "accepted"
	// FlagResolved: it no longer applies (the values were corrected).
	FlagResolved FlagState = "resolved"
	// FlagObsolete: what it was about is gone from the configuration or
	// the sources (a department, an indicator, a file or a source).
	FlagObsolete FlagState = "obsolete"
)

// FlagStates lists the states in the order people read them.
var FlagStates = []FlagState{FlagOpen, FlagAccepted, FlagResolved, FlagObsolete}

// Current reports whether a flag in state s still asks for attention or
// holds an explanation: open or accepted.
func (s FlagState) Current() bool { return s == FlagOpen || s == FlagAccepted }

// RunOutcome is how a job's run ended, as the runs table records it.
type RunOutcome string

// The outcomes of a run.
const (
	// RunRunning: the run has started and not finished.
	RunRunning RunOutcome = "running"
	// RunOK: the run finished its work.
	RunOK RunOutcome = "ok"
	// RunFailed: the run stopped on an error.
	RunFailed RunOutcome = "failed"
	// RunInterrupted: the process was stopped or died during the run.
	RunInterrupted RunOutcome = "interrupted"
	// RunPartial: the run did its work, but some of what it reads could
	// not be read (a sync some of whose sources failed); the error says
	// which.
	RunPartial RunOutcome = "partial"
)

// Completed reports whether a run with outcome o did its work: ok, or
// partial (a sync whose other sources were read).
func (o RunOutcome) Completed() bool { return o == RunOK || o == RunPartial }
