package report

import (
	"fmt"
	"strconv"
)

// Verdict answers the questions a reader opens a report with, in two
// sentences: did the target scale, how fast, and how long was p99 bad.
func Verdict(rec *Record) (scaled, p99 string) {
	s := rec.Summary
	bad := fmt.Sprintf("p99 was degraded for %s in all, peaking at %s against a bound of %s.",
		fmtS(s.DegradedForS), fmtMs(s.PeakP99Ms), fmtBound(s.HealthyP99Ms))
	if s.DegradedForS == 0 {
		bad = fmt.Sprintf("p99 was never degraded: it peaked at %s against a bound of %s.", fmtMs(s.PeakP99Ms), fmtBound(s.HealthyP99Ms))
	}
	degraded := ""
	if s.TimeToDegradeS != nil {
		degraded = fmt.Sprintf(" (degraded %s after it began)", fmtS(*s.TimeToDegradeS))
	}
	switch s.TimeToScaleStatus {
	case StatusNoBurst:
		return "No burst found in the offered rate: nothing to scale for.", bad
	case StatusNoDegradation:
		scaled = "No degradation during the burst: the target absorbed it."
	case StatusReached:
		scaled = fmt.Sprintf("Scaled: healthy again %s after the burst began%s.", fmtS(*s.TimeToScaleS), degraded)
	default:
		scaled = fmt.Sprintf("Did not scale: still degraded when the burst ended%s.", degraded)
	}
	switch s.P99RecoveryStatus {
	case StatusHealthyAtEnd:
		scaled += " Healthy when the burst ended."
	case StatusRecovered:
		scaled += fmt.Sprintf(" p99 recovered %s after the burst ended.", fmtS(*s.P99RecoveryS))
	case StatusNotRecovered:
		scaled += " p99 had not recovered when the run ended."
	}
	return scaled, bad
}

// fmtS formats seconds without trailing zeros: 12s, 0.5s.
func fmtS(v float64) string { return strconv.FormatFloat(roundTo(v, 3), 'f', -1, 64) + "s" }

func fmtBound(ms float64) string {
	if ms <= 0 {
		return "none"
	}
	return fmtMs(ms)
}

// fmtFigure formats a time figure, or its status when it has no value.
func fmtFigure(v *float64, status string) string {
	if v == nil {
		return status
	}
	return fmtS(*v)
}
