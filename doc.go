// Package sheaf holds the words every part of sheaf shares, and nothing
// else of the project: observations and findings as extraction reads them,
// figures and flags as reconcile decides them, their kinds, severities,
// statuses and states as typed constants with their Chinese words in one
// table, periods, value formatting and rounding, how a file of a source is
// named for people, and the outbox's message. It imports no other package
// of the module, so a pure step (reconcile) or the mailer (notify) can use
// the vocabulary without pulling in a workbook reader, a Google client or
// the database.
package sheaf
