package report

import (
	"math"
)

// Definitions says what every figure of run.json means.
var Definitions = map[string]string{
	"offered":              "requests the plan scheduled",
	"sent":                 "requests that left the generator",
	"completed":            "sent requests that got a response or failed (timeouts included)",
	"error_ratio":          "(completed - ok) / completed",
	"latency":              "response end minus intended send time (free of coordinated omission), recorded in microseconds",
	"lateness":             "actual send time minus intended send time",
	"window":               "requests grouped by intended send time; a window is final once all its requests completed or timed out",
	"burst":                "[B0, B1]: first to last request planned by the streams marked burst, or the windows offering more than twice the median rate when none is marked",
	"baseline_p99_ms":      "p99 of the merged histogram of the windows after warm-up and before B0",
	"healthy_p99_ms":       "max(slo_p99, baseline_p99 x tolerance): a window is healthy when its p99 is at most this and its error ratio at most the error bound; otherwise degraded",
	"time_to_degrade_s":    "B0 to the start of the first degraded window at or after B0; null when none",
	"time_to_scale_s":      "B0 to the start of the first run of K healthy windows after the first degraded one, while the burst is on; 0 when the burst never degraded the target; null (not reached) when it stayed degraded until B1",
	"p99_recovery_s":       "B1 to the start of the first run of K healthy windows; 0 when healthy at B1; null (not recovered) when the run ended first",
	"degraded_for_s":       "total length of degraded windows",
	"peak_p99_ms":          "highest window p99",
	"peak_error_ratio":     "highest window error ratio",
	"apdex":                "(satisfied + tolerating/2) / completed; satisfied <= T, tolerating <= 4T, errors frustrated",
	"min_apdex":            "lowest window apdex",
	"scale_reaction_s":     "B0 to the target's first scale-up decision (or first rise in ready replicas when no decisions are known)",
	"scale_complete_s":     "B0 to the ready replica count reaching its peak",
	"generator_saturated":  "lateness p99 above lateness_bound_ms: the generator could not keep to the plan and the figures understate the offered load",
	"baseline_degraded":    "a baseline window was already degraded: the target was unhealthy before the burst",
	"replicas":             "ready replicas at the end of the window, from the target's scale timeline",
	"time_to_scale_status": "reached, no degradation, or not reached",
	"p99_recovery_status":  "recovered, healthy at burst end, or not recovered",
}

// Analyze judges every window healthy or degraded and computes the summary
// figures from the window series, the burst window, the baseline p99 and the
// scale timeline already in rec. It can be run again on a loaded record.
func Analyze(rec *Record) {
	s := &rec.Summary
	st := rec.Settings
	w := rec.WindowS
	b0, b1 := rec.Burst.StartS, rec.Burst.EndS

	s.Offered, s.Sent, s.Completed, s.OK = 0, 0, 0, 0
	s.Errors = Counts{}
	s.PeakP99Ms, s.PeakP999Ms, s.PeakErrorRatio, s.MinApdex = 0, 0, 0, 1
	for _, win := range rec.Windows {
		s.Offered += win.Offered
		s.Sent += win.Sent
		s.Completed += win.Completed
		s.OK += win.OK
		for k, v := range win.Errors {
			s.Errors[k] += v
		}
		if win.Completed > 0 {
			s.PeakP99Ms = math.Max(s.PeakP99Ms, win.P99Ms)
			s.PeakP999Ms = math.Max(s.PeakP999Ms, win.P999Ms)
			s.PeakErrorRatio = math.Max(s.PeakErrorRatio, win.ErrorRatio)
			s.MinApdex = math.Min(s.MinApdex, win.Apdex)
		}
	}
	if s.Completed > 0 {
		s.ErrorRatio = float64(s.Completed-s.OK) / float64(s.Completed)
	}
	s.HealthyP99Ms = math.Max(st.SLOP99Ms, s.BaselineP99Ms*st.Tolerance)

	healthy := make([]bool, len(rec.Windows))
	for i := range rec.Windows {
		win := &rec.Windows[i]
		win.Healthy = win.Completed == 0 || (win.P99Ms <= s.HealthyP99Ms && win.ErrorRatio <= st.ErrorRatio)
		healthy[i] = win.Healthy
	}
	start := func(i int) float64 { return float64(i) * w }
	first := int(math.Floor(b0/w + 1e-9)) // window holding B0
	last := int(math.Floor(b1/w + 1e-9))  // window holding B1
	k := max(st.HealthyWindows, 1)
	// runAt returns the first index >= from that starts k healthy windows.
	runAt := func(from int) int {
		n := 0
		for i := max(from, 0); i < len(healthy); i++ {
			if healthy[i] {
				n++
				if n == k {
					return i - k + 1
				}
			} else {
				n = 0
			}
		}
		return -1
	}

	s.DegradedForS = 0
	s.BaselineDegraded = false
	for i, h := range healthy {
		if h {
			continue
		}
		s.DegradedForS += w
		if start(i) >= st.WarmupS && start(i)+w <= b0 {
			s.BaselineDegraded = true
		}
	}

	s.TimeToDegradeS, s.TimeToScaleS, s.P99RecoveryS = nil, nil, nil
	degraded := -1
	for i := max(first, 0); i < len(healthy); i++ {
		if !healthy[i] {
			degraded = i
			break
		}
	}
	if degraded >= 0 {
		s.TimeToDegradeS = ptr(math.Max(0, start(degraded)-b0))
	}
	switch {
	case degraded < 0 || degraded > last:
		s.TimeToScaleS, s.TimeToScaleStatus = ptr(0), StatusNoDegradation
	default:
		if i := runAt(degraded + 1); i >= 0 && start(i) <= b1 {
			s.TimeToScaleS, s.TimeToScaleStatus = ptr(math.Max(0, start(i)-b0)), StatusReached
		} else {
			s.TimeToScaleStatus = StatusNotReached
		}
	}
	switch {
	case last < len(healthy) && runAt(last) == last:
		s.P99RecoveryS, s.P99RecoveryStatus = ptr(0), StatusHealthyAtEnd
	default:
		if i := runAt(last); i >= 0 {
			s.P99RecoveryS, s.P99RecoveryStatus = ptr(math.Max(0, start(i)-b1)), StatusRecovered
		} else {
			s.P99RecoveryStatus = StatusNotRecovered
		}
	}
	analyzeScale(rec)
}

// analyzeScale fills each window's replica count and the scale figures from
// the scale timeline.
func analyzeScale(rec *Record) {
	s := &rec.Summary
	s.ScaleReactionS, s.ScaleCompleteS, s.ReplicasStart, s.ReplicasPeak = nil, nil, 0, 0
	if len(rec.ScaleEvents) == 0 {
		return
	}
	b0 := rec.Burst.StartS
	// Ready replicas over time: events are in time order.
	ready := 0
	j := 0
	for i := range rec.Windows {
		end := float64(i+1) * rec.WindowS
		for j < len(rec.ScaleEvents) && rec.ScaleEvents[j].AtS <= end {
			if rec.ScaleEvents[j].Kind != "decision" {
				ready = rec.ScaleEvents[j].Replicas
			}
			j++
		}
		rec.Windows[i].Replicas = ready
	}
	peakAt := -1.0
	for _, e := range rec.ScaleEvents {
		if e.Kind == "decision" {
			continue
		}
		if e.AtS <= b0 {
			s.ReplicasStart = e.Replicas
		}
		if e.Replicas > s.ReplicasPeak {
			s.ReplicasPeak, peakAt = e.Replicas, e.AtS
		}
	}
	for _, e := range rec.ScaleEvents {
		if e.AtS < b0 {
			continue
		}
		if e.Kind == "decision" && e.Desired > e.Replicas {
			s.ScaleReactionS = ptr(e.AtS - b0)
			break
		}
	}
	if s.ScaleReactionS == nil {
		for _, e := range rec.ScaleEvents {
			if e.AtS >= b0 && e.Kind != "decision" && e.Replicas > s.ReplicasStart {
				s.ScaleReactionS = ptr(e.AtS - b0)
				break
			}
		}
	}
	if peakAt >= b0 && s.ReplicasPeak > s.ReplicasStart {
		s.ScaleCompleteS = ptr(peakAt - b0)
	}
}

func ptr(x float64) *float64 { x = roundTo(x, 3); return &x }
