package sim

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/burstlab/burstlab/internal/latencybuckets"
)

// metrics is the simulator's Prometheus exposition, on a private registry so
// several simulators (and the host program) never collide.
type metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler
	requests *prometheus.CounterVec
	byCode   map[int]prometheus.Counter
	latency  prometheus.Histogram
}

func newMetrics(s *Sim) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "burstlab_sim_requests_total",
			Help: "Load requests answered, by HTTP status code.",
		}, []string{"code"}),
		// Fine enough for p99 within 5 % (classic and native), as a run's
		// live metrics, so the two sit side by side on a dashboard.
		latency: prometheus.NewHistogram(latencybuckets.Opts("burstlab_sim_request_duration_seconds",
			"Time from arrival to response of load requests, queueing included.")),
	}
	m.byCode = map[int]prometheus.Counter{}
	for _, c := range []int{http.StatusOK, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		m.byCode[c] = m.requests.WithLabelValues(strconv.Itoa(c))
	}
	gauge := func(name, help string, f func(State) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return f(s.State()) })
	}
	reg.MustRegister(
		m.requests,
		m.latency,
		gauge("burstlab_sim_replicas_ready", "Replicas serving requests.",
			func(st State) float64 { return float64(st.Ready) }),
		gauge("burstlab_sim_replicas_desired", "Replicas the autoscaler wants.",
			func(st State) float64 { return float64(st.Desired) }),
		gauge("burstlab_sim_replicas_pending", "Replicas provisioning.",
			func(st State) float64 { return float64(st.Pending) }),
		gauge("burstlab_sim_queue_depth", "Requests waiting for a slot.",
			func(st State) float64 { return float64(st.QueueDepth) }),
		gauge("burstlab_sim_in_flight", "Requests holding a slot.",
			func(st State) float64 { return float64(st.InFlight) }),
		gauge("burstlab_sim_utilization", "(busy + queued) / slots of ready replicas.",
			func(st State) float64 { return st.Utilization }),
		gauge("burstlab_sim_autoscaler_metric", "The autoscaler's windowed metric value.",
			func(st State) float64 { return st.Metric }),
	)
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// Gatherer is the simulator's metrics registry, for a host program that
// serves them beside its own (a run's live metrics).
func (s *Sim) Gatherer() prometheus.Gatherer { return s.metrics.reg }

// observe counts one answered load request.
func (m *metrics) observe(code int, d time.Duration) {
	c, ok := m.byCode[code]
	if !ok {
		c = m.requests.WithLabelValues(strconv.Itoa(code))
	}
	c.Inc()
	m.latency.Observe(d.Seconds())
}
