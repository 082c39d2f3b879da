package capacity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/burstlab/burstlab/burst"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
)

// Search modes.
const (
	Steady     = "steady" // the highest steady rate within the SLO
	BurstMode  = "burst"  // the largest factor on the burst streams whose gates hold
	stepPrefix = "step-"
)

// Spec is one search: what it sends, how it moves, how it judges.
type Spec struct {
	Mode string
	// Attack is the ad-hoc load of a steady search (its Rate, Duration and
	// Warmup are set per step); nil when the load is Profile.
	Attack *burst.AttackSpec
	// Profile is the load of a burst search, or of a steady search with
	// all its streams scaled together.
	Profile *profiles.Profile
	Search  Search
	// Step and Warmup are the length of a steady attack step and its part
	// left unjudged; a profile's steps last its duration after its warm-up.
	Step, Warmup time.Duration
	Criteria     Criteria
}

// Find runs the search. opt.Out, when set, receives each step's record in
// step-NN/ and capacity.json, rewritten after every step so an interrupted
// search keeps what it measured; opt.Progress a line per step. Cancelling
// ctx stops the step under way and ends the search with the steps so far.
func Find(ctx context.Context, spec Spec, opt burst.Options) (*Result, error) {
	res, measure, err := spec.start()
	if err != nil {
		return nil, err
	}
	observe := func(st Step) {
		res.add(st)
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "burstlab: step %d: %s\n", st.N, res.stepLine(st))
		}
		if opt.Out != "" {
			_ = res.Save(opt.Out) // written again, and errors returned, at the end
		}
	}
	steps := 0
	run := func(ctx context.Context, x float64) (Step, error) {
		steps++
		settled, err := spec.settleAfter(ctx, res, opt)
		if err != nil || settled.Verdict == Unsettled {
			return settled, err
		}
		o := opt
		if opt.Out != "" {
			o.Out = filepath.Join(opt.Out, fmt.Sprintf("%s%02d", stepPrefix, steps))
		}
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "burstlab: step %d: %s ...\n", steps, res.levelName(x))
		}
		st, err := measure(ctx, x, o)
		if o.Out != "" && st.Verdict != "" {
			st.Record = filepath.Base(o.Out)
		}
		st.SettleS = settled.SettleS
		return st, err
	}
	// Every step the walk took was observed, so res's answer is worked out.
	_, werr := spec.Search.Walk(ctx, run, observe)
	if werr != nil {
		res.failed(werr)
	}
	if opt.Out != "" {
		if err := res.Save(opt.Out); err != nil && werr == nil {
			werr = err
		}
	}
	return res, werr
}

// measureFunc runs one step at level x with the run options o.
type measureFunc func(ctx context.Context, x float64, o burst.Options) (Step, error)

// start checks the spec and returns the empty result and how to measure a
// step.
func (spec Spec) start() (*Result, measureFunc, error) {
	if err := spec.Search.Check(); err != nil {
		return nil, nil, err
	}
	res := newResult(spec)
	switch {
	case spec.Mode == BurstMode && spec.Profile != nil:
		return res, spec.burstStep, spec.checkBurst()
	case spec.Mode == Steady && spec.Profile != nil:
		pl, err := profiles.NewPlan(spec.Profile)
		if err != nil {
			return nil, nil, err
		}
		if pl.Burst.Marked {
			return nil, nil, fmt.Errorf("%s has burst streams: search the burst with --burst, or drop burst: true for a steady search", spec.Profile.Path())
		}
		return res, spec.steadyProfileStep(pl.PeakRate), nil
	case spec.Mode == Steady && spec.Attack != nil:
		if spec.Step <= spec.Warmup {
			return nil, nil, fmt.Errorf("a step (%v) must be longer than its warm-up (%v)", spec.Step, spec.Warmup)
		}
		return res, spec.steadyAttackStep, nil
	}
	return nil, nil, errors.New("capacity: a search needs a mode and a load")
}

// checkBurst refuses a burst search of a profile without burst streams or
// without gates to judge them by.
func (spec Spec) checkBurst() error {
	marked := false
	for i := range spec.Profile.Streams {
		marked = marked || spec.Profile.Streams[i].Burst
	}
	if !marked {
		return fmt.Errorf("%s marks no stream burst: true: a burst search scales the burst streams", spec.Profile.Path())
	}
	if len(spec.Criteria.Gates) == 0 {
		return errors.New("a burst search needs gates on the run, such as --gate 'p99_recovery < 30s' (or the profile's gates)")
	}
	return nil
}

// steadyAttackStep sends the attack at rate x for one step.
func (spec Spec) steadyAttackStep(ctx context.Context, x float64, o burst.Options) (Step, error) {
	a := *spec.Attack
	a.Rate, a.Duration, a.Warmup = x, spec.Step, spec.Warmup
	a.Name = fmt.Sprintf("%s at %s", spec.Attack.Name, fmtRate(x))
	rec, err := burst.Attack(ctx, a, o)
	if rec == nil {
		return Step{}, err
	}
	st := Step{Factor: 1, RateRPS: x}
	spec.Criteria.judgeSteady(&st, rec)
	return st, err
}

// steadyProfileStep runs the profile with all its streams scaled so that
// its peak per-second rate is x; peak is the unscaled profile's.
func (spec Spec) steadyProfileStep(peak float64) measureFunc {
	return func(ctx context.Context, x float64, o burst.Options) (Step, error) {
		f := x / peak
		rec, err := spec.runScaled(ctx, f, profiles.AllStreams, o)
		if rec == nil {
			return Step{}, err
		}
		st := Step{Factor: f, RateRPS: x}
		spec.Criteria.judgeSteady(&st, rec)
		return st, err
	}
}

// burstStep runs the profile with its burst streams scaled by x.
func (spec Spec) burstStep(ctx context.Context, x float64, o burst.Options) (Step, error) {
	rec, err := spec.runScaled(ctx, x, profiles.BurstStreams, o)
	if rec == nil {
		return Step{}, err
	}
	st := Step{Factor: x, RateRPS: peakRate(rec)}
	spec.Criteria.judgeBurst(&st, rec)
	return st, err
}

// runScaled runs the profile with the streams pick chooses scaled by f. A
// profile that targets the simulator gets a fresh one for the run.
func (spec Spec) runScaled(ctx context.Context, f float64, pick func(*profiles.Stream) bool, o burst.Options) (*report.Record, error) {
	q, err := spec.Profile.Scaled(f, pick)
	if err != nil {
		return nil, err
	}
	q.Name = fmt.Sprintf("%s ×%s", spec.Profile.Name, fmtFactor(f))
	return burst.Run(ctx, q, o)
}

// peakRate is the highest offered count of any window of rec, per second.
func peakRate(rec *report.Record) float64 {
	var top int64
	for _, w := range rec.Windows {
		top = max(top, w.Offered)
	}
	if rec.WindowS <= 0 {
		return 0
	}
	return math.Round(float64(top) / rec.WindowS)
}
