package attack

import (
	"github.com/burstlab/burstlab/attack/outcome"

	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// run sends plan with opts and returns the results by sequence number.
func run(t *testing.T, ctx context.Context, plan []Request, opts ...Option) (map[int64]outcome.Result, Stats) {
	t.Helper()
	got := map[int64]outcome.Result{}
	st, err := New(opts...).Run(ctx, sliceSource(plan), time.Now(), func(r outcome.Result) {
		if _, dup := got[r.Seq]; dup {
			t.Errorf("two results for request %d", r.Seq)
		}
		got[r.Seq] = r
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, st
}

// TestAttribution checks that every result is matched to exactly its planned
// request: the server echoes the path, and the result must carry the stream
// and intended time of the request that asked for that path, even though
// vegeta's workers run in any order.
func TestAttribution(t *testing.T) {
	srv := newArrivalServer(t, func(w http.ResponseWriter, r *http.Request) {
		// A random-ish delay shuffles completion order.
		seq, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		time.Sleep(time.Duration(seq%7) * time.Millisecond)
		if seq%5 == 0 {
			w.WriteHeader(http.StatusTeapot)
		}
		io.WriteString(w, r.URL.Path)
	})
	plan := evenPlan(srv.URL, 600, 0, 300*time.Millisecond)
	for i := range plan {
		plan[i].Stream = i % 3
	}
	got, st := run(t, context.Background(), plan, Timeout(5*time.Second))
	if len(got) != len(plan) || st.Sent != int64(len(plan)) {
		t.Fatalf("%d results, %d sent, want %d", len(got), st.Sent, len(plan))
	}
	for _, p := range plan {
		r := got[p.Seq]
		if r.Stream != p.Stream || r.Intended != p.Intended || r.Attempt != 0 {
			t.Fatalf("request %d: got stream %d at %v, planned stream %d at %v", p.Seq, r.Stream, r.Intended, p.Stream, p.Intended)
		}
		wantCode := uint16(200)
		if p.Seq%5 == 0 {
			wantCode = http.StatusTeapot
		}
		if r.Code != wantCode {
			t.Fatalf("request %d: code %d, want %d (results swapped?)", p.Seq, r.Code, wantCode)
		}
		// Requests due within a millisecond may leave that much early.
		if r.Latency() < r.End-r.Sent-time.Millisecond || r.Sent < r.Intended-time.Millisecond {
			t.Fatalf("request %d: times out of order: intended %v sent %v end %v", p.Seq, r.Intended, r.Sent, r.End)
		}
	}
}

// TestCoordinatedOmission runs a constant 500/s schedule for 3 s against a
// server that freezes for 1 s, with only 10 workers. Requests planned during
// the freeze wait, and their latency counts from when they were meant to
// leave: p99 must show the freeze (a tool suffering from coordinated
// omission would report milliseconds).
func TestCoordinatedOmission(t *testing.T) {
	start := time.Now().Add(100 * time.Millisecond)
	freezeFrom, freezeTo := start.Add(time.Second), start.Add(2*time.Second)
	srv := newArrivalServer(t, func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if now.After(freezeFrom) && now.Before(freezeTo) {
			time.Sleep(freezeTo.Sub(now))
		}
	})
	plan := evenPlan(srv.URL, 1500, 0, 3*time.Second)
	var lat []time.Duration
	_, err := New(Workers(10), MaxWorkers(10), Timeout(5*time.Second)).Run(context.Background(), sliceSource(plan), start, func(r outcome.Result) {
		if r.Class != outcome.OK {
			t.Errorf("request %d: %v %s", r.Seq, r.Class, r.Error)
		}
		lat = append(lat, r.Latency())
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lat)
	p99 := quantile(lat, 0.99)
	t.Logf("p50 %v p99 %v max %v over %d", quantile(lat, 0.5), p99, lat[len(lat)-1], len(lat))
	if len(lat) != len(plan) {
		t.Fatalf("%d results, want %d", len(lat), len(plan))
	}
	if p99 < 800*time.Millisecond {
		t.Errorf("p99 %v hides the 1 s freeze", p99)
	}
}

// TestFaults checks that a run against a broken target finishes, classifies
// every failure and reports every planned request.
func TestFaults(t *testing.T) {
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	hanging := func() string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	resetting := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					buf := make([]byte, 1024)
					c.Read(buf)
					c.(*net.TCPConn).SetLinger(0)
					c.Close()
				}()
			}
		}()
		return "http://" + l.Addr().String()
	}
	bigBody := func() string {
		chunk := make([]byte, 1<<20)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 10; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	endless := func() string {
		chunk := make([]byte, 64<<10)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	redirectLoop := func() string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	brokenOff := func() string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			w.Write([]byte("the first bytes"))
			w.(http.Flusher).Flush()
			c, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				c.Close()
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	cases := []struct {
		name    string
		target  func() string
		want    outcome.Class
		n       int
		timeout time.Duration
	}{
		{"dead target", refused, outcome.Refused, 50, 500 * time.Millisecond},
		{"hanging target", hanging, outcome.TimedOut, 20, 500 * time.Millisecond},
		{"resetting target", resetting, outcome.Reset, 50, 500 * time.Millisecond},
		{"10 MB body", bigBody, outcome.OK, 10, 10 * time.Second},
		{"endless body", endless, outcome.TimedOut, 5, 500 * time.Millisecond},
		// The target answered both: its failures are its own, not a
		// request that never reached it.
		{"redirect loop", redirectLoop, outcome.Redirects, 5, 2 * time.Second},
		{"closed after its headers", brokenOff, outcome.Truncated, 5, 2 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := evenPlan(c.target(), c.n, 0, 200*time.Millisecond)
			began := time.Now()
			got, st := run(t, context.Background(), plan, Timeout(c.timeout), MaxBody(64<<10))
			if len(got) != c.n || st.Unsent != 0 {
				t.Fatalf("%d results (%d unsent), want %d", len(got), st.Unsent, c.n)
			}
			classes := map[outcome.Class]int{}
			for _, r := range got {
				classes[r.Class]++
				if r.BytesIn > 64<<10 {
					t.Errorf("kept %d body bytes, cap is 64 KiB", r.BytesIn)
				}
			}
			if classes[c.want] != c.n {
				t.Errorf("classes %v, want all %v", classes, c.want)
			}
			if d := time.Since(began); d > c.timeout+5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestStop cancels a run half way: it returns promptly, every request
// released before the stop has a result, and the rest were never sent.
func TestStop(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	srv := newArrivalServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	})
	plan := evenPlan(srv.URL, 400, 0, 4*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)
	began := time.Now()
	got, st := run(t, ctx, plan, Timeout(2*time.Second))
	took := time.Since(began)
	if !st.Stopped {
		t.Error("run not marked stopped")
	}
	if took > 2*time.Second {
		t.Errorf("stop took %v", took)
	}
	ok, unsent := 0, 0
	for _, r := range got {
		switch r.Class {
		case outcome.OK:
			ok++
		case outcome.Unsent:
			unsent++
		default:
			t.Errorf("request %d: %v %s", r.Seq, r.Class, r.Error)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if ok != hits || ok < 80 || ok > 120 {
		t.Errorf("%d ok results, server saw %d, want about 100", ok, hits)
	}
	if int64(unsent) != st.Unsent {
		t.Errorf("%d unsent results, stats say %d", unsent, st.Unsent)
	}
}

// TestRetries checks that failed requests are tried again after the delay,
// tagged as retries, up to the attempts allowed.
func TestRetries(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := newArrivalServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		n := seen[r.URL.Path]
		mu.Unlock()
		if n < 3 { // fail twice, then succeed
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	plan := evenPlan(srv.URL, 50, 0, 250*time.Millisecond)
	retry := func(r outcome.Result) (time.Duration, bool) {
		return 100 * time.Millisecond, r.Class == outcome.Status5xx && r.Attempt < 3
	}
	var results []outcome.Result
	began := time.Now()
	st, err := New(Retries(retry), Timeout(time.Second)).Run(context.Background(), sliceSource(plan), began, func(r outcome.Result) {
		results = append(results, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The last attempts are planned at about 450 ms; once they are answered
	// the run is over (it used to tick idly on, for minutes at times).
	if took := time.Since(began); took > 3*time.Second {
		t.Errorf("the run took %v to end", took)
	}
	if len(results) != 150 || st.Retries != 100 {
		t.Fatalf("%d results, %d retries; want 150 and 100", len(results), st.Retries)
	}
	byAttempt := map[int][]outcome.Result{}
	for _, r := range results {
		byAttempt[r.Attempt] = append(byAttempt[r.Attempt], r)
	}
	for a, want := range map[int]outcome.Class{0: outcome.Status5xx, 1: outcome.Status5xx, 2: outcome.OK} {
		if len(byAttempt[a]) != 50 {
			t.Fatalf("attempt %d: %d results, want 50", a, len(byAttempt[a]))
		}
		for _, r := range byAttempt[a] {
			if r.Class != want {
				t.Errorf("attempt %d: class %v, want %v", a, r.Class, want)
			}
			if a > 0 && r.Intended < 100*time.Millisecond*time.Duration(a) {
				t.Errorf("attempt %d planned at %v, before its backoff", a, r.Intended)
			}
		}
	}
}

// TestRedirects checks that a request's timeout covers its whole redirect
// chain (a chain that is slow in total times out even though each hop is
// quicker than the timeout), that a quick chain ends at its last hop, and
// that with redirects off the redirect itself is the result.
func TestRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hop, _ := strconv.Atoi(r.URL.Query().Get("hop"))
		pause, _ := time.ParseDuration(r.URL.Query().Get("pause"))
		select {
		case <-time.After(pause):
		case <-r.Context().Done():
			return
		}
		if hop < 3 {
			http.Redirect(w, r, fmt.Sprintf("/next?hop=%d&pause=%s", hop+1, pause), http.StatusFound)
			return
		}
		io.WriteString(w, "end of the chain")
	}))
	defer srv.Close()
	cases := []struct {
		name      string
		pause     time.Duration // at each of the 4 hops
		redirects int
		code      uint16
		class     outcome.Class
	}{
		{"quick chain", 20 * time.Millisecond, 0, 200, outcome.OK},
		{"slow chain", 300 * time.Millisecond, 0, 0, outcome.TimedOut},
		{"redirects off", 20 * time.Millisecond, -1, 302, outcome.OK},
	}
	const timeout = 700 * time.Millisecond
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := evenPlan(srv.URL, 5, 0, 50*time.Millisecond)
			for i := range plan {
				plan[i].URL = fmt.Sprintf("%s/first?pause=%s", srv.URL, c.pause)
			}
			got, _ := run(t, context.Background(), plan, WithClient(Client{Timeout: timeout, Redirects: c.redirects}))
			for _, r := range got {
				if r.Code != c.code || r.Class != c.class {
					t.Errorf("request %d: code %d class %v (%s), want %d %v", r.Seq, r.Code, r.Class, r.Error, c.code, c.class)
				}
				if took := r.End - r.Sent; took > timeout+200*time.Millisecond {
					t.Errorf("request %d took %v, timeout %v", r.Seq, took, timeout)
				}
			}
			if len(got) != len(plan) {
				t.Errorf("%d results, want %d", len(got), len(plan))
			}
		})
	}
}

// TestConnectionsClosed checks that a run leaves no connection open at the
// target once it returns: neither the pre-dialed ones nor the kept-alive.
func TestConnectionsClosed(t *testing.T) {
	srv := newArrivalServer(t, nil)
	plan := evenPlan(srv.URL, 500, 100*time.Millisecond, 200*time.Millisecond)
	got, _ := run(t, context.Background(), plan, Timeout(2*time.Second))
	if len(got) != len(plan) {
		t.Fatalf("%d results, want %d", len(got), len(plan))
	}
	deadline := time.Now().Add(2 * time.Second)
	for srv.closed.Load() < srv.conns.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if open := srv.conns.Load() - srv.closed.Load(); open != 0 || srv.conns.Load() == 0 {
		t.Errorf("%d of %d connections still open after the run", open, srv.conns.Load())
	}
}
