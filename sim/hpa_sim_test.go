package sim

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// hpaRun drives a simulator of kind "hpa" on a virtual clock: no server,
// no timers; the test sets how busy each replica is and when pending
// replicas become ready.
type hpaRun struct {
	t  *testing.T
	s  *Sim
	t0 time.Time
}

func newHPARun(t *testing.T, cfg Config) *hpaRun {
	t.Helper()
	cfg.Autoscale.Kind = KindHPA
	cfg.Autoscale.ProvisionDelay = time.Hour // readiness is the test's call
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := &hpaRun{t: t, s: s, t0: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)}
	s.mu.Lock()
	s.hpaStart(r.t0)
	s.mu.Unlock()
	return r
}

// at advances the clock to t0+d in 100ms steps, every ready replica
// holding busy slots.
func (r *hpaRun) at(d time.Duration, busy int) {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for now := s.scaler.hpa.lastTick.Add(100 * time.Millisecond); !now.After(r.t0.Add(d)); now = now.Add(100 * time.Millisecond) {
		for _, rep := range s.ready {
			rep.busy = busy
		}
		s.hpaAdvance(now)
	}
}

// readyNow makes every pending replica ready at t0+d.
func (r *hpaRun) readyNow(d time.Duration) {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.pending) > 0 {
		p := s.pending[0]
		p.timer.Stop()
		s.markReady(p, r.t0.Add(d))
	}
}

// decisions lists the scale decisions so far as "at:from->to".
func (r *hpaRun) decisions() string {
	var out string
	for _, e := range r.s.Events() {
		if e.Kind == "decision" {
			out += fmt.Sprintf("%s:%d->%d ", e.At.Sub(r.t0), e.From, e.Desired)
		}
	}
	return out
}

func (r *hpaRun) want(decisions string) {
	r.t.Helper()
	if got := r.decisions(); got != decisions {
		r.t.Errorf("decisions %q, want %q", got, decisions)
	}
}

// TestHPAPinnedPodsScaleOneSyncAtATime: two pods pinned at 100 % of their
// CPU against a 70 % target ask for ceil(2 × 100/70) = 3, not for the
// queue's size; the new pod counts at 0 % while it provisions and has no
// sample until metrics-server's second scrape after it is ready, so the
// next step waits for it: 3 pods at 100 % ask for ceil(3 × 100/70) = 5.
func TestHPAPinnedPodsScaleOneSyncAtATime(t *testing.T) {
	r := newHPARun(t, Config{Replicas: 2, Slots: 4, Autoscale: Autoscale{TargetUtilization: 0.7, MaxReplicas: 10}})
	r.at(15*time.Second, 4) // first scrape and first sync
	r.want("15s:2->3 ")
	r.at(30*time.Second, 4) // pending pod at 0 %: 200/3 = 66 %, within the tolerance
	r.readyNow(40 * time.Second)
	r.at(45*time.Second, 4) // ready, first scrape of it: missing, 0 % on scale-up
	r.want("15s:2->3 ")
	r.at(60*time.Second, 4) // its first sample
	r.want("15s:2->3 1m0s:3->5 ")
	if st := r.s.State(); st.Metric != 1 {
		t.Errorf("metric %v, want 1 (100 %% CPU)", st.Metric)
	}
}

// TestHPAScaleUpLimits: 2 pods pinned against a 25 % target ask for 8.
// Without behavior one sync allows max(2 × 2, 4) = 4; with the default
// behavior the larger of +4 pods and +100 % per 15 s: 6.
func TestHPAScaleUpLimits(t *testing.T) {
	for _, tc := range []struct {
		name     string
		behavior *Behavior
		want     string
	}{
		{"legacy", nil, "15s:2->4 "},
		{"default behavior", &Behavior{}, "15s:2->6 "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Replicas: 2, Slots: 4, Autoscale: Autoscale{TargetUtilization: 0.25, MaxReplicas: 20}}
			cfg.Autoscale.Behavior = tc.behavior
			r := newHPARun(t, cfg)
			r.at(15*time.Second, 4)
			r.want(tc.want)
		})
	}
}

// TestHPASyncPhase: the controller's clock ticks at start + sync_phase;
// a sync before the first scrape has no sample and does not scale.
func TestHPASyncPhase(t *testing.T) {
	cfg := Config{Replicas: 2, Slots: 4, Autoscale: Autoscale{TargetUtilization: 0.7, MaxReplicas: 10}}
	cfg.Autoscale.SyncPhase = 5 * time.Second
	r := newHPARun(t, cfg)
	r.at(19*time.Second, 4) // sync at 5s: no sample yet; scrape at 15s
	r.want("")
	r.at(20*time.Second, 4) // sync at 20s
	r.want("20s:2->3 ")
}

// TestHPAIdleScalesDownAfterTheWindow: idle pods ask for fewer replicas,
// but the legacy path keeps the highest recommendation of the last
// scale_down_stabilization (5 minutes), the count at the first sync (15s)
// included: the first sync whose window leaves it out is at 5m30s.
func TestHPAIdleScalesDownAfterTheWindow(t *testing.T) {
	r := newHPARun(t, Config{Replicas: 4, Slots: 4, Autoscale: Autoscale{TargetUtilization: 0.5, MinReplicas: 1, MaxReplicas: 10}})
	r.at(5*time.Minute+15*time.Second, 0)
	r.want("")
	r.at(5*time.Minute+30*time.Second, 0)
	r.want("5m30s:4->1 ")
}

// TestHPAInRealTime runs the "hpa" kind behind a real server, saturated
// by closed-loop clients, and checks on its event log what the kind
// promises whatever the machine's speed: the first decision is 2 -> 3 (two
// pods pinned at 100 % against 70 %), no decision exceeds max(2 × from, 4),
// and the next step up waits for the new replica's first sample, at least
// one scrape after it is ready.
func TestHPAInRealTime(t *testing.T) {
	const resolution = 100 * time.Millisecond
	cfg := Config{Replicas: 2, Slots: 4, Service: Dist{Fixed: 20 * time.Millisecond},
		Autoscale: Autoscale{TargetUtilization: 0.7, Interval: 300 * time.Millisecond,
			ProvisionDelay: 400 * time.Millisecond, MaxReplicas: 10}}
	cfg.Autoscale.Kind = KindHPA
	cfg.Autoscale.MetricsResolution = resolution
	s, url := start(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan []result)
	go func() { done <- closedLoop(ctx, 32, url) }()
	for deadline := time.Now().Add(6 * time.Second); time.Now().Before(deadline) && len(decisions(s.Events())) < 2; {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	evs := s.Events()
	dec := decisions(evs)
	for _, e := range evs {
		t.Log(e)
	}
	if len(dec) == 0 || dec[0].From != 2 || dec[0].Desired != 3 {
		t.Fatalf("first decision %+v, want 2 -> 3", dec)
	}
	for _, d := range dec {
		if d.Desired > max(2*d.From, 4) {
			t.Errorf("decision %d -> %d exceeds max(2 × %d, 4)", d.From, d.Desired, d.From)
		}
	}
	if len(dec) > 1 {
		var ready time.Time
		for _, e := range evs {
			if e.Kind == "ready" && e.At.Before(dec[1].At) {
				ready = e.At
			}
		}
		if ready.IsZero() || dec[1].At.Sub(ready) < resolution {
			t.Errorf("second decision at %v, %v after the new replica was ready (%v); want at least one scrape (%v) after",
				dec[1].At, dec[1].At.Sub(ready), ready, resolution)
		}
	}
}
