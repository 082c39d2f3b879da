package report

import (
	"fmt"
	"math"
)

// Analyze judges every window healthy or degraded and computes the summary
// figures from the window series, the burst window, the baseline p99 and the
// scale timeline already in rec. It can be run again on a loaded record.
func Analyze(rec *Record) {
	s := &rec.Summary
	st := rec.Settings
	s.sumWindows(rec.Windows)
	s.AchievedRPS = 0
	if rec.DurationS > 0 {
		s.AchievedRPS = RoundTo(float64(s.Completed)/rec.DurationS, 1)
	}
	s.HealthyP99Ms = math.Max(st.SLOP99Ms, s.BaselineP99Ms*st.Tolerance)
	rec.Generator.Saturated = rec.Generator.LatenessP99Ms > st.LatenessBoundMs
	s.GeneratorSaturated = rec.Generator.Saturated
	rec.Invalid = generatorFailed(rec)

	j := judge(rec)
	baseline, baseDegraded := j.degradation(rec)
	s.TimeToDegradeS, s.TimeToScaleS, s.P99RecoveryS = nil, nil, nil
	if rec.Burst.Source == BurstNone {
		s.TimeToScaleStatus, s.P99RecoveryStatus = StatusNoBurst, StatusNoBurst
	} else {
		j.burstFigures(rec)
	}
	stoppedFigures(rec)
	analyzeScale(rec)
	analyzeRecovery(rec, j)
	s.Warnings = warnings(rec, baseline, baseDegraded)
}

// sumWindows sets the run's counts, error ratios, apdex and peaks from its
// windows.
func (s *Summary) sumWindows(windows []Window) {
	s.Tally = Tally{Errors: Counts{}}
	s.PeakP99Ms, s.PeakP999Ms, s.PeakErrorRatio, s.MinApdex = 0, 0, 0, 1
	for _, win := range windows {
		s.Tally.add(win.Tally)
		if win.Completed > 0 {
			s.PeakP99Ms = math.Max(s.PeakP99Ms, win.P99Ms)
			s.PeakP999Ms = math.Max(s.PeakP999Ms, win.P999Ms)
			s.PeakErrorRatio = math.Max(s.PeakErrorRatio, win.ErrorRatio)
			s.MinApdex = math.Min(s.MinApdex, win.Apdex)
		}
	}
	s.ErrorRatio = s.errorRatio()
	s.ErrorRatios = Ratios{}
	if s.Completed > 0 {
		for k, v := range s.Errors {
			if k != "unsent" {
				s.ErrorRatios[k] = RoundTo(float64(v)/float64(s.Completed), 6)
			}
		}
	}
	s.Apdex = s.apdex()
}

// judgement is every window of a record judged. A window with requests
// planned but none completed (a stopped run) says nothing about the target:
// it is not known, so neither degraded nor part of a healthy run.
type judgement struct {
	healthy, known []bool
	window         float64 // seconds
	k              int     // healthy windows in a row that make a healthy run
}

// judge marks every window of rec healthy or degraded.
func judge(rec *Record) judgement {
	n := len(rec.Windows)
	j := judgement{healthy: make([]bool, n), known: make([]bool, n), window: rec.WindowS, k: max(rec.Settings.HealthyWindows, 1)}
	if j.window <= 0 {
		j.window = 1
	}
	for i := range rec.Windows {
		win := &rec.Windows[i]
		j.known[i] = win.Completed > 0 || win.Offered == 0
		p99, errs := rec.DegradedBy(win)
		win.Healthy = !p99 && !errs
		j.healthy[i] = win.Healthy
	}
	return j
}

// DegradedBy says what degrades window w against rec's bounds: its p99
// over the healthy bound (with one), its error ratio over the error bound.
// A window with nothing completed is degraded by neither.
func (r *Record) DegradedBy(w *Window) (p99, errors bool) {
	if w.Completed == 0 {
		return false, false
	}
	bound := r.Summary.HealthyP99Ms
	return bound > 0 && w.P99Ms > bound, w.ErrorRatio > r.Settings.ErrorRatio
}

// start is the start of window i, in seconds.
func (j judgement) start(i int) float64 { return float64(i) * j.window }

// healthyRun returns the first index >= from that starts k healthy windows,
// or -1.
func (j judgement) healthyRun(from int) int {
	c := 0
	for i := max(from, 0); i < len(j.healthy); i++ {
		if j.healthy[i] && j.known[i] {
			c++
			if c == j.k {
				return i - j.k + 1
			}
		} else {
			c = 0
		}
	}
	return -1
}

// degradation sets degraded_for and baseline_degraded, and returns how many
// known baseline windows there are and how many baseline windows were
// degraded.
func (j judgement) degradation(rec *Record) (baseline, baseDegraded int) {
	s := &rec.Summary
	s.DegradedForS = 0
	for i, h := range j.healthy {
		base := rec.Burst.Source != BurstNone && inBaseline(j.start(i), j.window, rec.Settings.WarmupS, rec.Burst.StartS, rec.Burst.Source)
		if base && j.known[i] {
			baseline++
		}
		if h {
			continue
		}
		s.DegradedForS += j.window
		if base {
			baseDegraded++
		}
	}
	s.DegradedForS = RoundTo(s.DegradedForS, 3)
	s.BaselineDegraded = baseDegraded > 0
	return baseline, baseDegraded
}

// burstFigures sets time_to_degrade, time_to_scale and p99_recovery.
func (j judgement) burstFigures(rec *Record) {
	s := &rec.Summary
	b0, b1 := rec.Burst.StartS, rec.Burst.EndS
	first, last := rec.Burst.Span(j.window)
	degraded := j.firstDegraded(first)
	if degraded >= 0 {
		s.TimeToDegradeS = ptr(math.Max(0, j.start(degraded)-b0))
	}
	switch {
	case degraded < 0 || degraded > last:
		s.TimeToScaleS, s.TimeToScaleStatus = ptr(0), StatusNoDegradation
	default:
		if i := j.healthyRun(degraded + 1); i >= 0 && i <= last {
			s.TimeToScaleS, s.TimeToScaleStatus = ptr(math.Max(0, j.start(i)-b0)), StatusReached
		} else {
			s.TimeToScaleStatus = StatusNotReached
		}
	}
	switch i := j.healthyRun(last); {
	case i == last || j.healthyTail(last):
		s.P99RecoveryS, s.P99RecoveryStatus = ptr(0), StatusHealthyAtEnd
	case i >= 0:
		s.P99RecoveryS, s.P99RecoveryStatus = ptr(math.Max(0, j.start(i)-b1)), StatusRecovered
	default:
		s.P99RecoveryStatus = StatusNotRecovered
	}
}

// firstDegraded is the first degraded window at or after window from, -1
// when there is none.
func (j judgement) firstDegraded(from int) int {
	for i := max(from, 0); i < len(j.healthy); i++ {
		if !j.healthy[i] {
			return i
		}
	}
	return -1
}

// healthyTail reports whether a burst whose last window is last ends so near
// the end of the run that fewer than K windows follow, all healthy: then it
// is healthy at B1.
func (j judgement) healthyTail(last int) bool {
	n := len(j.healthy)
	tail := last < n && n-last < j.k
	for i := max(last, 0); tail && i < n; i++ {
		tail = j.healthy[i] && j.known[i]
	}
	return tail
}

// saturation says that the generator fell behind, and where it fell
// furthest: the window, how many requests it sent there and at what rate,
// so a reader knows which instant one process could not send on time.
func saturation(rec *Record) string {
	msg := fmt.Sprintf("generator saturated: send lateness p99 %s is above the %s bound; the target saw less load than planned",
		FormatMs(rec.Generator.LatenessP99Ms), FormatMs(rec.Settings.LatenessBoundMs))
	worst := -1
	for i, w := range rec.Windows {
		if w.Sent > 0 && (worst < 0 || w.LatenessP99Ms > rec.Windows[worst].LatenessP99Ms) {
			worst = i
		}
	}
	if worst < 0 || rec.WindowS <= 0 {
		return msg
	}
	w := rec.Windows[worst]
	return msg + fmt.Sprintf(". Worst at %s: %d requests sent in %s (%.0f/s), lateness p99 %s; to send such an instant on time, split the plan over processes (burstlab run --shard i/n)",
		FormatS(w.StartS), w.Sent, FormatS(rec.WindowS), float64(w.Sent)/rec.WindowS, FormatMs(w.LatenessP99Ms))
}

// warnings lists what a reader must know before trusting the figures, most
// important first.
func warnings(rec *Record, baseline, baseDegraded int) []string {
	s := rec.Summary
	out := []string{}
	if rec.Invalid != "" {
		out = append(out, rec.Invalid)
	}
	if msg := Unreached(rec); msg != "" {
		out = append(out, msg)
	}
	if rec.Generator.Saturated {
		out = append(out, saturation(rec))
	}
	out = append(out, errorWarnings(rec)...)
	if rec.Stopped {
		out = append(out, stoppedWarning(rec))
	}
	if msg := partialWarning(rec); msg != "" {
		out = append(out, msg)
	}
	if rec.ScaleSignalFailure != "" {
		out = append(out, rec.ScaleSignalFailure)
	}
	if s.BaselineDegraded {
		out = append(out, fmt.Sprintf("baseline degraded: %d of %d windows before the burst were already degraded; the target was unhealthy before it began",
			baseDegraded, baseline))
	}
	if rec.Model == ModelClosed {
		// As fast as possible has no plan, hence no burst: nothing to warn of.
	} else if rec.Burst.Source == BurstNone {
		out = append(out, "no burst found in the offered rate: time_to_degrade, time_to_scale and p99_recovery are not defined")
	} else if baseline == 0 {
		out = append(out, "no baseline windows (the burst begins before warm-up ends): windows are judged against the SLO p99 alone")
	}
	if s.HealthyP99Ms <= 0 {
		out = append(out, "no SLO p99 and no baseline p99: windows are judged by their error ratio alone")
	}
	if rec.Clamped > 0 {
		out = append(out, fmt.Sprintf("%d latencies above 1 h were recorded as 1 h", rec.Clamped))
	}
	return out
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
	if rec.Burst.Source == BurstNone {
		// No burst, no B0: the scale figures would be measured from the
		// run's start and pass any gate. They are null.
		return
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

func ptr(x float64) *float64 { x = RoundTo(x, 3); return &x }
