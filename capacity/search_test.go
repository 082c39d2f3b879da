package capacity

import (
	"context"
	"strings"
	"testing"
)

// boundary is a target that holds every level up to k, and whose generator
// gives out above gen (0: never).
func boundary(k, gen float64, seen *[]float64) Measure {
	return func(_ context.Context, x float64) (Step, error) {
		*seen = append(*seen, x)
		switch {
		case gen > 0 && x > gen:
			return Step{Verdict: Generator, Reason: "generator saturated"}, nil
		case x <= k:
			return Step{Verdict: Pass, RateRPS: x, Sent: int64(x)}, nil
		}
		return Step{Verdict: Fail, Reason: "p99 250ms > SLO 100ms", RateRPS: x, Sent: int64(x)}, nil
	}
}

func TestWalk(t *testing.T) {
	s := Search{From: 100, To: 50000, Growth: 2, Precision: 0.05}
	tests := []struct {
		name      string
		k, gen    float64
		s         Search
		limit     string
		wantSteps int // at most
	}{
		{"found", 1234, 0, s, LimitTarget, 12},
		{"found at the first level", 120, 0, s, LimitTarget, 8},
		{"first step fails", 50, 0, s, LimitFirstStep, 1},
		{"ceiling", 1e9, 0, s, LimitCeiling, 11},
		{"generator", 1e9, 3000, s, LimitGenerator, 7},
		{"fine precision", 1234, 0, Search{From: 100, To: 50000, Growth: 2, Precision: 0.01}, LimitTarget, 15},
	}
	for _, tt := range tests {
		var seen []float64
		steps, err := tt.s.Walk(context.Background(), boundary(tt.k, tt.gen, &seen), nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		r := &Result{Mode: Steady, Steps: steps}
		r.finish()
		if r.Limit != tt.limit || len(steps) > tt.wantSteps {
			t.Errorf("%s: limit %q after %d steps %v, want %q within %d steps", tt.name, r.Limit, len(steps), seen, tt.limit, tt.wantSteps)
			continue
		}
		// The search never climbs past its first failing level.
		firstFail := 0.0
		for _, x := range seen {
			if firstFail > 0 && x > firstFail {
				t.Errorf("%s: measured %g after %g failed: %v", tt.name, x, firstFail, seen)
			}
			if x > tt.k && firstFail == 0 {
				firstFail = x
			}
		}
		switch tt.limit {
		case LimitTarget:
			c := *r.CapacityRPS
			if c > tt.k || c < tt.k/(1+tt.s.Precision) {
				t.Errorf("%s: capacity %g, want within %g%% below %g (steps %v)", tt.name, c, tt.s.Precision*100, tt.k, seen)
			}
			if !strings.Contains(r.Line, "capacity "+fmtRate(c)) {
				t.Errorf("%s: answer line %q lacks the capacity", tt.name, r.Line)
			}
		case LimitGenerator:
			if r.CapacityRPS != nil || !r.GeneratorLimited || !strings.Contains(r.Line, "the generator, not the target, is the limit") {
				t.Errorf("%s: capacity %v, line %q: want no capacity and the generator named", tt.name, r.CapacityRPS, r.Line)
			}
		case LimitFirstStep:
			if r.Found || !strings.Contains(r.Line, "even the first step fails") {
				t.Errorf("%s: found %v, line %q", tt.name, r.Found, r.Line)
			}
		case LimitCeiling:
			if c := r.CapacityRPS; c == nil || *c != tt.s.To {
				t.Errorf("%s: capacity %v, want the ceiling %g as a lower bound", tt.name, c, tt.s.To)
			}
		}
	}
}

func TestSearchCheck(t *testing.T) {
	for _, s := range []Search{
		{From: 0, To: 10, Growth: 2, Precision: 0.05},
		{From: 10, To: 5, Growth: 2, Precision: 0.05},
		{From: 1, To: 5, Growth: 1, Precision: 0.05},
		{From: 1, To: 5, Growth: 2, Precision: 0},
	} {
		if s.Check() == nil {
			t.Errorf("%+v passed its check", s)
		}
	}
}

// A generator that falls behind once (a busy moment of the machine) costs a
// second try at that level, not the search.
func TestWalkRetriesAGeneratorHiccup(t *testing.T) {
	var seen []float64
	hiccup := true
	measure := func(ctx context.Context, x float64) (Step, error) {
		if x == 400 && hiccup {
			hiccup = false
			seen = append(seen, x)
			return Step{Verdict: Generator}, nil
		}
		return boundary(1000, 0, &seen)(ctx, x)
	}
	s := Search{From: 100, To: 50000, Growth: 2, Precision: 0.05}
	steps, err := s.Walk(context.Background(), measure, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &Result{Mode: Steady, Steps: steps}
	r.finish()
	if !r.Found || *r.CapacityRPS < 1000/1.05 || seen[2] != 400 || seen[3] != 400 {
		t.Errorf("capacity %v after %v: want 400 tried twice and a capacity near 1000", r.CapacityRPS, seen)
	}
}
