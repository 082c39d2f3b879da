package capacity

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/render"
)

// A Renderer writes a search's result in one format.
type Renderer func(w io.Writer, r *Result) error

// formats are the renderers `burstlab capacity --format` offers.
var formats = render.Registry[Renderer]{
	"table": WriteTable,
	"json":  WriteJSON,
	"md":    WriteMarkdown,
	"html":  WriteHTML,
}

// Formats lists the format names, sorted.
func Formats() []string { return formats.Names() }

// Format returns the renderer of the named format.
func Format(name string) (Renderer, error) { return formats.Get(name) }

// WriteJSON writes capacity.json's content.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the steps as a terminal table, then the answer line.
func WriteTable(w io.Writer, r *Result) error {
	cols := r.columns()
	align := make([]tw.Align, len(cols))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[len(cols)-2], align[len(cols)-1] = tw.AlignLeft, tw.AlignLeft
	t := render.NewTable(w, align...)
	t.Header(cols)
	for _, row := range r.rows() {
		if err := t.Append(row); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%s\n", r.Line)
	return err
}

// columns are the step table's headings: a burst search shows each
// factor's peak rate beside it.
func (r *Result) columns() []string {
	if r.Mode == BurstMode {
		return []string{"step", "factor", "peak rate", "peak p99", "errors", "verdict", "why"}
	}
	return []string{"step", "rate", "p99", "errors", "settled in", "verdict", "why"}
}

// rows are the steps, in the order they ran.
func (r *Result) rows() [][]string {
	var out [][]string
	for _, st := range r.Steps {
		row := []string{fmt.Sprint(st.N), r.levelName(st.Level)}
		if r.Mode == BurstMode {
			row = append(row, fmtRate(st.RateRPS), report.FormatMs(st.P99Ms), pct(st.ErrorRatio))
		} else {
			row = append(row, report.FormatMs(st.P99Ms), pct(st.ErrorRatio), fmtSettle(st.SettleS))
		}
		out = append(out, append(row, string(st.Verdict), st.Reason))
	}
	return out
}

// WriteMarkdown writes the answer and the steps for a CI summary.
func WriteMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### burstlab capacity: %s\n\n", r.Name)
	fmt.Fprintf(&b, "%s search against `%s`. **%s**\n\n", r.Mode, r.Target, r.Line)
	cols := r.columns()
	b.WriteString("| " + strings.Join(cols, " | ") + " |\n")
	b.WriteString(strings.Repeat("|--:", len(cols)-2) + "|:--|:--|\n")
	for _, row := range r.rows() {
		for i := range row {
			row[i] = strings.ReplaceAll(row[i], "|", `\|`)
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtSettle writes how long a step waited for the target to settle, - for
// no wait.
func fmtSettle(s float64) string {
	if s == 0 {
		return "-"
	}
	return report.FormatS(s)
}
