package live

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/report"
)

// plan counts the requests a run's plan has made due: the offered counts
// per window, and the closed-model streams' sends as they come.
type plan struct {
	window  time.Duration
	streams []streamPlan
	closed  []atomic.Int64 // per stream: closed-model requests sent
}

type streamPlan struct {
	name    string
	closed  bool
	offered []int64 // per window
	before  []int64 // before[j]: requests planned in the windows before window j; one more than offered

	// The stream's series, looked up once: a result counts into them
	// without hashing its labels. Only Observe's goroutine sets the two
	// histograms, on the stream's first sent request, and an error class's
	// counter on its first result (a class's series appears once it has
	// one).
	sent, ok, retries prometheus.Counter
	latency, lateness prometheus.Observer
	errors            [outcome.Classes]prometheus.Counter
}

func newPlan(cfg report.Config) *plan {
	p := &plan{window: cfg.Window, closed: make([]atomic.Int64, len(cfg.Streams))}
	for _, s := range cfg.Streams {
		sp := streamPlan{name: s.Name, closed: s.Closed, offered: s.Offered, before: make([]int64, len(s.Offered)+1)}
		for j, n := range s.Offered {
			sp.before[j+1] = sp.before[j] + n
		}
		p.streams = append(p.streams, sp)
	}
	return p
}

func (p *plan) countClosed(stream int) { p.closed[stream].Add(1) }

// planned is stream i's requests due by el: whole windows before el, and
// the current window's share of its own; all of them once finished.
func (p *plan) planned(i int, el time.Duration, finished bool) int64 {
	s := &p.streams[i] // not a copy: Observe sets its histograms meanwhile
	n := p.closed[i].Load()
	if finished {
		return n + s.before[len(s.offered)]
	}
	if el <= 0 || p.window <= 0 {
		return n
	}
	w := int(el / p.window)
	n += s.before[min(w, len(s.offered))]
	if w < len(s.offered) {
		n += s.offered[w] * int64(el%p.window) / int64(p.window)
	}
	return n
}
