package report

import (
	"encoding/json"
	"io"
)

// JSON renders run.json: the whole record, indented, with its schema
// version and the definition of every figure (see docs/record.md).
type JSON struct{}

// Render implements Renderer.
func (JSON) Render(w io.Writer, rec *Record) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
