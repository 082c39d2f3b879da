package render

import (
	"fmt"
	"strconv"

	"github.com/burstlab/burstlab/report"
)

// Verdict answers the questions a reader opens a report with, in two
// sentences: did the target scale, how fast, and how long was p99 bad.
func Verdict(rec *report.Record) (scaled, p99 string) {
	s := rec.Summary
	bad := fmt.Sprintf("p99 was degraded for %s in all, peaking at %s against a bound of %s.",
		fmtS(s.DegradedForS), report.FormatMs(s.PeakP99Ms), fmtBound(s.HealthyP99Ms))
	if s.DegradedForS == 0 {
		bad = fmt.Sprintf("p99 was never degraded: it peaked at %s against a bound of %s.", report.FormatMs(s.PeakP99Ms), fmtBound(s.HealthyP99Ms))
	}
	degraded := ""
	if s.TimeToDegradeS != nil {
		degraded = fmt.Sprintf(" (degraded %s after it began)", fmtS(*s.TimeToDegradeS))
	}
	switch s.TimeToScaleStatus {
	case report.StatusNoBurst:
		return "No burst found in the offered rate: nothing to scale for.", bad
	case report.StatusNoDegradation:
		scaled = "No degradation during the burst: the target absorbed it."
	case report.StatusReached:
		scaled = fmt.Sprintf("Scaled: healthy again %s after the burst began%s.", fmtS(*s.TimeToScaleS), degraded)
	default:
		scaled = fmt.Sprintf("Did not scale: still degraded when the burst ended%s.", degraded)
	}
	switch s.P99RecoveryStatus {
	case report.StatusHealthyAtEnd:
		scaled += " Healthy when the burst ended."
	case report.StatusRecovered:
		scaled += fmt.Sprintf(" p99 recovered %s after the burst ended.", fmtS(*s.P99RecoveryS))
	case report.StatusNotRecovered:
		scaled += " p99 had not recovered when the run ended."
	}
	return scaled, bad
}

// fmtS formats seconds without trailing zeros: 12s, 0.5s.
func fmtS(v float64) string { return strconv.FormatFloat(report.RoundTo(v, 3), 'f', -1, 64) + "s" }

func fmtBound(ms float64) string {
	if ms <= 0 {
		return "none"
	}
	return report.FormatMs(ms)
}

// fmtFigure formats a time figure, or its status when it has no value.
func fmtFigure(v *float64, status string) string {
	if v == nil {
		return status
	}
	return fmtS(*v)
}
