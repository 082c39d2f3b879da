package burst

import "fmt"

// WriteError is a failure to write the record directory (disk full,
// permissions): an I/O failure, not bad input. What was measured is still
// returned beside it.
type WriteError struct {
	Dir string
	Err error
}

func (e *WriteError) Error() string { return fmt.Sprintf("writing the record in %s: %v", e.Dir, e.Err) }
func (e *WriteError) Unwrap() error { return e.Err }
