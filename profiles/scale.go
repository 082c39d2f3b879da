package profiles

import (
	"fmt"
	"math"
	"slices"
)

// Scaled returns a copy of p in which the streams that pick chooses send f
// times as many requests, with the same shape and timing: every rate of a
// rate shape is multiplied by f, a replay's scale too, and a fan-out reaches
// f times as many subscribers (rounded, at least one) for the same events,
// so each event's wave is f times as tall. Streams pick does not choose are
// unchanged. The copy is validated and compiled like a loaded profile.
func (p *Profile) Scaled(f float64, pick func(*Stream) bool) (*Profile, error) {
	if !(f > 0) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("scale factor must be > 0, got %g", f)
	}
	q := *p
	q.c = nil
	q.Streams = slices.Clone(p.Streams)
	for i := range q.Streams {
		if s := &q.Streams[i]; pick(s) {
			s.scale(f)
		}
	}
	c, probs := q.checked()
	if len(probs) > 0 {
		return nil, q.scaledError(f, probs[0])
	}
	q.c = c
	return &q, nil
}

// scaledError places a problem of a scaled copy in the file and says which
// factor caused it.
func (p *Profile) scaledError(f float64, pr problem) error {
	pr.msg = fmt.Sprintf("%s (scaled ×%g)", pr.msg, f)
	return p.errorAt(pr)
}

// AllStreams picks every stream: Scaled(f, AllStreams) scales the whole load.
func AllStreams(*Stream) bool { return true }

// BurstStreams picks the streams marked burst: true.
func BurstStreams(s *Stream) bool { return s.Burst }

// scale multiplies the stream's requests by f. The shape blocks are copied
// before they are changed: the original profile shares them.
func (s *Stream) scale(f float64) {
	switch {
	case s.Constant != nil:
		c := *s.Constant
		c.Rate *= f
		s.Constant = &c
	case s.Ramp != nil:
		r := *s.Ramp
		r.From, r.To = r.From*f, r.To*f
		s.Ramp = &r
	case len(s.Stages) > 0:
		st := slices.Clone(s.Stages)
		for i := range st {
			st[i].Rate *= f
		}
		s.Stages = st
	case s.Spike != nil:
		k := *s.Spike
		k.Base, k.Peak = k.Base*f, k.Peak*f
		s.Spike = &k
	case s.Sine != nil:
		w := *s.Sine
		w.Mean, w.Amplitude = w.Mean*f, w.Amplitude*f
		s.Sine = &w
	case s.Replay != nil:
		r := *s.Replay
		r.Scale *= f
		s.Replay = &r
	case s.FanOut != nil:
		fo := *s.FanOut
		sub := fo.Subscribers
		sub.Count = max(1, int64(math.Round(float64(sub.Count)*f)))
		sub.To = sub.From + sub.Count - 1
		fo.Subscribers = sub
		fo.Events.At = slices.Clone(fo.Events.At)
		s.FanOut = &fo
	}
}
