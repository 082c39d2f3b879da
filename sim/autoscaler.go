package sim

import (
	"math"
	"time"
)

// tolerance is the HPA's dead band: no change while |metric/target - 1| <= 0.1.
const tolerance = 0.1

// scaler is the autoscaler's memory: metric samples and recent
// recommendations. It is guarded by Sim.mu.
type scaler struct {
	cfg      Autoscale
	samples  []sample
	recs     []recommendation
	metric   float64 // last windowed metric value
	hasValue bool
	hpa      *hpaState // kind "hpa" only (hpa_sim.go)
}

type sample struct {
	at       time.Time
	util     float64 // (busy + queued) / slots of the ready replicas
	arrivals uint64  // cumulative load requests
}

type recommendation struct {
	at       time.Time
	replicas int
}

// init resets the scaler; the initial count counts as a recommendation, so
// nothing is removed during the first stabilization window.
func (sc *scaler) init(cfg Autoscale, replicas int, now time.Time) {
	*sc = scaler{cfg: cfg, recs: []recommendation{{now, replicas}}}
}

// sampleEvery is how often the metric is sampled: 100ms, or a tenth of the
// window when that is shorter (never below 5ms).
func (sc *scaler) sampleEvery() time.Duration {
	return min(100*time.Millisecond, max(sc.cfg.MetricWindow/10, 5*time.Millisecond))
}

// autoscale is the autoscaler's clock: sample often, evaluate every Interval.
func (s *Sim) autoscale() {
	defer s.wg.Done()
	if s.cfg.Autoscale.IsHPA() {
		s.autoscaleHPA()
		return
	}
	st := time.NewTicker(s.scaler.sampleEvery())
	defer st.Stop()
	et := time.NewTicker(s.cfg.Autoscale.Interval)
	defer et.Stop()
	for {
		select {
		case <-s.done:
			return
		case now := <-st.C:
			s.mu.Lock()
			s.sample(now)
			s.mu.Unlock()
		case now := <-et.C:
			s.mu.Lock()
			s.sample(now)
			if s.cfg.Autoscale.On() {
				s.evaluate(now)
			}
			s.mu.Unlock()
			s.notify()
		}
	}
}

// utilization is (busy slots + queued requests) / total slots of the ready
// replicas. Callers hold s.mu.
func (s *Sim) utilization() float64 {
	if len(s.ready) == 0 {
		return 0
	}
	demand := 0
	for _, r := range s.ready {
		demand += r.busy + r.queue.Len()
	}
	return float64(demand) / float64(len(s.ready)*s.cfg.Slots)
}

// sample records one metric sample and forgets those older than the window.
// Callers hold s.mu.
func (s *Sim) sample(now time.Time) {
	sc := &s.scaler
	sc.samples = append(sc.samples, sample{at: now, util: s.utilization(), arrivals: s.arrivals})
	// Keep one sample at or before the window start, as the rps base.
	cut := now.Add(-sc.cfg.MetricWindow)
	i := 0
	for i+1 < len(sc.samples) && !sc.samples[i+1].at.After(cut) {
		i++
	}
	sc.samples = sc.samples[i:]
	if v, ok := s.windowMetric(now); ok {
		sc.metric, sc.hasValue = v, true
	}
}

// windowMetric averages the metric over the window ending at now. Callers
// hold s.mu.
func (s *Sim) windowMetric(now time.Time) (float64, bool) {
	sc := &s.scaler
	cut := now.Add(-sc.cfg.MetricWindow)
	if sc.cfg.Metric == MetricRPS {
		if len(sc.samples) < 2 || len(s.ready) == 0 {
			return 0, false
		}
		first, last := sc.samples[0], sc.samples[len(sc.samples)-1]
		dt := last.at.Sub(first.at).Seconds()
		if dt <= 0 {
			return 0, false
		}
		return float64(last.arrivals-first.arrivals) / dt / float64(len(s.ready)), true
	}
	sum, n := 0.0, 0
	for _, sm := range sc.samples {
		if sm.at.After(cut) {
			sum += sm.util
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// target is the metric value the autoscaler aims for.
func (sc *scaler) target() float64 {
	if sc.cfg.Metric == MetricRPS {
		return sc.cfg.TargetRPS
	}
	return sc.cfg.TargetUtilization
}

// evaluate is one HPA evaluation. Callers hold s.mu.
func (s *Sim) evaluate(now time.Time) {
	sc := &s.scaler
	if !sc.hasValue || len(s.ready) == 0 {
		return
	}
	cur := s.desired
	m := sc.metric
	ratio := m / sc.target()
	rec := cur
	if math.Abs(ratio-1) > tolerance {
		// The small epsilon keeps 3 × 0.7/0.7 from rounding up to 4.
		rec = int(math.Ceil(float64(len(s.ready))*ratio - 1e-9))
	}
	rec = min(max(rec, sc.cfg.MinReplicas), sc.cfg.MaxReplicas)

	// Scale-down stabilization: the highest recommendation of the window.
	cut := now.Add(-sc.cfg.ScaleDownStabilization)
	i := 0
	for i < len(sc.recs) && sc.recs[i].at.Before(cut) {
		i++
	}
	sc.recs = append(sc.recs[i:], recommendation{now, rec})
	next := rec
	if rec < cur {
		hi := rec
		for _, r := range sc.recs {
			hi = max(hi, r.replicas)
		}
		next = min(cur, hi)
	}
	if next > cur && sc.cfg.MaxScaleUpStep > 0 {
		next = min(next, cur+sc.cfg.MaxScaleUpStep)
	}
	if next != cur {
		s.scaleTo(now, next, m)
	}
}

// scaleTo changes the desired count: it starts provisioning new replicas,
// or removes pending ones first and then the newest ready ones. Callers
// hold s.mu.
func (s *Sim) scaleTo(now time.Time, next int, metric float64) {
	from := s.desired
	s.desired = next
	s.record(now, Event{Kind: "decision", From: from, Desired: next, Metric: metric})
	for range next - from {
		r := s.newReplica(now)
		r.timer = time.AfterFunc(s.cfg.Autoscale.ProvisionDelay, func() { s.becomeReady(r) })
		s.pending = append(s.pending, r)
	}
	for n := from - next; n > 0; n-- {
		var r *replica
		if k := len(s.pending); k > 0 {
			r, s.pending = s.pending[k-1], s.pending[:k-1]
			r.timer.Stop()
		} else {
			k := len(s.ready)
			r, s.ready = s.ready[k-1], s.ready[:k-1]
		}
		r.state = removed
		s.record(now, Event{Kind: "removed", Replica: r.id, Desired: next, Metric: metric})
	}
}

// becomeReady is a provisioning timer firing.
func (s *Sim) becomeReady(r *replica) {
	now := time.Now()
	s.mu.Lock()
	if s.closed || r.state != pending {
		s.mu.Unlock()
		return
	}
	s.markReady(r, now)
	s.mu.Unlock()
	s.notify()
}

// markReady moves a pending replica to the ready ones. Callers hold s.mu.
func (s *Sim) markReady(r *replica, now time.Time) {
	for i, p := range s.pending {
		if p == r {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			break
		}
	}
	r.state = ready
	s.ready = append(s.ready, r)
	if h := s.scaler.hpa; h != nil {
		h.hpaReady(r, now)
	}
	s.record(now, Event{Kind: "ready", Replica: r.id, Desired: s.desired, Metric: s.scaler.metric})
}
