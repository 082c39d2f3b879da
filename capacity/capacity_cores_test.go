//go:build cores

package capacity

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/burst"
)

// slotServer serves `slots` requests at once, each for exactly `service`,
// the others in turn from a queue that holds a request up to `queue` (then
// 503): it can serve slots/service requests a second and no more. A slot
// is free again at its start plus service on the server's own schedule,
// not when its handler wakes up, so timer delays on a busy machine do not
// lower that capacity; a request the client gave up on keeps its slot, as
// a real server that does not notice would.
func slotServer(slots int, service, queue time.Duration) *httptest.Server {
	var mu sync.Mutex
	free := make([]time.Time, slots) // when each slot is free again
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		mu.Lock()
		i := 0
		for j := range free {
			if free[j].Before(free[i]) {
				i = j
			}
		}
		start := free[i]
		if start.Before(now) {
			start = now
		}
		if start.Sub(now) > queue {
			mu.Unlock()
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		done := start.Add(service)
		free[i] = done
		mu.Unlock()
		t := time.NewTimer(time.Until(done))
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
	}))
}

// steadySpec is a steady search of url with steps of 2 s (1 s warm-up).
func steadySpec(url string, from, to, slo float64, engine ...attack.Option) Spec {
	tgt := vegeta.Target{Method: "GET", URL: url + "/"}
	return Spec{
		Mode: Steady,
		Attack: &burst.AttackSpec{Name: "slots", Targets: []vegeta.Target{tgt},
			Engine: append(engine, attack.WithClient(attack.Client{Timeout: 5 * time.Second}))},
		Search:   Search{From: from, To: to, Growth: 2, Precision: 0.05},
		Step:     2 * time.Second,
		Warmup:   time.Second,
		Criteria: Criteria{SLOP99Ms: slo, MaxErrorRatio: 0.01},
	}
}

// TestCapacityOfSlots: a server of 8 slots taking 20 ms each holds 400/s,
// one of 16 slots taking 10 ms 1,600/s, both with a 5 s queue; the search
// finds each within 10%. About 7 steps of 2 s each, with the target given
// time to settle after each step it failed. No retry: a wrong answer fails.
func TestCapacityOfSlots(t *testing.T) {
	for _, c := range []struct {
		slots     int
		service   time.Duration
		from, slo float64
	}{
		{8, 20 * time.Millisecond, 150, 100},
		{16, 10 * time.Millisecond, 500, 100},
	} {
		want := float64(c.slots) / c.service.Seconds()
		srv := slotServer(c.slots, c.service, 5*time.Second)
		res, err := Find(context.Background(), steadySpec(srv.URL, c.from, 5000, c.slo), burst.Options{})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		WriteTable(&b, res)
		if !res.Found || *res.CapacityRPS < want*0.9 || *res.CapacityRPS > want*1.1 {
			t.Errorf("%d slots x %v: want a capacity within 10%% of %g/s:\n%s", c.slots, c.service, want, b.String())
			continue
		}
		t.Logf("%d slots x %v:\n%s", c.slots, c.service, b.String())
	}
}

// TestGeneratorIsTheLimit: a generator allowed 2 requests in flight cannot
// send 400/s at a target answering in 10 ms (it can send 200/s at most),
// whatever the target could take. The search says so and gives no
// capacity. Two steps of 2 s.
func TestGeneratorIsTheLimit(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		time.Sleep(10 * time.Millisecond)
	}))
	defer srv.Close()
	spec := steadySpec(srv.URL, 100, 5000, 100, attack.Workers(2), attack.MaxWorkers(2))
	spec.Search.Growth = 4
	res, err := Find(context.Background(), spec, burst.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteTable(&b, res)
	if res.Limit != LimitGenerator || res.CapacityRPS != nil || !res.GeneratorLimited {
		t.Fatalf("limit %q, capacity %v: want the generator named and no capacity\n%s", res.Limit, res.CapacityRPS, b.String())
	}
	last := res.Steps[len(res.Steps)-1]
	if last.Level != 400 || !strings.Contains(res.Line, "the generator, not the target, is the limit") {
		t.Errorf("want the generator named at 400/s:\n%s", b.String())
	}
}
