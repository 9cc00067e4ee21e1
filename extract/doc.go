// Package extract turns the rows package sheets reads into normalised
// observations with their provenance: it finds each table's header,
// matches rows to the catalogue's indicators (labels folded as the
// catalogue folds them), normalises values, units and periods as their
// cells show them, and says what became of each sheet and what was wrong
// with the file. An Extractor is made per department; Start gives the
// FileExtraction that one file's rows are handed to, sheet by sheet.
package extract
