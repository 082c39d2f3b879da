//go:build !race

package attack

import (
	"github.com/burstlab/burstlab/attack/outcome"

	"context"
	"net/http"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// BenchmarkBurst plans 2,000 requests within 100 ms against a loopback server
// and reports the median over bursts of the p99 lateness seen at the server
// and the connections the engine dialed on demand during the run (the goal:
// p99 <= 2 ms, 0 dials). Beside each engine burst it runs the same plan
// through the leanest vegeta arrangement known to hold a dense burst (see
// reference) and reports its p99 too: the floor this machine allows today,
// since the figures move with the machine far more than between the two.
func BenchmarkBurst(b *testing.B) {
	var held sync.WaitGroup
	srv := newArrivalServer(b, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			held.Done()
			held.Wait()
		}
	})
	plan := evenPlan(srv.URL, 2000, 300*time.Millisecond, 100*time.Millisecond)
	var eng, ref []float64
	var cold int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		start := time.Now()
		st, err := New(Timeout(5*time.Second)).Run(context.Background(), sliceSource(plan), start, func(outcome.Result) {})
		if err != nil {
			b.Fatal(err)
		}
		eng = append(eng, p99Late(b, srv, start, plan))
		cold += st.ColdDials
		ref = append(ref, reference(b, srv, &held, plan))
	}
	b.ReportMetric(median(eng), "p99-late-ms")
	b.ReportMetric(float64(cold)/float64(b.N), "dials/burst")
	b.ReportMetric(median(ref), "reference-p99-late-ms")
}

// p99Late is the p99 of how late plan's requests arrived at srv.
func p99Late(b *testing.B, srv *arrivalServer, start time.Time, plan []Request) float64 {
	late, missing := srv.lateness(start, plan)
	if missing > 0 {
		b.Fatalf("%d planned requests never arrived", missing)
	}
	return float64(quantile(late, 0.99)) / 1e6
}

// reference sends plan through a bare vegeta Attacker set up as a dense
// burst needs it on two cores: 32 fixed workers, 32 connections opened and
// used once before the burst (32 requests held open together on /hold), a
// pacer on absolute time and the collector off for the burst. It is no
// engine: it knows nothing of response times, retries, stops or attribution.
func reference(b *testing.B, srv *arrivalServer, held *sync.WaitGroup, plan []Request) float64 {
	const n = 32
	tr := &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr}
	held.Add(n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, err := cl.Get(srv.URL + "/hold"); err == nil {
				r.Body.Close()
			}
		}()
	}
	wg.Wait()
	var mu sync.Mutex
	next := 0
	targets := func(t *vegeta.Target) error {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(plan) {
			return vegeta.ErrNoTargets
		}
		t.Method, t.URL = http.MethodGet, plan[next].URL
		next++
		return nil
	}
	atk := vegeta.NewAttacker(vegeta.Client(cl), vegeta.Workers(n), vegeta.MaxWorkers(n))
	runtime.GC()
	pct := debug.SetGCPercent(-1)
	start := time.Now()
	for range atk.Attack(targets, &planPacer{start: start, plan: plan}, 0, "") {
	}
	debug.SetGCPercent(pct)
	return p99Late(b, srv, start, plan)
}

// planPacer paces a plan on absolute time, releasing what is due within a
// millisecond at once.
type planPacer struct {
	start time.Time
	plan  []Request
	next  int
}

func (p *planPacer) Pace(time.Duration, uint64) (time.Duration, bool) {
	if p.next >= len(p.plan) {
		return 0, true
	}
	wait := time.Until(p.start.Add(p.plan[p.next].Intended))
	p.next++
	if wait <= time.Millisecond {
		return 0, false
	}
	return wait, false
}

func (p *planPacer) Rate(time.Duration) float64 { return 0 }

// BenchmarkEngineVsVegeta sends requests as fast as each can to the same
// loopback server, burstlab's engine (a plan due all at once) and a bare
// vegeta Attacker (rate 0, 32 workers) in turns, and reports both median
// sustained rates, the median of the pairwise ratios and the engine's
// allocated bytes per request. The sustained rate is taken between the 10th
// and the 90th percentile of completions, so the start (first dials) and the
// tail (last responses) of a run do not weigh in. Each pair alternates which
// side runs first and each run starts from a collected heap, so neither side
// pays for the other's garbage or for the machine's drift. The runs are
// labelled side=engine and side=vegeta for -cpuprofile.
func BenchmarkEngineVsVegeta(b *testing.B) {
	const n = 10000
	srv := newArrivalServer(b, func(w http.ResponseWriter, r *http.Request) {})
	// Both send the same request, so the server does the same work for each.
	plan := evenPlan(srv.URL, n, 0, time.Millisecond)
	for i := range plan {
		plan[i].URL = srv.URL + "/v"
	}
	var eng, veg, ratios []float64
	var bytesPerReq float64
	engine := func() float64 {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		var rate sustained
		var err error
		pprof.Do(context.Background(), pprof.Labels("side", "engine"), func(ctx context.Context) {
			_, err = New(Timeout(5*time.Second)).Run(ctx, sliceSource(plan), time.Now(), func(outcome.Result) { rate.done(n) })
		})
		if err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		bytesPerReq = float64(m1.TotalAlloc-m0.TotalAlloc) / n
		return rate.perSecond(n)
	}
	vegetaRun := func() float64 {
		atk := vegeta.NewAttacker(vegeta.Workers(32), vegeta.MaxWorkers(32), vegeta.Timeout(5*time.Second))
		tr := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: srv.URL + "/v"})
		var rate sustained
		pprof.Do(context.Background(), pprof.Labels("side", "vegeta"), func(context.Context) {
			got := 0
			for range atk.Attack(tr, vegeta.ConstantPacer{}, 0, "") {
				rate.done(n)
				if got++; got == n {
					atk.Stop()
				}
			}
		})
		return rate.perSecond(n)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var e, v float64
		runtime.GC()
		if i%2 == 0 {
			e = engine()
			runtime.GC()
			v = vegetaRun()
		} else {
			v = vegetaRun()
			runtime.GC()
			e = engine()
		}
		eng, veg, ratios = append(eng, e), append(veg, v), append(ratios, e/v)
	}
	b.ReportMetric(median(eng), "engine-req/s")
	b.ReportMetric(median(veg), "vegeta-req/s")
	b.ReportMetric(median(ratios), "ratio")
	b.ReportMetric(bytesPerReq, "B/req")
}

// sustained times a run's completions between its 10th and 90th percentile.
type sustained struct {
	count    int
	from, to time.Time
}

// done counts one completion of a run of n.
func (s *sustained) done(n int) {
	s.count++
	switch s.count {
	case n / 10:
		s.from = time.Now()
	case n - n/10:
		s.to = time.Now()
	}
}

// perSecond is the completion rate between the two marks.
func (s *sustained) perSecond(n int) float64 {
	return float64(n-2*(n/10)) / s.to.Sub(s.from).Seconds()
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkBurstTLS plans 1,000 requests within 100 ms against a loopback
// HTTPS server (HTTP/1.1, so each request in flight needs a connection of
// its own) and reports the median p99 lateness at the server and the
// connections dialed on demand: the handshakes belong before the burst.
func BenchmarkBurstTLS(b *testing.B) {
	srv := newArrivalServerTLS(b, nil)
	plan := evenPlan(srv.URL, 1000, 500*time.Millisecond, 100*time.Millisecond)
	var p99s []float64
	var cold int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		start := time.Now()
		st, err := New(WithClient(Client{Insecure: true, Timeout: 5 * time.Second})).Run(context.Background(), sliceSource(plan), start, func(outcome.Result) {})
		if err != nil {
			b.Fatal(err)
		}
		p99s = append(p99s, p99Late(b, srv, start, plan))
		cold += st.ColdDials
	}
	b.ReportMetric(median(p99s), "p99-late-ms")
	b.ReportMetric(float64(cold)/float64(b.N), "dials/burst")
}
