package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/burstlab/burstlab/report"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
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
	fmt.Fprintf(w, "\n%s\n%s\n\n", scaled, p99)

	head := NewTable(w, tw.AlignLeft, tw.AlignRight)
	head.Header("figure", "value")
	rows := [][]string{
		{"time_to_scale", fmtFigure(s.TimeToScaleS, s.TimeToScaleStatus)},
		{"p99_recovery", fmtFigure(s.P99RecoveryS, s.P99RecoveryStatus)},
		{"time_to_degrade", fmtFigure(s.TimeToDegradeS, "none")},
		{"degraded_for", fmtS(s.DegradedForS)},
		{"peak p99", report.FormatMs(s.PeakP99Ms)},
		{"peak p99.9", report.FormatMs(s.PeakP999Ms)},
		{"max", report.FormatMs(s.MaxMs)},
		{"baseline p99", report.FormatMs(s.BaselineP99Ms)},
		{"healthy p99 bound", fmtBound(s.HealthyP99Ms)},
		{"error ratio (peak)", fmt.Sprintf("%s (%s)", fmtPct(s.ErrorRatio), fmtPct(s.PeakErrorRatio))},
		{"apdex (min)", fmt.Sprintf("%.2f (%.2f)", s.Apdex, s.MinApdex)},
	}
	if s.ScaleReactionS != nil || s.ScaleCompleteS != nil || s.ReplicasPeak > 0 {
		rows = append(rows,
			[]string{"scale_reaction", fmtFigure(s.ScaleReactionS, "none")},
			[]string{"scale_complete", fmtFigure(s.ScaleCompleteS, "none")},
			[]string{"replicas", fmt.Sprintf("%d -> %d", s.ReplicasStart, s.ReplicasPeak)},
		)
	}
	rows = append(rows,
		[]string{"burst", fmt.Sprintf("%s..%s (%s)", fmtS(rec.Burst.StartS), fmtS(rec.Burst.EndS), rec.Burst.Source)},
		[]string{"send lateness p99", report.FormatMs(rec.Generator.LatenessP99Ms)},
	)
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
		if err := st.Append(r.name, r.offered, r.sent, r.ok, report.FormatMs(r.p50), report.FormatMs(r.p99), report.FormatMs(r.max), fmt.Sprintf("%.2f", r.apdex), fmtCounts(r.errors)); err != nil {
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

// classOrder lists the error classes in report order.
var classOrder = []string{"5xx", "4xx", "429", "timeout", "refused", "reset", "dns", "tls", "other", "unsent"}
