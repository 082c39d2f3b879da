//go:build long

package capacity

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/burst"
)

// slotServer serves `slots` requests at once, each for `service`; the
// others wait for a free slot. It can serve slots/service requests a
// second and no more.
func slotServer(slots int, service time.Duration) *httptest.Server {
	sem := make(chan struct{}, slots)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		time.Sleep(service)
		<-sem
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

// TestCapacityOfSlots: a server of 8 slots taking 20 ms each holds 400/s;
// the search finds it within 10%. About 7 steps of 2 s. Real timing on a
// shared machine: a miss is retried once.
func TestCapacityOfSlots(t *testing.T) {
	t.Parallel()
	const want = 400.0
	for attempt := 1; ; attempt++ {
		srv := slotServer(8, 20*time.Millisecond)
		res, err := Find(context.Background(), steadySpec(srv.URL, 150, 5000, 50), burst.Options{})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.Found && *res.CapacityRPS >= want*0.9 && *res.CapacityRPS <= want*1.1 {
			t.Logf("%s", res.Line)
			return
		}
		var b strings.Builder
		WriteTable(&b, res)
		if attempt == 2 {
			t.Fatalf("want a capacity within 10%% of %g/s:\n%s", want, b.String())
		}
		t.Logf("retrying once (busy machine?):\n%s", b.String())
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
