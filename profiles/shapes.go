package profiles

import (
	"fmt"
	"strings"
	"time"
)

// Constant sends Rate requests per second from Start for Duration (default:
// to the end of the run).
type Constant struct {
	Rate     float64       `yaml:"rate"`
	Start    time.Duration `yaml:"start"`
	Duration time.Duration `yaml:"duration"`
}

// Ramp changes the rate linearly from From to To over Duration, beginning at
// Start; the stream stops when the ramp ends.
type Ramp struct {
	From     float64       `yaml:"from"`
	To       float64       `yaml:"to"`
	Duration time.Duration `yaml:"duration"`
	Start    time.Duration `yaml:"start"`
}

// Stage is one step of a stages shape, as k6's stages: the rate moves
// linearly from where the previous stage ended (0 for the first) to Rate over
// Duration. A stage of Duration 0 jumps.
type Stage struct {
	Rate     float64       `yaml:"rate"`
	Duration time.Duration `yaml:"duration"`
}

// Spike holds Base requests per second for the whole run, except that at
// Start it rises linearly to Peak over Rise, holds Peak for Hold and falls
// back to Base over Fall.
type Spike struct {
	Base  float64       `yaml:"base"`
	Peak  float64       `yaml:"peak"`
	Start time.Duration `yaml:"start"`
	Rise  time.Duration `yaml:"rise"`
	Hold  time.Duration `yaml:"hold"`
	Fall  time.Duration `yaml:"fall"`
}

// Sine sends Mean + Amplitude·sin(2π(t−Start)/Period) requests per second
// from Start for Duration (default: to the end of the run). Amplitude must
// not exceed Mean.
type Sine struct {
	Mean      float64       `yaml:"mean"`
	Amplitude float64       `yaml:"amplitude"`
	Period    time.Duration `yaml:"period"`
	Start     time.Duration `yaml:"start"`
	Duration  time.Duration `yaml:"duration"`
}

// rateFunc returns the stream's rate function clipped to a run of length
// runEnd, or nil for a fan-out stream.
func (s *Stream) rateFunc(runEnd time.Duration, series []point) rateFunc {
	end := runEnd.Seconds()
	switch {
	case s.Constant != nil:
		c := s.Constant
		a, b := c.Start.Seconds(), stopAt(c.Start, c.Duration, runEnd)
		return newPiecewise([]point{{a, c.Rate}, {b, c.Rate}}, end)
	case s.Ramp != nil:
		r := s.Ramp
		a := r.Start.Seconds()
		return newPiecewise([]point{{a, r.From}, {a + r.Duration.Seconds(), r.To}}, end)
	case len(s.Stages) > 0:
		pts := []point{{0, 0}}
		t := 0.0
		for _, st := range s.Stages {
			t += st.Duration.Seconds()
			pts = append(pts, point{t, st.Rate})
		}
		return newPiecewise(pts, end)
	case s.Spike != nil:
		k := s.Spike
		t0 := k.Start.Seconds()
		t1 := t0 + k.Rise.Seconds()
		t2 := t1 + k.Hold.Seconds()
		t3 := t2 + k.Fall.Seconds()
		return newPiecewise([]point{{0, k.Base}, {t0, k.Base}, {t1, k.Peak}, {t2, k.Peak}, {t3, k.Base}, {max(t3, end), k.Base}}, end)
	case s.Sine != nil:
		w := s.Sine
		return newSine(w.Mean, w.Amplitude, w.Period.Seconds(), w.Start.Seconds(), min(stopAt(w.Start, w.Duration, runEnd), end))
	case s.Replay != nil:
		return newPiecewise(series, end)
	}
	return nil
}

// stopAt is start+d, or the end of the run when d is 0.
func stopAt(start, d, runEnd time.Duration) float64 {
	if d == 0 || start+d > runEnd {
		return runEnd.Seconds()
	}
	return (start + d).Seconds()
}

// Shape says in one line what the stream sends.
func (s *Stream) Shape() string {
	var b strings.Builder
	switch {
	case s.Closed():
		fmt.Fprintf(&b, "as fast as possible, %d workers", s.MaxWorkers)
	case s.Constant != nil:
		c := s.Constant
		fmt.Fprintf(&b, "constant %g/s", c.Rate)
		if c.Start > 0 {
			fmt.Fprintf(&b, " from %v", c.Start)
		}
		if c.Duration > 0 {
			fmt.Fprintf(&b, " for %v", c.Duration)
		}
	case s.Ramp != nil:
		r := s.Ramp
		fmt.Fprintf(&b, "ramp %g→%g/s over %v from %v", r.From, r.To, r.Duration, r.Start)
	case len(s.Stages) > 0:
		b.WriteString("stages")
		for _, st := range s.Stages {
			fmt.Fprintf(&b, " →%g/s in %v", st.Rate, st.Duration)
		}
	case s.Spike != nil:
		k := s.Spike
		fmt.Fprintf(&b, "spike %g→%g/s at %v (rise %v, hold %v, fall %v)", k.Base, k.Peak, k.Start, k.Rise, k.Hold, k.Fall)
	case s.Sine != nil:
		w := s.Sine
		fmt.Fprintf(&b, "sine %g±%g/s period %v", w.Mean, w.Amplitude, w.Period)
	case s.Replay != nil:
		r := s.Replay
		src := r.CSV
		if src == "" {
			src = r.AccessLog
		}
		fmt.Fprintf(&b, "replay %s ×%g speed, ×%g scale", src, r.Speed, r.Scale)
	case s.FanOut != nil:
		return s.FanOut.String()
	}
	if s.Arrivals == "poisson" {
		b.WriteString(", poisson")
	}
	return b.String()
}

// Closed reports whether the stream runs the closed model (rate: max).
func (s *Stream) Closed() bool { return s.Rate == "max" }
