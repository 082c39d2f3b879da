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
	for _, a := range AlertLines(rec) {
		fmt.Fprintf(&b, "- %s\n", mdEscape(a))
	}
	if len(rec.Alerts) > 0 {
		b.WriteString("\n")
	}

	b.WriteString("| figure | value |\n|:--|--:|\n")
	for _, r := range figureRows(rec, true) {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], mdEscape(r[1]))
	}
	b.WriteString("\n| stream | offered | sent | ok | p50 | p99 | max | apdex | errors |\n|:--|--:|--:|--:|--:|--:|--:|--:|:--|\n")
	for _, r := range streamRows(rec) {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s | %.2f | %s |\n",
			mdEscape(r.name), r.offered, r.sent, r.ok, r.latency(r.p50), r.latency(r.p99), r.latency(r.max), r.apdex, fmtCounts(r.errors))
	}
	st := rec.Settings
	fmt.Fprintf(&b, "\nHealthy window: p99 <= max(SLO %s, baseline p99 x %g) and error ratio <= %s; recovered after %d healthy windows in a row; apdex T %s.\n",
		fmtBound(st.SLOP99Ms), st.Tolerance, fmtPct(st.ErrorRatio), st.HealthyWindows, report.FormatMs(st.ApdexTMs))
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape keeps text from breaking a table or starting markup.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", "*", `\*`).Replace(s)
}
