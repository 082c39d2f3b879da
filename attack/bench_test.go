//go:build !race

package attack

import (
	"context"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// BenchmarkBurst plans 2,000 requests within 100 ms against a loopback server
// and reports the p99 lateness seen at the server and the connections the
// client dialed on demand during the run (the goal: p99 <= 2 ms, 0 dials).
func BenchmarkBurst(b *testing.B) {
	srv := newArrivalServer(b, func(w http.ResponseWriter, r *http.Request) {})
	plan := evenPlan(srv.URL, 2000, 300*time.Millisecond, 100*time.Millisecond)
	var p99s []float64
	var cold int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		st, err := New(Timeout(5*time.Second)).Run(context.Background(), sliceSource(plan), start, func(Result) {})
		if err != nil {
			b.Fatal(err)
		}
		late, missing := srv.lateness(start, plan)
		if missing > 0 {
			b.Fatalf("%d planned requests never arrived", missing)
		}
		p99s = append(p99s, float64(quantile(late, 0.99))/1e6)
		cold += st.ColdDials
	}
	slices.Sort(p99s)
	b.ReportMetric(p99s[len(p99s)/2], "p99-late-ms")
	b.ReportMetric(float64(cold)/float64(b.N), "dials/burst")
}

// BenchmarkEngineVsVegeta sends 20,000 requests as fast as each can to the
// same loopback server, alternating burstlab's engine (a plan due all at
// once) and a bare vegeta Attacker (rate 0, 32 workers), and reports both
// median rates, the median of the pairwise ratios and the engine's allocated
// bytes per request.
func BenchmarkEngineVsVegeta(b *testing.B) {
	const n = 20000
	srv := newArrivalServer(b, func(w http.ResponseWriter, r *http.Request) {})
	// Both send the same request, so the server does the same work for each.
	plan := evenPlan(srv.URL, n, 0, time.Millisecond)
	for i := range plan {
		plan[i].URL = srv.URL + "/v"
	}
	var eng, veg []float64
	var bytesPerReq float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		t0 := time.Now()
		if _, err := New(Timeout(5*time.Second)).Run(context.Background(), sliceSource(plan), t0, func(Result) {}); err != nil {
			b.Fatal(err)
		}
		eng = append(eng, n/time.Since(t0).Seconds())
		runtime.ReadMemStats(&m1)
		bytesPerReq = float64(m1.TotalAlloc-m0.TotalAlloc) / n

		atk := vegeta.NewAttacker(vegeta.Workers(32), vegeta.MaxWorkers(32), vegeta.Timeout(5*time.Second))
		tr := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: srv.URL + "/v"})
		t0 = time.Now()
		got := 0
		for range atk.Attack(tr, vegeta.ConstantPacer{}, 0, "") {
			if got++; got == n {
				atk.Stop()
			}
		}
		veg = append(veg, float64(got)/time.Since(t0).Seconds())
	}
	// The ratio is taken pair by pair (each engine run against the vegeta
	// run right after it), so drift in the machine's speed cancels out.
	ratios := make([]float64, len(eng))
	for i := range eng {
		ratios[i] = eng[i] / veg[i]
	}
	slices.Sort(ratios)
	slices.Sort(eng)
	slices.Sort(veg)
	b.ReportMetric(eng[len(eng)/2], "engine-req/s")
	b.ReportMetric(veg[len(veg)/2], "vegeta-req/s")
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(bytesPerReq, "B/req")
}
