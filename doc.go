// Package sheaf holds the words every part of sheaf shares, and nothing
// else of the project:
//
//   - observations and findings as extraction reads them (Observation,
//     Finding, Approximation, SheetOutcome, FileRef) and the rule for two
//     values agreeing (Agree);
//   - figures and flags as reconcile decides them (Figure, Flag, Evidence),
//     their kinds, severities and statuses, and the subjects of flags about
//     no figure;
//   - the states of a stored flag (FlagState) and the outcomes of a job's
//     run (RunOutcome);
//   - the Chinese words for all of these, in one table (Kind.Word,
//     Status.Word, Severity.Word, FlagState.Word);
//   - periods (ParsePeriod, ValidPeriod, PeriodWord), value formatting
//     (FormatValue) and rounding half away from zero (Round, RoundDecimal);
//   - how a file of a source is named for people (DisplayPath), and the
//     outbox's message (OutboxMessage).
//
// It imports no other package of the module, so a pure step (reconcile),
// the mailer (notify) and the draft (report) use the vocabulary without
// pulling in a workbook reader, a Google client or the database.
//
// Flag states and run outcomes are typed: they are compared and stored,
// rarely used as map keys. Kinds, severities and statuses stay untyped
// string constants: they key maps, fill []string lists (Figure.Statuses)
// and travel through SQL and JSON, where a type would only add casts. The
// strings are the ones stored in the database and written in JSON.
package sheaf
