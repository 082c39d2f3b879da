package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var off = false

// start runs a simulator on loopback for the test's lifetime.
func start(t testing.TB, cfg Config) (*Sim, string) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, url
}

func client(conns int) *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns},
	}
}

type result struct {
	at      time.Time // response end
	latency time.Duration
	code    int
	replica string
}

func get(c *http.Client, url string) result {
	t0 := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		return result{at: time.Now(), latency: time.Since(t0), code: -1}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return result{at: time.Now(), latency: time.Since(t0), code: resp.StatusCode, replica: resp.Header.Get("X-Sim-Replica")}
}

// closedLoop runs n clients, each sending its next request when the last
// returns, until ctx ends.
func closedLoop(ctx context.Context, n int, url string) []result {
	c := client(n)
	var mu sync.Mutex
	var all []result
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []result
			for ctx.Err() == nil {
				mine = append(mine, get(c, url))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all
}

func within(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	t.Logf("%s: got %.1f, theory %.1f (%+.1f%%)", name, got, want, 100*(got/want-1))
	if got < want*(1-tol) || got > want*(1+tol) {
		t.Errorf("%s = %.1f, want %.1f ± %.0f%%", name, got, want, 100*tol)
	}
}

// TestQueueingTheory checks the saturated service against closed-network
// queueing: throughput = slots×replicas/S, mean latency = N×S/(slots×replicas).
func TestQueueingTheory(t *testing.T) {
	for _, bal := range []string{RoundRobin, LeastOutstanding} {
		t.Run(bal, func(t *testing.T) {
			const (
				replicas, slots, clients = 2, 4, 24
				service                  = 20 * time.Millisecond
			)
			_, url := start(t, Config{
				Replicas: replicas, Slots: slots, Balancer: bal,
				Service:   Dist{Fixed: service},
				Autoscale: Autoscale{Enabled: &off},
			})
			ctx, cancel := context.WithTimeout(context.Background(), 2200*time.Millisecond)
			defer cancel()
			t0 := time.Now()
			res := closedLoop(ctx, clients, url+"/users/1/teams")
			// Skip the first 200ms (connections opening, queues filling).
			from, to := t0.Add(200*time.Millisecond), t0.Add(2200*time.Millisecond)
			var n int
			var sum time.Duration
			for _, r := range res {
				if r.code != http.StatusOK {
					t.Fatalf("status %d", r.code)
				}
				if r.at.After(from) && !r.at.After(to) {
					n++
					sum += r.latency
				}
			}
			total := float64(replicas * slots)
			within(t, "throughput req/s", float64(n)/to.Sub(from).Seconds(), total/service.Seconds(), 0.15)
			within(t, "mean latency ms", float64(sum.Milliseconds())/float64(n), clients*float64(service.Milliseconds())/total, 0.15)
		})
	}
}

// TestAutoscalerTimeline steps the load up and checks the decision comes at
// the next evaluation and the replicas one provisioning delay later.
func TestAutoscalerTimeline(t *testing.T) {
	const (
		interval  = 200 * time.Millisecond
		provision = 500 * time.Millisecond
	)
	s, url := start(t, Config{
		Replicas: 1, Slots: 4, Service: Dist{Fixed: 20 * time.Millisecond},
		Autoscale: Autoscale{
			TargetUtilization: 0.5, Interval: interval, ProvisionDelay: provision, MaxReplicas: 4,
		},
	})
	time.Sleep(interval + interval/2) // idle evaluations: no change
	if ev := decisions(s.Events()); len(ev) != 0 {
		t.Fatalf("decisions while idle: %+v", ev)
	}
	ctx, cancel := context.WithCancel(context.Background())
	loadStart := time.Now()
	done := make(chan []result)
	go func() { done <- closedLoop(ctx, 16, url) }()

	var dec, rdy *Event
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && rdy == nil; time.Sleep(20 * time.Millisecond) {
		evs := s.Events()
		for i := range evs {
			switch e := &evs[i]; {
			case e.Kind == "decision" && dec == nil:
				dec = e
			case e.Kind == "ready" && rdy == nil:
				rdy = e
			}
		}
	}
	cancel()
	<-done
	if dec == nil || rdy == nil {
		t.Fatalf("no decision or ready event: %+v", s.Events())
	}
	t.Logf("decision %v after load (from %d to %d, metric %.2f); ready %v after decision",
		dec.At.Sub(loadStart), dec.From, dec.Desired, dec.Metric, rdy.At.Sub(dec.At))
	// A decision needs a window average > 1.1 × target, reached about 30ms
	// into a window at this load: allow one interval plus that, plus noise.
	if lag := dec.At.Sub(loadStart); lag > interval+100*time.Millisecond {
		t.Errorf("decision came %v after the load step, want <= %v", lag, interval+100*time.Millisecond)
	}
	if dec.From != 1 || dec.Desired <= 1 || dec.Metric <= 0.55 {
		t.Errorf("decision = %+v, want from 1 up, metric above target", *dec)
	}
	if lag := rdy.At.Sub(dec.At); lag < provision || lag > provision+interval {
		t.Errorf("ready %v after decision, want within [%v, %v]", lag, provision, provision+interval)
	}
	if rdy.Replicas != 2 && rdy.Replicas != 1+dec.Desired-dec.From {
		t.Logf("ready event: %+v", *rdy)
	}
	if st := s.State(); st.Ready < 2 {
		t.Errorf("state after scale-up: %+v", st)
	}
}

func decisions(evs []Event) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind == "decision" {
			out = append(out, e)
		}
	}
	return out
}

// TestScaleDown: with no load, replicas above the minimum are removed once
// the stabilization window has passed, not before.
func TestScaleDown(t *testing.T) {
	on := true
	s, _ := start(t, Config{
		Replicas: 3,
		Autoscale: Autoscale{
			Enabled: &on, Interval: 50 * time.Millisecond, MinReplicas: 1,
			ScaleDownStabilization: 400 * time.Millisecond,
		},
	})
	t0 := time.Now()
	for deadline := t0.Add(3 * time.Second); s.State().Ready > 1 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	st := s.State()
	if st.Ready != 1 || st.Desired != 1 {
		t.Fatalf("state = %+v, want 1 ready", st)
	}
	var removed int
	for _, e := range s.Events() {
		if e.Kind == "decision" && e.At.Sub(t0) < 350*time.Millisecond {
			t.Errorf("scaled down before the stabilization window: %+v", e)
		}
		if e.Kind == "removed" {
			removed++
		}
	}
	if removed != 2 {
		t.Errorf("removed events = %d, want 2: %+v", removed, s.Events())
	}
}

// TestEvaluate drives single HPA evaluations with a given metric value.
func TestEvaluate(t *testing.T) {
	tests := []struct {
		name    string
		as      Autoscale
		ready   int
		metric  float64
		desired int
	}{
		{"up", Autoscale{TargetUtilization: 0.5}, 2, 1.5, 6},
		{"tolerance", Autoscale{TargetUtilization: 0.5}, 2, 0.54, 2},
		{"just out of tolerance", Autoscale{TargetUtilization: 0.5}, 2, 0.56, 3},
		{"max", Autoscale{TargetUtilization: 0.5, MaxReplicas: 5}, 2, 4, 5},
		{"step", Autoscale{TargetUtilization: 0.5, MaxScaleUpStep: 1}, 2, 4, 3},
		{"down is stabilized", Autoscale{TargetUtilization: 0.5, MinReplicas: 1}, 2, 0.1, 2},
		{"rps", Autoscale{Metric: MetricRPS, TargetRPS: 100}, 2, 250, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Replicas: tt.ready, Autoscale: tt.as})
			if err != nil {
				t.Fatal(err)
			}
			s.scaler.metric, s.scaler.hasValue = tt.metric, true
			s.evaluate(time.Now())
			if s.desired != tt.desired {
				t.Errorf("desired = %d, want %d", s.desired, tt.desired)
			}
			if got := len(s.pending); got != max(0, tt.desired-tt.ready) {
				t.Errorf("pending = %d", got)
			}
			s.Close()
		})
	}
}

func TestQueueTimeoutAndFull(t *testing.T) {
	s, url := start(t, Config{
		Replicas: 1, Slots: 1, QueueLimit: 1, QueueTimeout: 100 * time.Millisecond,
		Service: Dist{Fixed: 400 * time.Millisecond}, Autoscale: Autoscale{Enabled: &off},
	})
	c := client(4)
	first := make(chan result)
	go func() { first <- get(c, url) }()
	waitFor(t, func() bool { return s.State().InFlight == 1 })

	queued := make(chan result)
	go func() { queued <- get(c, url) }()
	waitFor(t, func() bool { return s.State().QueueDepth == 1 })
	if u := s.State().Utilization; u != 2 {
		t.Errorf("utilization with 1 busy + 1 queued on 1 slot = %v, want 2", u)
	}

	full := get(c, url)
	if full.code != http.StatusServiceUnavailable || full.latency > 100*time.Millisecond {
		t.Errorf("queue full: %d after %v, want 503 at once", full.code, full.latency)
	}
	q := <-queued
	if q.code != http.StatusServiceUnavailable || q.latency < 100*time.Millisecond || q.latency > 300*time.Millisecond {
		t.Errorf("queue timeout: %d after %v, want 503 after ~100ms", q.code, q.latency)
	}
	if r := <-first; r.code != http.StatusOK || r.replica != "1" {
		t.Errorf("first: %+v", r)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 3s")
}

func TestReplicaHeaderRoundRobin(t *testing.T) {
	_, url := start(t, Config{Replicas: 3, Service: Dist{Fixed: time.Millisecond}, Autoscale: Autoscale{Enabled: &off}})
	c := client(1)
	seen := map[string]int{}
	for range 9 {
		r := get(c, url+"/x")
		if r.code != http.StatusOK || r.replica == "" {
			t.Fatalf("response %+v", r)
		}
		seen[r.replica]++
	}
	if len(seen) != 3 || seen["1"] != 3 || seen["2"] != 3 || seen["3"] != 3 {
		t.Errorf("replicas seen = %v, want 3 each of 1..3", seen)
	}
}

func TestStateAndMetrics(t *testing.T) {
	s, url := start(t, Config{Replicas: 2, Service: Dist{Fixed: time.Millisecond}, Autoscale: Autoscale{Enabled: &off}})
	c := client(1)
	for range 5 {
		get(c, url+"/a")
	}
	resp, err := c.Get(url + "/_sim/state")
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ready", "desired", "pending", "queue_depth", "in_flight", "utilization"} {
		if _, ok := st[k]; !ok {
			t.Errorf("state has no %q: %v", k, st)
		}
	}
	if st["ready"] != 2.0 || st["requests"] != 5.0 {
		t.Errorf("state = %v, want ready 2, requests 5 (state calls are not load)", st)
	}

	resp, err = c.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	samples := map[string]string{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("bad exposition line %q", line)
		}
		samples[line[:i]] = line[i+1:]
	}
	for k, v := range map[string]string{
		"burstlab_sim_replicas_ready":                 "2",
		"burstlab_sim_replicas_desired":               "2",
		"burstlab_sim_replicas_pending":               "0",
		"burstlab_sim_queue_depth":                    "0",
		`burstlab_sim_requests_total{code="200"}`:     "5",
		"burstlab_sim_request_duration_seconds_count": "5",
	} {
		if samples[k] != v {
			t.Errorf("%s = %q, want %q", k, samples[k], v)
		}
	}
	// The latency buckets resolve a p99 within 5 %: neighbouring bounds
	// from 100 µs to 60 s differ by at most 1.05.
	var les []float64
	for k := range samples {
		if v, ok := strings.CutPrefix(k, `burstlab_sim_request_duration_seconds_bucket{le="`); ok {
			if le, err := strconv.ParseFloat(strings.TrimSuffix(v, `"}`), 64); err == nil && !math.IsInf(le, 1) {
				les = append(les, le)
			}
		}
	}
	sort.Float64s(les)
	if len(les) < 2 || les[0] > 100e-6*1.001 || les[len(les)-1] < 59.99 {
		t.Errorf("latency buckets %d, from %v: want 100µs..60s", len(les), les[:min(len(les), 1)])
	}
	for i := 1; i < len(les); i++ {
		if les[i]/les[i-1] > 1.0501 {
			t.Errorf("latency buckets %g and %g differ by more than 5 %%", les[i-1], les[i])
			break
		}
	}
	if len(s.Events()) != 1 || s.Events()[0].Kind != "start" {
		t.Errorf("events = %+v, want only start", s.Events())
	}
}

func TestErrorRateAndRoutes(t *testing.T) {
	s, err := New(Config{
		Service:   Dist{Fixed: time.Microsecond},
		Routes:    []Route{{Pattern: "/users/*/teams", Service: Dist{Fixed: 2 * time.Microsecond}}},
		ErrorRate: 0.3, Autoscale: Autoscale{Enabled: &off},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 2000
	fails := 0
	for i := range n {
		path := "/other"
		if i%2 == 0 {
			path = fmt.Sprintf("/users/%d/teams", i)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		switch w.Code {
		case http.StatusInternalServerError:
			fails++
		case http.StatusOK:
		default:
			t.Fatalf("status %d", w.Code)
		}
		if hasRoute := strings.Contains(w.Body.String(), `"route":"/users/*/teams"`); hasRoute != (i%2 == 0) {
			t.Fatalf("%s: body %s", path, w.Body)
		}
	}
	if r := float64(fails) / n; r < 0.25 || r > 0.35 {
		t.Errorf("error ratio %.3f, want ~0.3", r)
	}
}

func TestLognormal(t *testing.T) {
	d := Dist{Median: 20 * time.Millisecond, P99: 200 * time.Millisecond}
	src := newSource(1)
	const n = 20000
	var below50, below99 int
	for range n {
		v, _ := src.draw(d, 0)
		if v <= d.Median {
			below50++
		}
		if v <= d.P99 {
			below99++
		}
	}
	if f := float64(below50) / n; f < 0.48 || f > 0.52 {
		t.Errorf("P(<= median) = %.3f, want 0.5", f)
	}
	if f := float64(below99) / n; f < 0.985 || f > 0.995 {
		t.Errorf("P(<= p99) = %.3f, want 0.99", f)
	}
	a, _ := newSource(7).draw(d, 0)
	b, _ := newSource(7).draw(d, 0)
	if a != b {
		t.Errorf("same seed drew %v and %v", a, b)
	}
}

func TestCloseReleasesRequests(t *testing.T) {
	s, url := start(t, Config{Replicas: 1, Slots: 1, Service: Dist{Fixed: time.Minute}, Autoscale: Autoscale{Enabled: &off}})
	c := client(2)
	res := make(chan result, 2)
	go func() { res <- get(c, url) }()
	go func() { res <- get(c, url) }()
	waitFor(t, func() bool { st := s.State(); return st.InFlight == 1 && st.QueueDepth == 1 })
	t0 := time.Now()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	for range 2 {
		if r := <-res; r.code == http.StatusOK {
			t.Errorf("request after Close: %+v", r)
		}
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
}

func BenchmarkServeHTTP(b *testing.B) {
	s, err := New(Config{Replicas: 4, Slots: 1024, Service: Dist{Fixed: time.Microsecond}, Autoscale: Autoscale{Enabled: &off}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", "/users/1/teams", nil)
		for pb.Next() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
		}
	})
}

func TestRPSMetric(t *testing.T) {
	s, err := New(Config{Replicas: 2, Autoscale: Autoscale{Metric: MetricRPS, TargetRPS: 50, Interval: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Now()
	s.sample(t0)
	s.arrivals = 200
	s.sample(t0.Add(time.Second))
	if m := s.scaler.metric; m != 100 {
		t.Fatalf("rps per replica = %v, want 100", m)
	}
	s.evaluate(t0.Add(time.Second))
	if s.desired != 4 {
		t.Errorf("desired = %d, want ceil(200/50) = 4", s.desired)
	}
}
