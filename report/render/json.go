package render

import (
	"io"

	"github.com/burstlab/burstlab/report"
)

// JSON renders run.json: the whole record, indented, with its schema
// version and the definition of every figure (see docs/record.md).
type JSON struct{}

// Render implements Renderer.
func (JSON) Render(w io.Writer, rec *report.Record) error { return report.WriteJSON(w, rec) }
