package report

import "fmt"

// StatusStopped is the status of a figure that needs the burst's end when
// the run stopped before it.
const StatusStopped = "run stopped before the burst ended"

// StoppedBeforeBurstEnded reports whether the run was stopped (or died)
// before its burst ended: the figures that need the whole burst were not
// measured, and a null among them means unknown, never "it never happened".
func (r *Record) StoppedBeforeBurstEnded() bool {
	return r.Stopped && r.Burst.Source != BurstNone && r.StoppedAtS != nil && *r.StoppedAtS <= r.Burst.EndS
}

// stoppedFigures marks the summary of a stopped (or incomplete) run: the
// gate-able stopped and stopped_at_s, and the figures that need the burst's
// end, which a run stopped before B1 cannot have. Only a time_to_scale
// reached before the stop was measured: "no degradation" so far is not the
// target absorbing a burst it never saw whole.
func stoppedFigures(rec *Record) {
	s := &rec.Summary
	s.Stopped, s.StoppedAtS = rec.Stopped, rec.StoppedAtS
	if !rec.StoppedBeforeBurstEnded() {
		return
	}
	if s.TimeToScaleStatus != StatusReached {
		s.TimeToScaleS, s.TimeToScaleStatus = nil, StatusStopped
	}
	s.P99RecoveryS, s.P99RecoveryStatus = nil, StatusStopped
}

// stoppedWarning says how much of the plan a stopped run covered.
func stoppedWarning(rec *Record) string {
	s := rec.Summary
	at := "before its plan ended"
	if rec.StoppedAtS != nil {
		at = fmt.Sprintf("at %s of %s", FormatS(*rec.StoppedAtS), FormatS(rec.DurationS))
	}
	msg := fmt.Sprintf("the run was stopped %s: %d of %d planned requests were never sent; the figures cover what was measured", at, s.Errors["unsent"], s.Offered)
	if rec.Incomplete {
		msg = fmt.Sprintf("incomplete record: the run did not finish writing it (killed, or the disk filled); it holds the %d windows final by %s of %s",
			len(rec.Windows), FormatS(derefOr(rec.StoppedAtS, 0)), FormatS(rec.DurationS))
	}
	return msg
}

func derefOr(p *float64, v float64) float64 {
	if p == nil {
		return v
	}
	return *p
}
