package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/burstlab/burstlab/report"
)

// Markdown renders a summary for CI step summaries and pull-request
// comments: warnings, the verdict, the headline figures and per-stream
// totals, in GitHub-flavoured Markdown.
type Markdown struct{}

// Render implements Renderer.
func (Markdown) Render(w io.Writer, rec *report.Record) error {
	s := rec.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "### burstlab: %s\n\n", mdEscape(rec.Name))
	fmt.Fprintf(&b, "Target `%s`, %s, windows of %s.\n\n", rec.Target, fmtS(rec.DurationS), fmtS(rec.WindowS))
	if len(s.Warnings) > 0 {
		b.WriteString("> [!WARNING]\n")
		for _, warn := range s.Warnings {
			fmt.Fprintf(&b, "> - %s\n", mdEscape(warn))
		}
		b.WriteString("\n")
	}
	if len(rec.Notes) > 0 {
		b.WriteString("> [!NOTE]\n")
		for _, n := range rec.Notes {
			fmt.Fprintf(&b, "> - %s\n", mdEscape(n))
		}
		b.WriteString("\n")
	}
	scaled, p99 := Verdict(rec)
	fmt.Fprintf(&b, "**%s** %s\n\n", mdEscape(scaled), mdEscape(p99))

	b.WriteString("| figure | value |\n|:--|--:|\n")
	for _, r := range figureRows(rec) {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], mdEscape(r[1]))
	}
	b.WriteString("\n| stream | offered | sent | ok | p50 | p99 | max | apdex | errors |\n|:--|--:|--:|--:|--:|--:|--:|--:|:--|\n")
	for _, r := range streamRows(rec) {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s | %.2f | %s |\n",
			mdEscape(r.name), r.offered, r.sent, r.ok, report.FormatMs(r.p50), report.FormatMs(r.p99), report.FormatMs(r.max), r.apdex, fmtCounts(r.errors))
	}
	st := rec.Settings
	fmt.Fprintf(&b, "\nHealthy window: p99 <= max(SLO %s, baseline p99 x %g) and error ratio <= %s; recovered after %d healthy windows in a row; apdex T %s.\n",
		fmtBound(st.SLOP99Ms), st.Tolerance, fmtPct(st.ErrorRatio), st.HealthyWindows, report.FormatMs(st.ApdexTMs))
	_, err := io.WriteString(w, b.String())
	return err
}

// figureRows are the headline figures as label and value, for the Markdown
// and HTML reports.
func figureRows(rec *report.Record) [][2]string {
	s := rec.Summary
	rows := [][2]string{
		{"time_to_scale", fmtFigure(s.TimeToScaleS, s.TimeToScaleStatus)},
		{"p99_recovery", fmtFigure(s.P99RecoveryS, s.P99RecoveryStatus)},
		{"time_to_degrade", fmtFigure(s.TimeToDegradeS, "none")},
		{"degraded_for", fmtS(s.DegradedForS)},
		{"peak p99 / p99.9 / max", fmt.Sprintf("%s / %s / %s", report.FormatMs(s.PeakP99Ms), report.FormatMs(s.PeakP999Ms), report.FormatMs(s.MaxMs))},
		{"baseline p99 (healthy bound)", fmt.Sprintf("%s (%s)", report.FormatMs(s.BaselineP99Ms), fmtBound(s.HealthyP99Ms))},
		{"error ratio (peak)", fmt.Sprintf("%s (%s)", fmtPct(s.ErrorRatio), fmtPct(s.PeakErrorRatio))},
		{"errors", fmtCounts(s.Errors)},
		{"apdex (min)", fmt.Sprintf("%.2f (%.2f)", s.Apdex, s.MinApdex)},
	}
	if s.ScaleReactionS != nil || s.ScaleCompleteS != nil || s.ReplicasPeak > 0 {
		rows = append(rows,
			[2]string{"scale_reaction", fmtFigure(s.ScaleReactionS, "none")},
			[2]string{"scale_complete", fmtFigure(s.ScaleCompleteS, "none")},
			[2]string{"replicas", fmt.Sprintf("%d -> %d", s.ReplicasStart, s.ReplicasPeak)},
		)
	}
	return append(rows,
		[2]string{"burst", fmt.Sprintf("%s..%s (%s)", fmtS(rec.Burst.StartS), fmtS(rec.Burst.EndS), rec.Burst.Source)},
		[2]string{"send lateness p99", report.FormatMs(rec.Generator.LatenessP99Ms)},
	)
}

// mdEscape keeps text from breaking a table or starting markup.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", "*", `\*`).Replace(s)
}
