package capacity

import (
	"context"
	"fmt"
	"math"
)

// Search is how a search moves between levels: a rate in requests per
// second for a steady search, a factor on the burst streams for a burst
// search.
type Search struct {
	From, To  float64 // the first level and the highest one tried
	Growth    float64 // each level over the previous one until a step fails (2: doubling)
	Precision float64 // bisection stops when the first failing level is within this of the last passing one (0.05: 5%)
	MaxSteps  int     // a bound on steps whatever else happens (default 40)
}

// Measure runs the step at level x and judges it.
type Measure func(ctx context.Context, x float64) (Step, error)

// Check says what is wrong with s, nil when nothing is.
func (s Search) Check() error {
	switch {
	case !(s.From > 0) || math.IsInf(s.From, 0):
		return fmt.Errorf("the first level must be > 0, got %g", s.From)
	case !(s.To >= s.From) || math.IsInf(s.To, 0):
		return fmt.Errorf("the highest level %g is below the first, %g", s.To, s.From)
	case !(s.Growth > 1) || s.Growth > 100:
		return fmt.Errorf("growth must be within (1, 100], got %g", s.Growth)
	case !(s.Precision > 0) || s.Precision > 1:
		return fmt.Errorf("precision must be within (0, 100%%], got %g", s.Precision)
	}
	return nil
}

// Walk runs the search: measure at each level it chooses, observe after
// each step. It returns the steps in the order they ran. An error from
// measure ends the walk with the steps so far (and the failing step, when
// it has a verdict).
func (s Search) Walk(ctx context.Context, measure Measure, observe func(Step)) ([]Step, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	maxSteps := s.MaxSteps
	if maxSteps <= 0 {
		maxSteps = 40
	}
	var steps []Step
	pass, fail := 0.0, 0.0 // the highest passing and lowest failing levels, 0: none yet
	x := s.From
	retried := false // the last step is a second try at its level
	for len(steps) < maxSteps {
		st, err := measure(ctx, x)
		if st.Verdict == "" { // nothing was measured
			return steps, err
		}
		st.Level = x
		st.N = len(steps) + 1
		steps = append(steps, st)
		if observe != nil {
			observe(st)
		}
		if err != nil {
			return steps, err
		}
		switch st.Verdict {
		case Pass:
			pass = x
		case Fail:
			fail = x
		case Generator:
			// A generator that fell behind once may have met a passing
			// hiccup of the machine; behind twice at one level, it is
			// the limit.
			if retried {
				return steps, nil
			}
			retried = true
			continue
		default: // stopped
			return steps, nil
		}
		retried = false
		if fail == 0 {
			if x >= s.To {
				return steps, nil
			}
			x = min(x*s.Growth, s.To)
			continue
		}
		if pass == 0 || fail/pass <= 1+s.Precision {
			return steps, nil
		}
		x = between(pass, fail)
	}
	return steps, nil
}

// between is the geometric midpoint of lo and hi, rounded to three
// significant digits when that keeps it strictly between them, so a
// table reads 1130/s rather than 1131.37/s.
func between(lo, hi float64) float64 {
	mid := math.Sqrt(lo * hi)
	if r := roundSig(mid, 3); r > lo && r < hi {
		return r
	}
	return mid
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	p := math.Pow(10, float64(n-1)-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}
