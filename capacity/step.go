package capacity

import (
	"fmt"
	"strings"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

// Verdict is what a step says about the target.
type Verdict string

// Step verdicts.
const (
	Pass      Verdict = "pass"      // the target held this level
	Fail      Verdict = "fail"      // the target did not: p99, errors or a gate
	Generator Verdict = "generator" // the generator could not keep the schedule: nothing is known of the target
	Stopped   Verdict = "stopped"   // interrupted before the step ended: not judged
	// Unsettled: the target was still working off an earlier step's
	// overload when the step was due; it was not run.
	Unsettled Verdict = "unsettled"
)

// Step is one measured level of a search.
type Step struct {
	N      int     `json:"n"`      // 1 for the first step
	Level  float64 `json:"level"`  // the level searched: rate_rps for a steady search, factor for a burst search
	Factor float64 `json:"factor"` // what the profile's scaled streams were multiplied by (1 for an ad-hoc attack)
	// RateRPS is the offered rate: the step's rate, or the scaled plan's
	// peak per-second rate.
	RateRPS float64 `json:"rate_rps"`
	// P99Ms is the p99 the step is judged by: of the windows after the
	// warm-up for a steady step, the worst window's for a burst step.
	P99Ms      float64 `json:"p99_ms"`
	ErrorRatio float64 `json:"error_ratio"` // of the judged windows (steady), of the run (burst)
	// LatenessP99Ms is the send lateness the step is judged by: the worst
	// judged window's for a steady step (the warm-up may hold an earlier
	// step's backlog), the whole run's for a burst step.
	LatenessP99Ms float64 `json:"lateness_p99_ms"`
	// PeakInFlight is the most requests the step had in flight at once.
	PeakInFlight int64 `json:"peak_in_flight"`
	// SettleS is how long the search waited, before the step, for the
	// target to work off an earlier step's overload (0: it did not wait).
	SettleS float64       `json:"settle_s"`
	Sent    int64         `json:"sent"`
	Verdict Verdict       `json:"verdict"`
	Reason  string        `json:"reason,omitempty"` // why it failed, in a few words
	Gates   []gate.Result `json:"gates,omitempty"`  // the step gates on its record
	Record  string        `json:"record,omitempty"` // the step's record directory, when kept
}

// Criteria judge a step's record.
type Criteria struct {
	SLOP99Ms      float64     // steady: the judged p99 must be at most this (0: no bound)
	MaxErrorRatio float64     // steady: the judged error ratio must be at most this
	Gates         []gate.Gate // on the step's record, both modes
}

// judgeSteady judges a steady step: the windows after the warm-up must be
// within the SLO and the error bound, and the gates must hold. A saturated
// generator makes the step say nothing, unless the target failed anyway:
// its p99 less the send lateness still over the SLO, or its errors over the
// bound.
func (c Criteria) judgeSteady(st *Step, rec *report.Record) {
	st.fromRecord(rec)
	p99, errs, late, judged := steadyFigures(rec)
	st.P99Ms, st.ErrorRatio, st.LatenessP99Ms = p99, errs, late
	if !judged {
		// Stopped in its warm-up: what it measured until then.
		st.P99Ms = rec.Summary.P99Ms
	}
	var why []string
	overSLO := c.SLOP99Ms > 0 && p99 > c.SLOP99Ms
	if overSLO {
		why = append(why, fmt.Sprintf("p99 %s > SLO %s", report.FormatMs(p99), report.FormatMs(c.SLOP99Ms)))
	}
	if errs > c.MaxErrorRatio {
		why = append(why, fmt.Sprintf("errors %s > %s", pct(errs), pct(c.MaxErrorRatio)))
	}
	why = append(why, c.gates(st, rec)...)
	targetFailed := errs > c.MaxErrorRatio || len(st.Gates) > 0 && gate.Failed(st.Gates) > 0 ||
		c.SLOP99Ms > 0 && p99-late > c.SLOP99Ms
	st.judge(rec, late > rec.Settings.LatenessBoundMs, why, targetFailed)
}

// judgeBurst judges a burst step by its gates. A saturated generator did
// not send the burst asked for, so the step says nothing, unless the target
// failed anyway: a failed gate with a window whose p99 less its send
// lateness is still over the healthy bound, or with errors over the bound.
func (c Criteria) judgeBurst(st *Step, rec *report.Record) {
	st.fromRecord(rec)
	st.P99Ms, st.ErrorRatio = rec.Summary.PeakP99Ms, rec.Summary.ErrorRatio
	why := c.gates(st, rec)
	st.judge(rec, rec.Generator.Saturated, why, len(why) > 0 && targetOverloaded(rec))
}

// judge gives the step its verdict, the same in both modes: an
// interrupted run is not judged; a generator behind its schedule makes the
// step say nothing unless targetFailed, the target failing beyond what the
// generator's lateness explains; otherwise the step fails for why, the
// failures found, or passes when there are none.
func (st *Step) judge(rec *report.Record, behind bool, why []string, targetFailed bool) {
	switch {
	case rec.Stopped:
		st.Verdict, st.Reason = Stopped, "interrupted"
	case behind && !targetFailed:
		st.Verdict, st.Reason = Generator, generatorReason(st, rec)
	case len(why) > 0:
		st.Verdict, st.Reason = Fail, strings.Join(why, ", ")
	default:
		st.Verdict = Pass
	}
}

// targetOverloaded reports whether rec shows the target failing beyond
// what the generator's lateness explains: a window's p99 less its send
// lateness over the healthy bound, or the run's errors over the bound.
func targetOverloaded(rec *report.Record) bool {
	if rec.Summary.ErrorRatio > rec.Settings.ErrorRatio {
		return true
	}
	for _, w := range rec.Windows {
		if w.Completed > 0 && w.P99Ms-w.LatenessP99Ms > rec.Summary.HealthyP99Ms {
			return true
		}
	}
	return false
}

// gates evaluates the step gates on rec and returns the failed ones' lines.
func (c Criteria) gates(st *Step, rec *report.Record) []string {
	if len(c.Gates) == 0 {
		return nil
	}
	st.Gates = gate.Evaluate(rec, c.Gates)
	var why []string
	for _, r := range st.Gates {
		if !r.Pass {
			why = append(why, r.Line())
		}
	}
	return why
}

// fromRecord copies what every step shows from its record.
func (st *Step) fromRecord(rec *report.Record) {
	st.LatenessP99Ms = rec.Generator.LatenessP99Ms
	st.PeakInFlight = rec.Generator.PeakInFlight
	st.Sent = rec.Summary.Sent
}

// steadyFigures are the p99, the error ratio and the send lateness (the
// worst window's p99) of the windows after the warm-up, and whether there
// were any. The p99 is the record's baseline p99 (the merged histogram of
// those windows) when the load had no burst, as a constant rate has not;
// a profile whose offered rate stands out somewhere is judged by its worst
// window instead, so the part after a detected burst is judged too.
func steadyFigures(rec *report.Record) (p99, errRatio, late float64, judged bool) {
	var t report.Tally
	worst := 0.0
	for _, w := range rec.Windows {
		if w.StartS < rec.Settings.WarmupS-1e-9 {
			continue
		}
		t.Completed += w.Completed
		t.OK += w.OK
		if w.Completed > 0 {
			worst = max(worst, w.P99Ms)
		}
		if w.Sent > 0 {
			late = max(late, w.LatenessP99Ms)
		}
	}
	if t.Completed > 0 {
		errRatio = float64(t.Completed-t.OK) / float64(t.Completed)
	}
	if rec.Burst.Source == report.BurstNone {
		return rec.Summary.BaselineP99Ms, errRatio, late, t.Completed > 0
	}
	return worst, errRatio, late, t.Completed > 0
}

// generatorBehind starts the reason of a step whose generator fell behind.
const generatorBehind = "generator behind: "

// generatorReason says how far behind the generator fell, and with how
// many requests in flight, while the target kept up.
func generatorReason(st *Step, rec *report.Record) string {
	return fmt.Sprintf(generatorBehind+"sends p99 %s late (bound %s) with up to %s in flight, while the target kept up",
		report.FormatMs(st.LatenessP99Ms), report.FormatMs(rec.Settings.LatenessBoundMs), thousands(float64(st.PeakInFlight)))
}

func pct(r float64) string { return fmt.Sprintf("%.2f%%", r*100) }
