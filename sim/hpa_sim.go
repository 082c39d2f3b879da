package sim

import (
	"math"
	"time"
)

// This file is what the "hpa" kind sees of the simulator and when: each
// replica's CPU as metrics-server serves it, and the controller's sync
// clock. The replica math is in hpa.go.

// cpuRequestMilli is every replica's CPU request, its limit too: busy
// slots over slots is the CPU utilization, at most 100 %.
const cpuRequestMilli = 1000

// hpaState is the "hpa" kind's view of the replicas. It is guarded by
// Sim.mu.
type hpaState struct {
	ctl                        *hpaController
	target                     int32
	tol                        tolerances
	cpuInit, readinessDelay    time.Duration
	resolution, interval       time.Duration
	lastTick, nextScrape, next time.Time
	cpu                        map[*replica]*podCPU
}

// podCPU is one replica's CPU account: the busy slot-seconds it has
// served, and the last scrape of them.
type podCPU struct {
	started, readyAt time.Time
	busy             float64 // slot-seconds since it became ready
	scraped          bool
	lastBusy         float64
	lastAt           time.Time
	sample           *podSample
}

// hpaStart starts the HPA's clocks at now: the replicas ready at start are
// a long-running service (started and ready an hour before), scraped at
// start. Callers hold s.mu.
func (s *Sim) hpaStart(now time.Time) {
	a := s.cfg.Autoscale
	h := &hpaState{
		ctl:            newHPAController(a),
		target:         targetPercent(a.TargetUtilization),
		tol:            a.HPA.tolerancesOf(),
		cpuInit:        orDefault(a.HPA.CPUInitializationPeriod, DefaultCPUInitializationPeriod),
		readinessDelay: orDefault(a.HPA.InitialReadinessDelay, DefaultInitialReadinessDelay),
		resolution:     orDefault(a.HPA.MetricsResolution, DefaultMetricsResolution),
		interval:       a.Interval,
		lastTick:       now,
		cpu:            map[*replica]*podCPU{},
	}
	h.nextScrape = now.Add(h.resolution)
	h.next = now.Add(a.HPA.SyncPhase)
	if a.HPA.SyncPhase == 0 {
		h.next = now.Add(a.Interval)
	}
	long := now.Add(-time.Hour)
	for _, r := range s.ready {
		h.cpu[r] = &podCPU{started: long, readyAt: long, scraped: true, lastAt: now}
	}
	s.scaler.hpa = h
}

// tickEvery is how often the HPA's clocks advance: a tenth of the shorter
// of the scrape and sync periods, at most 100ms, at least 1ms.
func (h *hpaState) tickEvery() time.Duration {
	return max(min(100*time.Millisecond, h.resolution/10, h.interval/10), time.Millisecond)
}

// hpaReady starts the CPU account of a replica that became ready at now.
// Callers hold s.mu.
func (h *hpaState) hpaReady(r *replica, now time.Time) {
	h.cpu[r] = &podCPU{started: r.created, readyAt: now, lastAt: now}
}

// advance moves the HPA's clocks to now: account the CPU served since the
// last tick, scrape when a scrape is due, sync when a sync is due. Callers
// hold s.mu.
func (s *Sim) hpaAdvance(now time.Time) {
	h := s.scaler.hpa
	if dt := now.Sub(h.lastTick).Seconds(); dt > 0 {
		for _, r := range s.ready {
			if c := h.cpu[r]; c != nil {
				c.busy += float64(r.busy) * dt
			}
		}
		h.lastTick = now
	}
	for !now.Before(h.nextScrape) {
		s.hpaScrape(now)
		h.nextScrape = h.nextScrape.Add(h.resolution)
	}
	for !now.Before(h.next) {
		if s.cfg.Autoscale.On() {
			s.hpaSync(now)
		}
		h.next = h.next.Add(h.interval)
	}
}

// hpaScrape is metrics-server scraping every ready replica: a replica's
// sample is its CPU between this scrape and its previous one, so a replica
// has none until its second scrape after it became ready. Callers hold s.mu.
func (s *Sim) hpaScrape(now time.Time) {
	h := s.scaler.hpa
	for r := range h.cpu {
		if r.state == removed {
			delete(h.cpu, r)
		}
	}
	for _, r := range s.ready {
		c := h.cpu[r]
		if c == nil {
			continue
		}
		if window := now.Sub(c.lastAt); c.scraped && window > 0 {
			share := (c.busy - c.lastBusy) / window.Seconds() / float64(s.cfg.Slots)
			milli := int64(math.Min(share, 1) * cpuRequestMilli)
			c.sample = &podSample{milli: milli, at: now, window: window}
		}
		c.scraped, c.lastBusy, c.lastAt = true, c.busy, now
	}
}

// hpaSync is one sync of the HPA controller: the pods and their latest
// samples as the API server and metrics-server show them, the proposed
// count, its normalization, and the scale. Callers hold s.mu.
func (s *Sim) hpaSync(now time.Time) {
	h := s.scaler.hpa
	pods := make([]hpaPod, 0, len(s.ready)+len(s.pending))
	samples := map[string]podSample{}
	for _, r := range s.ready {
		p := hpaPod{name: r.idStr, phase: podRunning, ready: isReady, hasStart: true, started: r.created,
			readySince: r.created, requestMilli: cpuRequestMilli}
		if c := h.cpu[r]; c != nil {
			p.started, p.readySince = c.started, c.readyAt
			if c.sample != nil {
				samples[r.idStr] = *c.sample
			}
		}
		pods = append(pods, p)
	}
	for _, r := range s.pending {
		pods = append(pods, hpaPod{name: r.idStr, phase: podPending, ready: notReady, requestMilli: cpuRequestMilli})
	}
	current := int32(s.desired)
	next, _, err := h.ctl.reconcile(now, current, func() (int32, error) {
		proposed, util, _, err := resourceReplicas(now, current, h.target, h.tol, pods, samples, h.cpuInit, h.readinessDelay)
		if err == nil {
			s.scaler.metric, s.scaler.hasValue = float64(util)/100, true
		}
		return proposed, err
	})
	if err == nil && next != current {
		s.scaleTo(now, int(next), s.scaler.metric)
	}
}

// autoscaleHPA is the "hpa" kind's clock.
func (s *Sim) autoscaleHPA() {
	s.mu.Lock()
	s.hpaStart(time.Now())
	every := s.scaler.hpa.tickEvery()
	s.mu.Unlock()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case now := <-t.C:
			s.mu.Lock()
			s.hpaAdvance(now)
			s.mu.Unlock()
			s.notify()
		}
	}
}
