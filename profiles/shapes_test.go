package profiles

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"
)

// clamp limits x to [lo, hi].
func clamp(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

// shapeCases pair a stream with its cumulative rate Λ(t), worked out by hand.
var shapeCases = []struct {
	name   string
	stream string
	cum    func(t float64) float64
}{
	{
		name:   "constant",
		stream: `{name: s, request: {path: /}, constant: {rate: 200, start: 5s, duration: 10s}}`,
		cum:    func(t float64) float64 { return 200 * clamp(t-5, 0, 10) },
	},
	{
		name:   "constant fractional rate",
		stream: `{name: s, request: {path: /}, constant: {rate: 2.5}}`,
		cum:    func(t float64) float64 { return 2.5 * t },
	},
	{
		// r(u) = 10 + 5u on [5, 25): Λ = 10u + 2.5u².
		name:   "ramp up",
		stream: `{name: s, request: {path: /}, ramp: {from: 10, to: 110, duration: 20s, start: 5s}}`,
		cum: func(t float64) float64 {
			u := clamp(t-5, 0, 20)
			return 10*u + 2.5*u*u
		},
	},
	{
		// r(u) = 300 − 10u on [0, 30): Λ = 300u − 5u².
		name:   "ramp down",
		stream: `{name: s, request: {path: /}, ramp: {from: 300, to: 0, duration: 30s}}`,
		cum: func(t float64) float64 {
			u := clamp(t, 0, 30)
			return 300*u - 5*u*u
		},
	},
	{
		// 0→100 in 10 s (5u²), hold 100 for 10 s, jump to 40 for 10 s, 40→0 in 20 s.
		name:   "stages",
		stream: `{name: s, request: {path: /}, stages: [{rate: 100, duration: 10s}, {rate: 100, duration: 10s}, {rate: 40, duration: 0s}, {rate: 40, duration: 10s}, {rate: 0, duration: 20s}]}`,
		cum: func(t float64) float64 {
			switch {
			case t < 10:
				return 5 * t * t
			case t < 20:
				return 500 + 100*(t-10)
			case t < 30:
				return 1500 + 40*(t-20)
			case t < 50:
				u := t - 30
				return 1900 + 40*u - u*u
			}
			return 2300
		},
	},
	{
		// base 50; at 10 s rise to 500 over 2 s, hold 5 s, fall over 3 s.
		name:   "spike",
		stream: `{name: s, request: {path: /}, spike: {base: 50, peak: 500, start: 10s, rise: 2s, hold: 5s, fall: 3s}}`,
		cum: func(t float64) float64 {
			extra := 0.0 // Λ above the base
			switch u := t - 10; {
			case u <= 0:
			case u < 2:
				extra = 225 * u * u / 2
			case u < 7:
				extra = 450 + 450*(u-2)
			case u < 10:
				v := u - 7
				extra = 450 + 2250 + 450*v - 150*v*v/2
			default:
				extra = 450 + 2250 + 675
			}
			return 50*t + extra
		},
	},
	{
		// 100 + 50 sin(2πt/20): Λ = 100t + (500/π)(1 − cos(2πt/20)).
		name:   "sine",
		stream: `{name: s, request: {path: /}, sine: {mean: 100, amplitude: 50, period: 20s}}`,
		cum: func(t float64) float64 {
			return 100*t + 500/math.Pi*(1-math.Cos(2*math.Pi*t/20))
		},
	},
	{
		// amplitude = mean: the rate touches 0 every period.
		name:   "sine full swing",
		stream: `{name: s, request: {path: /}, sine: {mean: 30, amplitude: 30, period: 7s, start: 3s, duration: 40s}}`,
		cum: func(t float64) float64 {
			u := clamp(t-3, 0, 40)
			return 30*u + 30*7/(2*math.Pi)*(1-math.Cos(2*math.Pi*u/7))
		},
	},
}

// TestShapeTotalsAndPerSecond checks even arrivals against the closed form:
// second [s, s+1) holds exactly ⌈Λ(s+1)⌉ − ⌈Λ(s)⌉ arrivals.
func TestShapeTotalsAndPerSecond(t *testing.T) {
	for _, tc := range shapeCases {
		t.Run(tc.name, func(t *testing.T) {
			pl := mustPlan(t, head+"streams:\n  - "+tc.stream+"\n")
			sp := pl.Streams[0]
			if want := ceilCount(tc.cum(60)); sp.Total != want {
				t.Errorf("total %d, want ⌈Λ(60)⌉ = %d", sp.Total, want)
			}
			for s := range sp.PerSecond {
				want := ceilCount(tc.cum(float64(s+1))) - ceilCount(tc.cum(float64(s)))
				if sp.PerSecond[s] != want {
					t.Errorf("second %d: %d arrivals, want %d", s, sp.PerSecond[s], want)
				}
			}
			// The schedule is sorted and every arrival k sits where Λ crosses k.
			var last time.Duration
			for k, a := range arrivals(pl) {
				if a.Intended < last {
					t.Fatalf("arrival %d at %v before %v", k, a.Intended, last)
				}
				last = a.Intended
				if got := tc.cum(a.Intended.Seconds()); math.Abs(got-float64(k)) > 1e-3 {
					t.Fatalf("arrival %d at %v: Λ = %v, want %d", k, a.Intended, got, k)
				}
			}
		})
	}
}

// TestPoissonTotals checks that Poisson arrivals keep the expected total
// within a few standard deviations, for every shape.
func TestPoissonTotals(t *testing.T) {
	for _, tc := range shapeCases {
		t.Run(tc.name, func(t *testing.T) {
			pl := mustPlan(t, head+"streams:\n  - "+tc.stream[:len(tc.stream)-1]+", arrivals: poisson}\n")
			mean := tc.cum(60)
			if got := float64(pl.Streams[0].Total); math.Abs(got-mean) > 5*math.Sqrt(mean) {
				t.Errorf("total %v, want %v ± %v", got, mean, 5*math.Sqrt(mean))
			}
		})
	}
}

// ksExp returns the Kolmogorov–Smirnov statistic of samples against the
// unit exponential distribution.
func ksExp(samples []float64) float64 {
	xs := append([]float64(nil), samples...)
	slices.Sort(xs)
	n := float64(len(xs))
	d := 0.0
	for i, x := range xs {
		f := 1 - math.Exp(-x)
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	return d
}

// TestPoissonKolmogorovSmirnov checks that Poisson arrivals, mapped through
// Λ, have unit-exponential gaps (α = 0.01) on fixed seeds, for a constant
// and for time-varying shapes.
func TestPoissonKolmogorovSmirnov(t *testing.T) {
	for _, tc := range shapeCases {
		for _, seed := range []int{1, 2, 3} {
			src := head + "streams:\n  - " + tc.stream[:len(tc.stream)-1] + ", arrivals: poisson}\n"
			pl := mustPlan(t, replace(src, "seed: 7", "seed: "+strconv.Itoa(seed)))
			var gaps []float64
			prev := 0.0
			for _, a := range arrivals(pl) {
				x := tc.cum(a.Intended.Seconds())
				gaps = append(gaps, x-prev)
				prev = x
			}
			if len(gaps) < 100 {
				t.Fatalf("%s seed %d: only %d arrivals", tc.name, seed, len(gaps))
			}
			crit := 1.628 / math.Sqrt(float64(len(gaps)))
			if d := ksExp(gaps); d > crit {
				t.Errorf("%s seed %d: KS D = %.4f > %.4f (α = 0.01, n = %d)", tc.name, seed, d, crit, len(gaps))
			}
		}
	}
}
