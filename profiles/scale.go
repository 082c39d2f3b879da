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

// scale multiplies the stream's requests by f. The shape block is copied
// (clonePtr) before it is changed: the original profile shares it.
func (s *Stream) scale(f float64) {
	switch {
	case s.Constant != nil:
		s.Constant = clonePtr(s.Constant)
		s.Constant.Rate *= f
	case s.Ramp != nil:
		s.Ramp = clonePtr(s.Ramp)
		s.Ramp.From, s.Ramp.To = s.Ramp.From*f, s.Ramp.To*f
	case len(s.Stages) > 0:
		s.Stages = slices.Clone(s.Stages)
		for i := range s.Stages {
			s.Stages[i].Rate *= f
		}
	case s.Spike != nil:
		s.Spike = clonePtr(s.Spike)
		s.Spike.Base, s.Spike.Peak = s.Spike.Base*f, s.Spike.Peak*f
	case s.Sine != nil:
		s.Sine = clonePtr(s.Sine)
		s.Sine.Mean, s.Sine.Amplitude = s.Sine.Mean*f, s.Sine.Amplitude*f
	case s.Replay != nil:
		s.Replay = clonePtr(s.Replay)
		s.Replay.Scale *= f
	case s.FanOut != nil:
		s.FanOut = clonePtr(s.FanOut) // its events' times are shared, never changed
		sub := &s.FanOut.Subscribers
		sub.Count = max(1, int64(math.Round(float64(sub.Count)*f)))
		sub.To = sub.From + sub.Count - 1
	}
}
