package render

import (
	"fmt"

	"github.com/burstlab/burstlab/report"
)

// Verdict answers the questions a reader opens a report with, in two
// sentences: did the target scale, how fast, and how long was p99 bad.
func Verdict(rec *report.Record) (scaled, p99 string) {
	s := rec.Summary
	bad := degradedSentence(rec)
	degraded := ""
	if s.TimeToDegradeS != nil {
		degraded = fmt.Sprintf(" (degraded %s after it began)", fmtS(*s.TimeToDegradeS))
	}
	switch unreached := report.Unreached(rec); {
	case rec.Invalid != "":
		return upper(rec.Invalid) + ".", bad
	case unreached != "":
		return upper(unreached) + ".", bad
	case s.TimeToScaleStatus == report.StatusStopped || s.P99RecoveryStatus == report.StatusStopped && s.TimeToScaleStatus != report.StatusReached && s.TimeToScaleStatus != report.StatusNoDegradation:
		before := "ended"
		if *s.StoppedAtS <= rec.Burst.StartS {
			before = "began"
		}
		return fmt.Sprintf("Stopped at %s, before the burst %s%s: time to scale and p99 recovery are unknown.", fmtS(*s.StoppedAtS), before, degraded), bad
	case rec.Model == report.ModelClosed:
		return fmt.Sprintf("Closed model (as fast as possible): %s achieved; latency counts from the actual send.", fmtRate(s.AchievedRPS)), bad
	case s.TimeToScaleStatus == report.StatusNoBurst:
		return "No burst found in the offered rate: nothing to scale for.", bad
	case s.TimeToScaleStatus == report.StatusNoDegradation:
		scaled = "No degradation during the burst: the target absorbed it."
	default:
		scaled = recovered(rec, degraded)
	}
	switch s.P99RecoveryStatus {
	case report.StatusHealthyAtEnd:
		scaled += " Healthy when the burst ended."
	case report.StatusRecovered:
		scaled += fmt.Sprintf(" p99 recovered %s after the burst ended.", fmtS(*s.P99RecoveryS))
	case report.StatusNotRecovered:
		scaled += " p99 had not recovered when the run ended."
	case report.StatusStopped:
		scaled += " The run stopped before the burst ended."
	}
	return scaled, bad
}

// recovered says how a degraded target became healthy again, by its
// recovery cause: scaling while the burst still ran, or the burst's
// traffic falling away.
func recovered(rec *report.Record, degraded string) string {
	s := rec.Summary
	r := s.Recovery
	switch {
	case s.RecoveryCause == report.CauseScaled && s.TimeToScaleS != nil:
		return fmt.Sprintf("Scaled: healthy again %s after the burst began%s, while it still offered %s, with %d replicas ready (%d at its start).",
			fmtS(*s.TimeToScaleS), degraded, fmtRate(r.OfferedRPS), r.Replicas, s.ReplicasStart)
	case s.RecoveryCause == report.CauseTrafficSubsided && r.AtS != nil:
		if s.TimeToDegradeS != nil {
			degraded = fmt.Sprintf(" (degraded %s after the burst began)", fmtS(*s.TimeToDegradeS))
		}
		by := ""
		if len(rec.ScaleEvents) > 0 {
			by = fmt.Sprintf("; %d replicas were ready by then (%d at its start)", r.Replicas, s.ReplicasStart)
		}
		return fmt.Sprintf("Recovered because the traffic subsided, not by scaling: healthy again only at %s%s, once the offered rate had fallen to %s (burst %s)%s.",
			fmtS(*r.AtS), degraded, fmtRate(r.OfferedRPS), fmtRate(r.BurstRPS), by)
	case s.TimeToScaleStatus == report.StatusReached && s.RecoveryCause == report.CauseUnknown:
		return fmt.Sprintf("Healthy again %s after the burst began%s; why is unknown: %s.", fmtS(*s.TimeToScaleS), degraded, r.Why)
	case s.TimeToScaleStatus == report.StatusReached:
		return fmt.Sprintf("Scaled: healthy again %s after the burst began%s.", fmtS(*s.TimeToScaleS), degraded)
	}
	return fmt.Sprintf("Did not scale: still degraded when the burst ended%s.", degraded)
}

// AlertLines says, one sentence per alert rule, when it would have fired
// and how long users were hurt before it did.
func AlertLines(rec *report.Record) []string {
	out := make([]string, 0, len(rec.Alerts))
	for _, a := range rec.Alerts {
		out = append(out, "Alert "+a.Line()+".")
	}
	return out
}

// fmtS formats seconds without trailing zeros: 12s, 0.5s.
func fmtS(v float64) string { return report.FormatS(v) }

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

// figureRows are the headline figures as label and value, in report order,
// for the table, Markdown and HTML. The terminal table gives each latency
// figure a row of its own; the documents (paired) put a peak beside its
// bound and list the errors by class.
func figureRows(rec *report.Record, paired bool) [][2]string {
	s := rec.Summary
	rows := [][2]string{
		{"time_to_scale", fmtFigure(s.TimeToScaleS, s.TimeToScaleStatus)},
		{"p99_recovery", fmtFigure(s.P99RecoveryS, s.P99RecoveryStatus)},
	}
	if s.RecoveryCause != "" {
		rows = append(rows, [2]string{"recovery_cause", s.RecoveryCause})
	}
	if r := s.Recovery; r.AtS != nil {
		at := fmt.Sprintf("%s, %s offered", fmtS(*r.AtS), fmtRate(r.OfferedRPS))
		if len(rec.ScaleEvents) > 0 {
			at += fmt.Sprintf(", %d replicas", r.Replicas)
		}
		rows = append(rows, [2]string{"healthy again at", at})
	}
	rows = append(rows, [][2]string{
		{"time_to_degrade", fmtFigure(s.TimeToDegradeS, "none")},
		{"degraded_for", fmtS(s.DegradedForS)},
	}...)
	if paired {
		rows = append(rows,
			[2]string{"peak p99 / p99.9 / max", fmt.Sprintf("%s / %s / %s", fmtLatency(s.PeakP99Ms, s.OK), fmtLatency(s.PeakP999Ms, s.OK), fmtLatency(s.MaxMs, s.OK))},
			[2]string{"baseline p99 (healthy bound)", fmt.Sprintf("%s (%s)", fmtLatency(s.BaselineP99Ms, s.OK), fmtBound(s.HealthyP99Ms))},
		)
	} else {
		rows = append(rows,
			[2]string{"peak p99", fmtLatency(s.PeakP99Ms, s.OK)},
			[2]string{"peak p99.9", fmtLatency(s.PeakP999Ms, s.OK)},
			[2]string{"max", fmtLatency(s.MaxMs, s.OK)},
			[2]string{"baseline p99", fmtLatency(s.BaselineP99Ms, s.OK)},
			[2]string{"healthy p99 bound", fmtBound(s.HealthyP99Ms)},
		)
	}
	rows = append(rows, [2]string{"error ratio (peak)", fmt.Sprintf("%s (%s)", fmtPct(s.ErrorRatio), fmtPct(s.PeakErrorRatio))})
	if paired {
		rows = append(rows, [2]string{"errors", fmtCounts(s.Errors)})
	}
	rows = append(rows, [2]string{"apdex (min)", fmt.Sprintf("%.2f (%.2f)", s.Apdex, s.MinApdex)})
	if rec.Model == report.ModelClosed {
		rows = append(rows, [2]string{"achieved rate", fmtRate(s.AchievedRPS)})
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
		[2]string{"send lateness p99", latenessP99(rec)},
	)
}

// latenessP99 is the run's send lateness p99, or "unknown" for input that
// has no intended send times (vegeta results).
func latenessP99(rec *report.Record) string {
	if rec.Generator.LatenessUnknown {
		return "unknown"
	}
	return report.FormatMs(rec.Generator.LatenessP99Ms)
}

// fmtRate writes a rate in requests per second.
func fmtRate(rps float64) string { return fmt.Sprintf("%.0f/s", rps) }
