package profiles

import (
	"runtime"
	"testing"
	"time"
)

// tenMillion plans about 10M arrivals over an hour: a Poisson ramp, a sine
// and a fan-out of 2000 events to 2000 subscribers.
const tenMillion = `name: ten-million
duration: 1h
target: {url: "http://127.0.0.1:9"}
streams:
  - {name: ramp, arrivals: poisson, request: {path: "/r/{seq}"}, ramp: {from: 500, to: 1500, duration: 1h}}
  - {name: sine, request: {path: /s}, sine: {mean: 1000, amplitude: 500, period: 10m}}
  - name: fanout
    request: {path: "/users/{subscriber}/teams"}
    fanout:
      events: {rate: 0.5556, poisson: true}
      subscribers: 2000
      reaction: {dist: lognormal, median: 500ms, p99: 4s}
`

// BenchmarkPlan10M plans about 10M arrivals (NewPlan counts them, then one
// Schedule walks them again) and reports time and allocations per arrival
// and the heap in use at the end, which stays flat however long the plan.
func BenchmarkPlan10M(b *testing.B) {
	p := mustParse(b, tenMillion)
	b.ReportAllocs()
	var n int64
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for b.Loop() {
		pl, err := NewPlan(p)
		if err != nil {
			b.Fatal(err)
		}
		sc := pl.Schedule()
		for {
			if _, ok := sc.Next(); !ok {
				break
			}
			n++
		}
		n += pl.Total
	}
	elapsed := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(n), "ns/arrival")
	b.ReportMetric(float64(ms.Mallocs-before.Mallocs)/float64(n), "allocs/arrival")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap-in-use")
}
