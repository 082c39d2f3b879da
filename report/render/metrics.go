package render

import (
	"fmt"
	"io"

	"github.com/burstlab/burstlab/report"
)

// Metrics renders the headline figures as `name value` lines, the format of
// GitLab's metrics report (artifacts:reports:metrics), which shows how each
// changed against the target branch in a merge request. Names are the JSON
// summary's, units in the name; a figure with no value (not reached, no
// burst) is left out rather than written as 0.
type Metrics struct{}

// Render implements Renderer.
func (Metrics) Render(w io.Writer, rec *report.Record) error {
	s := rec.Summary
	lines := []struct {
		name string
		v    *float64
	}{
		{"time_to_scale_s", s.TimeToScaleS},
		{"p99_recovery_s", s.P99RecoveryS},
		{"time_to_degrade_s", s.TimeToDegradeS},
		{"degraded_for_s", &s.DegradedForS},
		{"scale_reaction_s", s.ScaleReactionS},
		{"scale_complete_s", s.ScaleCompleteS},
		{"p50_ms", &s.P50Ms},
		{"p99_ms", &s.P99Ms},
		{"p999_ms", &s.P999Ms},
		{"max_ms", &s.MaxMs},
		{"peak_p99_ms", &s.PeakP99Ms},
		{"baseline_p99_ms", &s.BaselineP99Ms},
		{"error_ratio", &s.ErrorRatio},
		{"peak_error_ratio", &s.PeakErrorRatio},
		{"apdex", &s.Apdex},
		{"min_apdex", &s.MinApdex},
		{"achieved_rps", &s.AchievedRPS},
		{"send_lateness_p99_ms", &rec.Generator.LatenessP99Ms},
	}
	for _, l := range lines {
		if l.v == nil {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s %s\n", l.name, fmtMetric(*l.v)); err != nil {
			return err
		}
	}
	return nil
}

func fmtMetric(v float64) string { return fmt.Sprintf("%.6g", v) }
