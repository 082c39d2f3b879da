// Package live serves a run's progress as Prometheus metrics while it runs,
// so a burst test sits on a dashboard beside the target's own metrics.
//
// Every result the engine reports is counted once, as the record counts it:
// when the run ends, requests planned, sent, ok, errors by class and retries
// per stream equal the record's (run.json) figures. Latency (response end −
// intended send time, as in the record) and send lateness are histograms
// per stream, native and classic; the classic latency buckets resolve
// histogram_quantile(0.99, ...) within 5 % (see internal/latencybuckets).
// The metrics sit on a private registry, so a host program's and the
// simulator's never collide with them.
package live

import (
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/internal/latencybuckets"
	"github.com/burstlab/burstlab/report"
)

// Metrics is one run's exposition. Build it with New, serve Handler, call
// Begin when the run's plan is known, Observe for every result and Finish
// once the record is final. Observe may run beside scrapes.
type Metrics struct {
	reg       *prometheus.Registry
	gatherers prometheus.Gatherers

	sent, ok, retries *prometheus.CounterVec
	errors            *prometheus.CounterVec
	latency, lateness *prometheus.HistogramVec

	plan atomic.Pointer[plan] // set by Begin; read by every Observe

	mu       sync.Mutex
	engine   *attack.Live
	started  time.Time
	duration time.Duration
	name     string
	finished bool
}

// New registers the run's metrics on a fresh registry.
func New() *Metrics {
	streamLabel := []string{"stream"}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burstlab_requests_sent_total",
			Help: "Requests that went to the wire, retries included, counted as their results come (the record's sent).",
		}, streamLabel),
		ok: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burstlab_requests_ok_total",
			Help: "Requests answered 2xx or 3xx (the record's ok).",
		}, streamLabel),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burstlab_request_retries_total",
			Help: "Retries sent (attempts after the first).",
		}, streamLabel),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burstlab_request_errors_total",
			Help: "Requests that failed, by outcome class: 5xx, 4xx, 429, timeout, refused, reset, dns, tls, other, unsent (the record's errors).",
		}, []string{"stream", "class"}),
		latency: prometheus.NewHistogramVec(latencybuckets.Opts("burstlab_request_latency_seconds",
			"Response end minus intended send time (no coordinated omission); for closed-model streams, from the actual send."), streamLabel),
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:                            "burstlab_send_lateness_seconds",
			Help:                            "Actual minus intended send time: a generator that keeps to its plan stays under a millisecond.",
			Buckets:                         prometheus.ExponentialBuckets(10e-6, 2, 24), // 10 µs .. 84 s
			NativeHistogramBucketFactor:     1.1,
			NativeHistogramMaxBucketNumber:  200,
			NativeHistogramMinResetDuration: time.Hour,
		}, streamLabel),
	}
	m.gatherers = prometheus.Gatherers{m.reg}
	m.reg.MustRegister(m.sent, m.ok, m.retries, m.errors, m.latency, m.lateness, runCollector{m})
	return m
}

// Handler serves the exposition (text, or protobuf with native histograms
// when the scraper asks for it), the simulator's metrics included when Also
// added them.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(prometheus.GathererFunc(m.gather), promhttp.HandlerOpts{})
}

func (m *Metrics) gather() ([]*dto.MetricFamily, error) {
	m.mu.Lock()
	g := slices.Clone(m.gatherers)
	m.mu.Unlock()
	return g.Gather()
}

// Also serves g's metrics beside the run's: the embedded simulator's, so one
// scrape shows the load and the target's answer to it.
func (m *Metrics) Also(g prometheus.Gatherer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gatherers = append(m.gatherers, g)
}

// Begin starts a run: its name, streams and plan from cfg, its engine's
// progress counters from eng.
func (m *Metrics) Begin(cfg report.Config, eng *attack.Live) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := newPlan(cfg)
	for i := range p.streams {
		// Every stream's series exist from the start, at zero, so rate()
		// sees the first requests.
		s := &p.streams[i]
		s.sent, s.ok, s.retries = m.sent.WithLabelValues(s.name), m.ok.WithLabelValues(s.name), m.retries.WithLabelValues(s.name)
	}
	m.plan.Store(p)
	m.engine, m.started, m.duration, m.name = eng, cfg.Started, cfg.Duration, cfg.Name
}

// Observe counts one result, as the recorder does.
func (m *Metrics) Observe(r outcome.Result) {
	p := m.plan.Load()
	if p == nil || r.Stream < 0 || r.Stream >= len(p.streams) {
		return
	}
	s := &p.streams[r.Stream]
	if s.closed && !r.Retried {
		p.countClosed(r.Stream)
	}
	if r.Attempt > 0 {
		s.retries.Inc()
	}
	if r.Class == outcome.OK {
		s.ok.Inc()
	} else if int(r.Class) < len(s.errors) {
		if s.errors[r.Class] == nil {
			s.errors[r.Class] = m.errors.WithLabelValues(s.name, r.Class.String())
		}
		s.errors[r.Class].Inc()
	}
	if r.Class == outcome.Unsent {
		return
	}
	s.sent.Inc()
	if s.latency == nil {
		s.latency = m.latency.WithLabelValues(s.name)
	}
	s.latency.Observe(max(r.Latency(), 0).Seconds())
	if !s.closed {
		if s.lateness == nil {
			s.lateness = m.lateness.WithLabelValues(s.name)
		}
		s.lateness.Observe(max(r.Lateness(), 0).Seconds())
	}
}

// Finish marks the run's record final: planned counts the whole plan and
// burstlab_run_finished turns 1, the cue that the counters are final.
func (m *Metrics) Finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished = true
}
