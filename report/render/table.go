package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/burstlab/burstlab/report"
)

// Table renders the terminal report. Its first screen answers "did it
// scale, how fast, how long was p99 bad": warnings, the verdict, then the
// headline figures; per-stream totals follow.
type Table struct{}

// WriteTable renders rec as the terminal report.
func WriteTable(w io.Writer, rec *report.Record) error { return Table{}.Render(w, rec) }

// Render implements Renderer.
func (Table) Render(w io.Writer, rec *report.Record) error {
	s := rec.Summary
	fmt.Fprintf(w, "burstlab: %s -> %s\n", rec.Name, rec.Target)
	for _, warn := range s.Warnings {
		fmt.Fprintln(w, "WARNING: "+warn)
	}
	for _, n := range rec.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
	scaled, p99 := Verdict(rec)
	fmt.Fprintf(w, "\n%s\n%s\n", scaled, p99)
	for _, a := range AlertLines(rec) {
		fmt.Fprintln(w, a)
	}
	fmt.Fprintln(w)

	head := NewTable(w, tw.AlignLeft, tw.AlignRight)
	head.Header("figure", "value")
	var rows [][]string
	for _, r := range figureRows(rec, false) {
		rows = append(rows, []string{r[0], r[1]})
	}
	if err := head.Bulk(rows); err != nil {
		return err
	}
	if err := head.Render(); err != nil {
		return err
	}
	fmt.Fprintln(w)

	st := NewTable(w, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft)
	st.Header("stream", "offered", "sent", "ok", "p50", "p99", "max", "apdex", "errors")
	for _, r := range streamRows(rec) {
		if err := st.Append(r.name, r.offered, r.sent, r.ok, r.latency(r.p50), r.latency(r.p99), r.latency(r.max), fmt.Sprintf("%.2f", r.apdex), fmtCounts(r.errors)); err != nil {
			return err
		}
	}
	return st.Render()
}

// streamRow is one line of the per-stream totals, the whole run last.
type streamRow struct {
	name                 string
	offered, sent, ok    int64
	p50, p99, max, apdex float64
	errors               report.Counts
}

// latency writes one of the row's latency figures, or "-" when it counted
// no ok response: latency is of ok responses, and 0 ms would be a lie.
func (r streamRow) latency(ms float64) string { return fmtLatency(ms, r.ok) }

// fmtLatency writes a latency figure of ok responses, or "-" when there
// were none.
func fmtLatency(ms float64, ok int64) string {
	if ok == 0 {
		return "-"
	}
	return report.FormatMs(ms)
}

func streamRows(rec *report.Record) []streamRow {
	var out []streamRow
	for _, ss := range rec.Streams {
		name := ss.Name
		if ss.Burst {
			name += " (burst)"
		}
		out = append(out, streamRow{name, ss.Offered, ss.Sent, ss.OK, ss.P50Ms, ss.P99Ms, ss.MaxMs, ss.Apdex, ss.Errors})
	}
	s := rec.Summary
	return append(out, streamRow{"all", s.Offered, s.Sent, s.OK, s.P50Ms, s.P99Ms, s.MaxMs, s.Apdex, s.Errors})
}

// NewTable returns burstlab's terminal table: ASCII borders, headers as
// written, one alignment per column.
func NewTable(w io.Writer, align ...tw.Align) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithConfig(tablewriter.NewConfigBuilder().Row().Alignment().WithPerColumn(align).Build().Build()),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
}

func fmtPct(r float64) string { return fmt.Sprintf("%.2f%%", r*100) }

func fmtCounts(c report.Counts) string {
	var parts []string
	for _, name := range classOrder {
		if n := c[name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", name, n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// classOrder lists the error classes in report order: every outcome class
// but ok (TestClassOrder keeps it so).
var classOrder = []string{"5xx", "4xx", "429", "timeout", "refused", "reset", "dns", "tls", "other", "unsent", "abandoned", "redirects", "truncated", "generator_fd"}
