package compare

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the comparison as indented JSON: the runs, notes, rows
// (numbers in each figure's own unit, null where a record has none) and
// checks.
func WriteJSON(w io.Writer, c *Comparison) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}
