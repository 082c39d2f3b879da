package profiles

import (
	"math"
	"sort"
)

// rateFunc is a stream's rate r(t) in requests per second, t in seconds from
// the start of the run, with its cumulative Λ(t) = ∫₀ᵗ r and the inverse
// the arrivals are drawn from. Λ is continuous and non-decreasing.
type rateFunc interface {
	// total is Λ at the end of the stream (clipped to the run).
	total() float64
	// cum is Λ(t).
	cum(t float64) float64
	// inv is inf{t : Λ(t) > x}, for 0 <= x < total().
	inv(x float64) float64
	// rate is r(t).
	rate(t float64) float64
	// end is when the stream stops, clipped to the run.
	end() float64
}

// seg is a piece of a piecewise-linear rate: r goes from r0 at t0 to r1 at t1.
type seg struct {
	t0, t1, r0, r1 float64
	c0             float64 // Λ(t0)
}

func (s seg) area() float64 { return (s.r0 + s.r1) / 2 * (s.t1 - s.t0) }

// piecewise is a piecewise-linear rate function: constant, ramp, stages,
// spike and replay shapes are all made of it. Outside its pieces r is 0.
type piecewise struct {
	segs []seg
	sum  float64
	stop float64
}

// point is a corner of a piecewise-linear rate: the rate is r just after t.
// A jump is two points at the same t.
type point struct{ t, r float64 }

// newPiecewise joins consecutive points by straight lines and clips the
// result to [0, runEnd).
func newPiecewise(pts []point, runEnd float64) *piecewise {
	p := &piecewise{}
	for i := 0; i+1 < len(pts); i++ {
		s := seg{t0: pts[i].t, t1: pts[i+1].t, r0: pts[i].r, r1: pts[i+1].r}
		if s.t0 >= runEnd {
			break
		}
		if s.t1 > runEnd {
			s.r1 = s.r0 + (s.r1-s.r0)*(runEnd-s.t0)/(s.t1-s.t0)
			s.t1 = runEnd
		}
		if s.t1 <= s.t0 {
			continue
		}
		// Merge runs of one constant rate (replay data is full of them).
		if n := len(p.segs); n > 0 && s.r0 == s.r1 {
			if l := &p.segs[n-1]; l.r0 == l.r1 && l.r1 == s.r0 && l.t1 == s.t0 {
				l.t1 = s.t1
				continue
			}
		}
		p.segs = append(p.segs, s)
	}
	for i := range p.segs {
		p.segs[i].c0 = p.sum
		p.sum += p.segs[i].area()
	}
	if n := len(p.segs); n > 0 {
		p.stop = p.segs[n-1].t1
	}
	return p
}

func (p *piecewise) total() float64 { return p.sum }
func (p *piecewise) end() float64   { return p.stop }

// find returns the piece holding t, or -1 before the first.
func (p *piecewise) find(t float64) int {
	return sort.Search(len(p.segs), func(i int) bool { return p.segs[i].t1 > t })
}

func (p *piecewise) cum(t float64) float64 {
	i := p.find(t)
	if i >= len(p.segs) {
		return p.sum
	}
	s := p.segs[i]
	if t <= s.t0 {
		return s.c0
	}
	u := t - s.t0
	return s.c0 + s.r0*u + (s.r1-s.r0)/(s.t1-s.t0)*u*u/2
}

func (p *piecewise) rate(t float64) float64 {
	i := p.find(t)
	if i >= len(p.segs) || t < p.segs[i].t0 {
		return 0
	}
	s := p.segs[i]
	return s.r0 + (s.r1-s.r0)*(t-s.t0)/(s.t1-s.t0)
}

func (p *piecewise) inv(x float64) float64 {
	i := sort.Search(len(p.segs), func(i int) bool { return p.segs[i].c0+p.segs[i].area() > x })
	if i >= len(p.segs) {
		return p.stop
	}
	s := p.segs[i]
	y := x - s.c0
	if y <= 0 {
		return s.t0
	}
	// Solve r0·u + a·u² = y with a = (r1−r0)/(2d); the form 2y/(r0+√(r0²+4ay))
	// is exact for a = 0 and does not cancel for either sign of a.
	a := (s.r1 - s.r0) / (2 * (s.t1 - s.t0))
	u := 2 * y / (s.r0 + math.Sqrt(math.Max(0, s.r0*s.r0+4*a*y)))
	return math.Min(s.t0+u, s.t1)
}

// sineFn is r(t) = mean + amplitude·sin(2π(t−start)/period) on [start, stop).
// Λ is closed-form; its inverse is found by safeguarded Newton steps, to
// well under a nanosecond.
type sineFn struct {
	start, stop       float64
	mean, amp, period float64
	sum               float64
}

func newSine(mean, amp, period, start, stop float64) *sineFn {
	f := &sineFn{start: start, stop: math.Max(start, stop), mean: mean, amp: amp, period: period}
	f.sum = f.cum(f.stop)
	return f
}

func (f *sineFn) total() float64 { return f.sum }
func (f *sineFn) end() float64   { return f.stop }

func (f *sineFn) cumU(u float64) float64 {
	w := 2 * math.Pi / f.period
	return f.mean*u + f.amp/w*(1-math.Cos(w*u))
}

func (f *sineFn) cum(t float64) float64 {
	return f.cumU(math.Min(math.Max(t, f.start), f.stop) - f.start)
}

func (f *sineFn) rate(t float64) float64 {
	if t < f.start || t >= f.stop {
		return 0
	}
	return f.mean + f.amp*math.Sin(2*math.Pi/f.period*(t-f.start))
}

func (f *sineFn) inv(x float64) float64 {
	if x <= 0 {
		return f.start
	}
	// mean·u <= Λ(u) <= mean·u + amplitude·period/π brackets the root.
	lo := math.Max(0, (x-f.amp*f.period/math.Pi)/f.mean)
	hi := math.Min(f.stop-f.start, x/f.mean)
	u := (lo + hi) / 2
	for range 200 {
		g := f.cumU(u) - x
		if g > 0 {
			hi = u
		} else {
			lo = u
		}
		if math.Abs(g) < 1e-10 || hi-lo < 1e-12 {
			break
		}
		d := f.rate(f.start + u)
		nu := u - g/d
		if !(d > 0) || nu <= lo || nu >= hi {
			nu = (lo + hi) / 2
		}
		u = nu
	}
	return f.start + u
}
