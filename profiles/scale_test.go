package profiles

import (
	"strings"
	"testing"
)

// A scaled profile plans f times the requests of the streams it scales, in
// the same places, and leaves the others and the original alone.
func TestScaled(t *testing.T) {
	src := head + `streams:
  - name: app
    request: {path: /a}
    constant: {rate: 100}
  - name: ramp
    request: {path: /r}
    ramp: {from: 10, to: 50, duration: 20s}
  - name: teams
    burst: true
    request: {path: "/users/{subscriber}/teams"}
    fanout:
      events: {count: 10, start: 20s, over: 10s}
      subscribers: {from: 1000, to: 1199}
      reaction: {dist: uniform, min: 0s, max: 1s}
`
	p := mustParse(t, src)
	base := mustPlan(t, src)
	tests := []struct {
		f        float64
		pick     func(*Stream) bool
		app      float64 // expected factor on each stream
		ramp     float64
		teams    float64
		lastUser int64
	}{
		{2.5, BurstStreams, 1, 1, 2.5, 1499},
		{0.5, AllStreams, 0.5, 0.5, 0.5, 1099},
	}
	for _, tt := range tests {
		q, err := p.Scaled(tt.f, tt.pick)
		if err != nil {
			t.Fatalf("Scaled(%g): %v", tt.f, err)
		}
		pl, err := NewPlan(q)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []float64{tt.app, tt.ramp, tt.teams} {
			got := float64(pl.Streams[i].Total) / float64(base.Streams[i].Total)
			if got < want*0.99 || got > want*1.01 {
				t.Errorf("×%g: stream %s has %d requests, %.3f× the original's %d, want %g×", tt.f, pl.Streams[i].Name, pl.Streams[i].Total, got, base.Streams[i].Total, want)
			}
		}
		if s := q.Streams[2].FanOut.Subscribers; s.From != 1000 || s.To != tt.lastUser {
			t.Errorf("×%g: subscribers %d..%d, want 1000..%d", tt.f, s.From, s.To, tt.lastUser)
		}
		if pl.Burst != base.Burst && tt.teams == 1 {
			t.Errorf("×%g: the burst window moved", tt.f)
		}
	}
	if p.Streams[0].Constant.Rate != 100 || p.Streams[2].FanOut.Subscribers.Count != 200 {
		t.Error("scaling changed the original profile")
	}
}

func TestScaledRefusesBadFactors(t *testing.T) {
	p := mustParse(t, head+"streams:\n  - name: app\n    request: {path: /a}\n    constant: {rate: 100}\n")
	for _, f := range []float64{0, -1} {
		if _, err := p.Scaled(f, AllStreams); err == nil {
			t.Errorf("Scaled(%g) gave no error", f)
		}
	}
	// A rate past the profile limit names the field and the factor.
	_, err := p.Scaled(1e6, AllStreams)
	if err == nil || !strings.Contains(err.Error(), "rate") || !strings.Contains(err.Error(), "×1e+06") {
		t.Errorf("Scaled(1e6) = %v, want an error naming the rate and the factor", err)
	}
}
