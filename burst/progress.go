package burst

import (
	"fmt"
	"io"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/report"
)

// progress shows what a run is doing while it runs: elapsed of total, the
// planned against the achieved send rate, requests in flight, the p99 of the
// latest results, errors. On a terminal it rewrites one line four times a
// second; elsewhere (CI logs) it prints a plain line every five seconds.
type progress struct {
	cfg     report.Config
	started time.Time
	out     io.Writer
	live    attack.Live
	every   time.Duration
	inPlace bool

	mu   sync.Mutex
	hist *hdr.Histogram // latencies since the last line, in µs
}

func newProgress(cfg report.Config, started time.Time, opt Options) *progress {
	p := &progress{cfg: cfg, started: started, out: opt.Progress, inPlace: opt.Live, every: 5 * time.Second,
		hist: hdr.New(1, int64(time.Hour/time.Microsecond), 2)}
	if opt.Live {
		p.every = 250 * time.Millisecond
	}
	return p
}

// observe notes a result; called from the engine's result goroutine.
func (p *progress) observe(r outcome.Result) {
	if r.Class == outcome.Unsent {
		return
	}
	p.mu.Lock()
	p.hist.RecordValue(max(int64(r.Latency()/time.Microsecond), 0))
	p.mu.Unlock()
}

// start prints progress until the returned stop is called.
func (p *progress) start() (stop func()) {
	if p.out == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(p.every)
		defer t.Stop()
		last, lastAt := int64(0), p.started
		for {
			select {
			case <-quit:
				if p.inPlace {
					fmt.Fprintln(p.out)
				}
				return
			case now := <-t.C:
				sent := p.live.Released()
				p.print(now, float64(sent-last)/now.Sub(lastAt).Seconds())
				last, lastAt = sent, now
			}
		}
	}()
	return func() { close(quit); <-finished }
}

func (p *progress) print(now time.Time, achieved float64) {
	el := now.Sub(p.started)
	p.mu.Lock()
	p99 := time.Duration(p.hist.ValueAtQuantile(99)) * time.Microsecond
	p.hist.Reset()
	p.mu.Unlock()
	line := fmt.Sprintf("%5.1fs/%.0fs  rate %5.0f/s planned %5.0f/s  in flight %d  p99 %v  errors %d",
		max(el.Seconds(), 0), p.cfg.Duration.Seconds(), achieved, p.plannedRate(el),
		p.live.Released()-p.live.Done(), p99.Round(time.Millisecond), p.live.Errors())
	if r := p.live.Retries(); r > 0 {
		line += fmt.Sprintf("  retries %d", r)
	}
	if p.inPlace {
		fmt.Fprintf(p.out, "\r\033[K%s", line)
		return
	}
	fmt.Fprintln(p.out, line)
}

// plannedRate is the plan's offered rate, per second, in the window at el.
func (p *progress) plannedRate(el time.Duration) float64 {
	if el < 0 {
		return 0
	}
	i := int(el / p.cfg.Window)
	var n int64
	for _, s := range p.cfg.Streams {
		if i < len(s.Offered) {
			n += s.Offered[i]
		}
	}
	return float64(n) / p.cfg.Window.Seconds()
}
