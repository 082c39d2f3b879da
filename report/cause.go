package report

import (
	"fmt"
	"math"
	"slices"
)

// Why a degraded target was healthy again. Recovery is the first run of K
// healthy windows after the first degraded window of the burst; its first
// window is the moment health returned. The cause compares that moment's
// offered rate with the burst's and the baseline's (medians of their
// windows): at or above the midpoint between them the burst was still on at
// full rate, below it the traffic had fallen back toward the baseline.
//
//   - scaled: healthy while the burst still ran at full rate, with more
//     ready replicas than at B0 (from scale events or the scale signal);
//   - traffic_subsided: healthy only once the offered rate had fallen, as in
//     the postmortem ("the latency resolved itself with a decrease in
//     traffic"), whatever the replicas did meanwhile;
//   - not_recovered: still degraded when the run ended;
//   - never_degraded: the burst never degraded the target;
//   - unknown: no burst, a closed-model run, or healthy at full rate with
//     no scale timeline to say whether capacity rose (or with a timeline
//     that shows no rise): the record cannot tell, and does not guess.
const (
	CauseScaled          = "scaled"
	CauseTrafficSubsided = "traffic_subsided"
	CauseNotRecovered    = "not_recovered"
	CauseNeverDegraded   = "never_degraded"
	CauseUnknown         = "unknown"
)

// RecoveryCauses lists every recovery cause, the words a gate on
// recovery_cause may compare with.
var RecoveryCauses = []string{CauseScaled, CauseTrafficSubsided, CauseNotRecovered, CauseNeverDegraded, CauseUnknown}

// Recovery is the evidence behind the recovery cause.
type Recovery struct {
	// DegradedAtS is the start of the burst's first degraded window, from
	// the start of the run: where the degradation recovered from began.
	// Null when the burst never degraded the target.
	DegradedAtS *float64 `json:"degraded_at_s"`
	AtS         *float64 `json:"at_s"`         // start of the first healthy run after the first degraded window, from the start of the run; null when none
	OfferedRPS  float64  `json:"offered_rps"`  // offered rate in the window at AtS
	BurstRPS    float64  `json:"burst_rps"`    // median offered rate of the burst's windows
	BaselineRPS float64  `json:"baseline_rps"` // median offered rate of the baseline windows (0 when there are none)
	InBurst     bool     `json:"in_burst"`     // AtS lies inside the burst window
	Replicas    int      `json:"replicas"`     // ready replicas at the end of the window at AtS; 0 without a scale timeline
	Why         string   `json:"why"`          // the cause and its evidence in one sentence
}

// analyzeRecovery sets the recovery cause and its evidence. It reads the
// windows' health and replicas, so it runs after judge and analyzeScale.
func analyzeRecovery(rec *Record, j judgement) {
	s := &rec.Summary
	s.Recovery = Recovery{}
	switch {
	case rec.Model == ModelClosed:
		s.RecoveryCause, s.Recovery.Why = CauseUnknown, "a closed-model run has no burst to recover from"
		return
	case rec.Burst.Source == BurstNone:
		s.RecoveryCause, s.Recovery.Why = CauseUnknown, "no burst found in the offered rate"
		return
	}
	first, last := rec.Burst.Span(j.window)
	r := &s.Recovery
	r.BurstRPS, r.BaselineRPS = offeredRates(rec, j, first, last)
	degraded := j.firstDegraded(first)
	if degraded < 0 || degraded > last {
		s.RecoveryCause, r.Why = CauseNeverDegraded, "the burst never degraded the target"
		if rec.StoppedBeforeBurstEnded() {
			s.RecoveryCause, r.Why = CauseUnknown, fmt.Sprintf("the run was stopped at %s, before the burst ended, with no degradation measured until then", FormatS(*rec.StoppedAtS))
		}
		return
	}
	r.DegradedAtS = ptr(j.start(degraded))
	back := j.healthyRun(degraded + 1)
	if back < 0 {
		s.RecoveryCause, r.Why = CauseNotRecovered, "still degraded when the run ended"
		if rec.Stopped {
			r.Why = "still degraded when the run was stopped"
		}
		return
	}
	w := rec.Windows[back]
	r.AtS = ptr(j.start(back))
	r.OfferedRPS = RoundTo(float64(w.Offered)/j.window, 1)
	r.InBurst = back <= last
	r.Replicas = w.Replicas
	full := r.InBurst && r.OfferedRPS >= (r.BurstRPS+r.BaselineRPS)/2
	at := fmt.Sprintf("healthy again at %s with %s offered (burst %s, baseline %s)",
		FormatS(*r.AtS), fmtRPS(r.OfferedRPS), fmtRPS(r.BurstRPS), fmtRPS(r.BaselineRPS))
	replicas := "no scale timeline"
	if len(rec.ScaleEvents) > 0 {
		replicas = fmt.Sprintf("%d replicas ready, %d at the burst's start", r.Replicas, s.ReplicasStart)
	}
	switch {
	case !full:
		s.RecoveryCause = CauseTrafficSubsided
		r.Why = fmt.Sprintf("%s: only once the traffic had fallen back toward the baseline; %s", at, replicas)
	case len(rec.ScaleEvents) == 0:
		s.RecoveryCause = CauseUnknown
		r.Why = fmt.Sprintf("%s: while the burst still ran at full rate, but the record has no scale timeline to say whether capacity rose", at)
	case r.Replicas > s.ReplicasStart:
		s.RecoveryCause = CauseScaled
		r.Why = fmt.Sprintf("%s: while the burst still ran at full rate; %s", at, replicas)
	default:
		s.RecoveryCause = CauseUnknown
		r.Why = fmt.Sprintf("%s: while the burst still ran at full rate, with no more replicas than at its start (%d): not from scaling", at, s.ReplicasStart)
	}
}

// offeredRates returns the median offered rate, per second, of the burst's
// windows (first..last) and of the baseline windows.
func offeredRates(rec *Record, j judgement, first, last int) (burst, baseline float64) {
	var in, base []float64
	for i, w := range rec.Windows {
		rate := float64(w.Offered) / j.window
		switch {
		case i >= first && i <= last:
			in = append(in, rate)
		case inBaseline(j.start(i), j.window, rec.Settings.WarmupS, rec.Burst.StartS, rec.Burst.Source):
			base = append(base, rate)
		}
	}
	return RoundTo(median(in), 1), RoundTo(median(base), 1)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// fmtRPS writes a rate in requests per second.
func fmtRPS(v float64) string {
	if v == math.Trunc(v) || v >= 100 {
		return fmt.Sprintf("%.0f/s", v)
	}
	return fmt.Sprintf("%.1f/s", v)
}
