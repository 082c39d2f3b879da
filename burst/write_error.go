package burst

import "github.com/burstlab/burstlab/report"

// WriteError is a failure to write one of a run's files: the record in -o
// DIR, or the --output results file. It is an I/O failure (disk full,
// permissions, no descriptor left), not bad input; what was measured is
// still returned beside it. It reads "writing the record: FILE: OPERATION:
// ERR".
type WriteError struct {
	What string // "the record", "--output"
	Err  error  // a *report.FileError: the file and the operation
}

func (e *WriteError) Error() string { return "writing " + e.What + ": " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// recordError is a failure of op on path, a file of the record.
func recordError(op, path string, err error) error {
	return &WriteError{What: "the record", Err: report.AsFileError(op, path, err)}
}

// resultsError is a failure of op on path, the --output results file;
// nil stays nil.
func resultsError(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &WriteError{What: "--output", Err: report.AsFileError(op, path, err)}
}
