package capacity

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/burstlab/burstlab/burst"
	"github.com/burstlab/burstlab/report"
)

// A steady search against a shared target (targets on stdin) meets, after a
// step the target did not hold, a target still working off that step's
// overload: its queue drains for seconds after the generator has stopped
// waiting for it. The next step would be judged on that backlog. So before
// such a step the search probes the target at its first rate, the rate the
// first step held, until a probe meets that step's p99 again.
const (
	probeLength = time.Second      // one probe
	settleLimit = 30 * time.Second // a target not settled by then is the search's answer
	// probeSlack is what a probe's p99 may exceed the first step's by:
	// twice it, or this much more, whichever is larger (at most the SLO).
	probeSlack = 10.0 // ms
)

// settleAfter waits, when the last step did not pass, until the target
// holds the search's first rate within the first passing step's p99 again.
// It returns a step that carries the wait (SettleS), or an Unsettled step
// when settleLimit passed first; the zero Step when no wait was needed.
func (spec Spec) settleAfter(ctx context.Context, res *Result, opt burst.Options) (Step, error) {
	n := len(res.Steps)
	if spec.Attack == nil || n == 0 || res.Steps[n-1].Verdict == Pass {
		return Step{}, nil
	}
	bound := spec.Criteria.SLOP99Ms
	for _, st := range res.Steps {
		if st.Verdict == Pass {
			bound = math.Min(bound, math.Max(2*st.P99Ms, st.P99Ms+probeSlack))
			break
		}
	}
	start := time.Now()
	var last *report.Record
	for time.Since(start) < settleLimit {
		rec, err := spec.probe(ctx, opt)
		if rec == nil || rec.Stopped || ctx.Err() != nil {
			return Step{}, err
		}
		last = rec
		if s := rec.Summary; s.OK > 0 && s.P99Ms <= bound && s.ErrorRatio <= spec.Criteria.MaxErrorRatio {
			waited := report.RoundTo(time.Since(start).Seconds(), 1)
			if opt.Progress != nil {
				fmt.Fprintf(opt.Progress, "burstlab: settled after %s: %s at p99 %s (within %s)\n",
					report.FormatS(waited), fmtRate(spec.Search.From), report.FormatMs(s.P99Ms), report.FormatMs(bound))
			}
			return Step{SettleS: waited}, nil
		}
	}
	s := last.Summary
	return Step{Verdict: Unsettled, SettleS: report.RoundTo(time.Since(start).Seconds(), 1), RateRPS: spec.Search.From,
		P99Ms: s.P99Ms, ErrorRatio: s.ErrorRatio,
		Reason: fmt.Sprintf("the target did not settle: after %s of probes at %s its p99 was still %s (errors %s), over %s",
			report.FormatS(settleLimit.Seconds()), fmtRate(spec.Search.From), report.FormatMs(s.P99Ms), pct(s.ErrorRatio), report.FormatMs(bound))}, nil
}

// probe sends the search's first rate for probeLength, recording nothing.
func (spec Spec) probe(ctx context.Context, opt burst.Options) (*report.Record, error) {
	a := *spec.Attack
	a.Rate, a.Duration, a.Warmup = spec.Search.From, probeLength, 0
	a.Name = "settle probe"
	return burst.Attack(ctx, a, burst.Options{Abort: opt.Abort})
}
