package live

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// runCollector reads the run-wide figures at scrape time: the plan's count
// so far, the engine's released and in-flight counts, the clock.
type runCollector struct{ m *Metrics }

var (
	plannedDesc = prometheus.NewDesc("burstlab_requests_planned_total",
		"Requests the plan has made due so far (spread evenly inside each window; the whole plan once the run is finished); for closed-model streams, what they sent (the record's offered).",
		[]string{"stream"}, nil)
	releasedDesc = prometheus.NewDesc("burstlab_requests_released_total",
		"Requests the engine has handed to its workers, all streams.", nil, nil)
	inFlightDesc = prometheus.NewDesc("burstlab_requests_in_flight",
		"Requests sent and not yet answered, all streams.", nil, nil)
	elapsedDesc = prometheus.NewDesc("burstlab_run_elapsed_seconds",
		"Time since the plan's t=0 (negative before it).", nil, nil)
	durationDesc = prometheus.NewDesc("burstlab_run_duration_seconds",
		"The plan's duration.", nil, nil)
	finishedDesc = prometheus.NewDesc("burstlab_run_finished",
		"1 once the run's record is final: every counter then equals run.json's.", nil, nil)
	infoDesc = prometheus.NewDesc("burstlab_run_info",
		"The run's name, always 1.", []string{"name"}, nil)
)

func (c runCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{plannedDesc, releasedDesc, inFlightDesc, elapsedDesc, durationDesc, finishedDesc, infoDesc} {
		ch <- d
	}
}

func (c runCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	p := m.plan.Load()
	m.mu.Lock()
	eng, started, dur, name, finished := m.engine, m.started, m.duration, m.name, m.finished
	m.mu.Unlock()
	if p == nil {
		return // not begun: nothing to say yet
	}
	el := time.Since(started)
	for i := range p.streams {
		ch <- prometheus.MustNewConstMetric(plannedDesc, prometheus.CounterValue, float64(p.planned(i, el, finished)), p.streams[i].name)
	}
	if eng != nil {
		rel, done := eng.Released(), eng.Done()
		ch <- prometheus.MustNewConstMetric(releasedDesc, prometheus.CounterValue, float64(rel))
		ch <- prometheus.MustNewConstMetric(inFlightDesc, prometheus.GaugeValue, float64(max(rel-done, 0)))
	}
	fin := 0.0
	if finished {
		fin = 1
	}
	ch <- prometheus.MustNewConstMetric(elapsedDesc, prometheus.GaugeValue, el.Seconds())
	ch <- prometheus.MustNewConstMetric(durationDesc, prometheus.GaugeValue, dur.Seconds())
	ch <- prometheus.MustNewConstMetric(finishedDesc, prometheus.GaugeValue, fin)
	ch <- prometheus.MustNewConstMetric(infoDesc, prometheus.GaugeValue, 1, name)
}
