package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable renders the terminal report: the headline first (did it scale,
// how fast, how long was p99 bad), then per-stream totals.
func WriteTable(w io.Writer, rec *Record) error {
	s := rec.Summary
	fmt.Fprintf(w, "burstlab: %s -> %s\n", rec.Name, rec.Target)
	if rec.Generator.Saturated {
		fmt.Fprintf(w, "WARNING: generator saturated: send lateness p99 %.1f ms > %.1f ms bound; the target saw less load than planned\n",
			rec.Generator.LatenessP99Ms, rec.Settings.LatenessBoundMs)
	}
	if rec.Stopped {
		fmt.Fprintln(w, "WARNING: the run was stopped before its plan ended; figures cover what was measured")
	}
	if s.BaselineDegraded {
		fmt.Fprintln(w, "WARNING: the baseline itself was degraded: the target was unhealthy before the burst")
	}
	fmt.Fprintf(w, "burst %.1fs..%.1fs (%s), baseline p99 %s, healthy when p99 <= %s and errors <= %.1f%%\n\n",
		rec.Burst.StartS, rec.Burst.EndS, rec.Burst.Source, fmtMs(s.BaselineP99Ms), fmtMs(s.HealthyP99Ms), rec.Settings.ErrorRatio*100)

	head := newTable(w, tw.AlignLeft, tw.AlignRight)
	head.Header("figure", "value")
	rows := [][]string{
		{"time_to_scale", fmtFigure(s.TimeToScaleS, s.TimeToScaleStatus)},
		{"p99_recovery", fmtFigure(s.P99RecoveryS, s.P99RecoveryStatus)},
		{"time_to_degrade", fmtFigure(s.TimeToDegradeS, "none")},
		{"degraded_for", fmt.Sprintf("%.0fs", s.DegradedForS)},
		{"peak p99", fmtMs(s.PeakP99Ms)},
		{"baseline p99", fmtMs(s.BaselineP99Ms)},
		{"peak error ratio", fmt.Sprintf("%.1f%%", s.PeakErrorRatio*100)},
		{"min apdex", fmt.Sprintf("%.2f", s.MinApdex)},
	}
	if s.ScaleReactionS != nil || s.ScaleCompleteS != nil {
		rows = append(rows,
			[]string{"scale_reaction", fmtFigure(s.ScaleReactionS, "none")},
			[]string{"scale_complete", fmtFigure(s.ScaleCompleteS, "none")},
			[]string{"replicas", fmt.Sprintf("%d -> %d", s.ReplicasStart, s.ReplicasPeak)},
		)
	}
	rows = append(rows, []string{"send lateness p99", fmtMs(rec.Generator.LatenessP99Ms)})
	if err := head.Bulk(rows); err != nil {
		return err
	}
	if err := head.Render(); err != nil {
		return err
	}
	fmt.Fprintln(w)

	st := newTable(w, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft)
	st.Header("stream", "offered", "sent", "ok", "p50", "p99", "max", "apdex", "errors")
	add := func(name string, offered, sent, ok int64, p50, p99, mx, apdex float64, errs Counts) error {
		return st.Append(name, offered, sent, ok, fmtMs(p50), fmtMs(p99), fmtMs(mx), fmt.Sprintf("%.2f", apdex), fmtCounts(errs))
	}
	for _, ss := range rec.Streams {
		name := ss.Name
		if ss.Burst {
			name += " (burst)"
		}
		if err := add(name, ss.Offered, ss.Sent, ss.OK, ss.P50Ms, ss.P99Ms, ss.MaxMs, ss.Apdex, ss.Errors); err != nil {
			return err
		}
	}
	if err := add("all", s.Offered, s.Sent, s.OK, s.P50Ms, s.P99Ms, s.MaxMs, s.Apdex, s.Errors); err != nil {
		return err
	}
	return st.Render()
}

func newTable(w io.Writer, align ...tw.Align) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithConfig(tablewriter.NewConfigBuilder().Row().Alignment().WithPerColumn(align).Build().Build()),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
}

func fmtFigure(v *float64, status string) string {
	if v == nil {
		return status
	}
	return fmt.Sprintf("%.0fs", *v)
}

func fmtMs(v float64) string {
	switch {
	case v >= 10000:
		return fmt.Sprintf("%.1fs", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	default:
		return fmt.Sprintf("%.1fms", v)
	}
}

func fmtCounts(c Counts) string {
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

var classOrder = []string{"5xx", "4xx", "429", "timeout", "refused", "reset", "dns", "tls", "other", "unsent"}
