package render

import (
	"fmt"
	"strings"

	"github.com/burstlab/burstlab/report"
)

// degradedSentence says how long the target was degraded and by what: p99
// of its successful responses over the bound, errors over the error bound,
// or both, each with its peak and its bound.
func degradedSentence(rec *report.Record) string {
	s := rec.Summary
	var byP99, byErrors float64
	for i := range rec.Windows {
		p99, errs := rec.DegradedBy(&rec.Windows[i])
		if p99 {
			byP99 += rec.WindowS
		}
		if errs {
			byErrors += rec.WindowS
		}
	}
	p99 := fmt.Sprintf("peaking at %s against a bound of %s", report.FormatMs(s.PeakP99Ms), fmtBound(s.HealthyP99Ms))
	errs := fmt.Sprintf("the error ratio peaking at %s against a bound of %s", fmtPct(s.PeakErrorRatio), fmtPct(rec.Settings.ErrorRatio))
	switch {
	case s.DegradedForS == 0:
		return fmt.Sprintf("p99 was never degraded: it peaked at %s against a bound of %s.", report.FormatMs(s.PeakP99Ms), fmtBound(s.HealthyP99Ms))
	case byErrors > 0 && s.OK == 0:
		return fmt.Sprintf("Errors degraded it for %s in all, %s: not one response was ok.", fmtS(s.DegradedForS), errs)
	case byErrors > 0 && byP99 == 0:
		return fmt.Sprintf("Errors degraded it for %s in all, %s; p99 of the ok responses stayed within its bound.", fmtS(s.DegradedForS), errs)
	case byErrors > 0:
		return fmt.Sprintf("It was degraded for %s in all: p99 for %s, %s; errors for %s, %s.",
			fmtS(s.DegradedForS), fmtS(report.RoundTo(byP99, 3)), p99, fmtS(report.RoundTo(byErrors, 3)), errs)
	}
	return fmt.Sprintf("p99 was degraded for %s in all, %s.", fmtS(s.DegradedForS), p99)
}

// upper capitalises the first letter of a sentence.
func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
