package profiles

import (
	"strings"
	"sync"
	"testing"
)

// everything uses every shape, both arrival kinds, jitter and templates.
const everything = `name: everything
seed: 42
duration: 60s
target: {url: "http://127.0.0.1:9"}
streams:
  - name: constant
    requests:
      - {weight: 2, path: "/a/{rand:1..1000}"}
      - {method: POST, path: "/b/{choice:x,y,z}", body: '{"n": {seq}}'}
    constant: {rate: 50}
  - {name: ramp, arrivals: poisson, request: {path: /r}, ramp: {from: 10, to: 100, duration: 20s, start: 5s}}
  - {name: stages, request: {path: /s}, stages: [{rate: 30, duration: 10s}, {rate: 5, duration: 30s}]}
  - {name: spike, arrivals: poisson, request: {path: /k}, spike: {base: 5, peak: 200, start: 20s, rise: 1s, hold: 3s, fall: 2s}}
  - {name: sine, request: {path: /w}, sine: {mean: 20, amplitude: 10, period: 15s}}
  - name: fanout
    burst: true
    request: {path: "/users/{subscriber}/teams", headers: {X-Event: "{event}"}}
    fanout:
      events: {rate: 0.5, poisson: true, start: 10s, duration: 20s}
      subscribers: {from: 100, to: 399}
      reaction: {dist: lognormal, median: 300ms, p99: 2s}
  - name: fixed-fanout
    request: {path: "/f/{subscriber}"}
    fanout:
      events: {count: 5, start: 30s, over: 10s}
      subscribers: 200
      reaction: {dist: uniform, min: 0s, max: 1s}
      coalesce: 4s
`

func TestSamePlanBitForBit(t *testing.T) {
	want := hashPlan(mustPlan(t, everything))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got := hashPlan(mustPlan(t, everything)); got != want {
				t.Errorf("plan hash %s, want %s", got, want)
			}
		})
	}
	wg.Wait()
	// Each Schedule starts the same sequence again.
	pl := mustPlan(t, everything)
	if hashPlan(pl) != hashPlan(pl) || hashPlan(pl) != want {
		t.Error("a second Schedule differs")
	}
}

func TestSeedMovesRandomPartsOnly(t *testing.T) {
	a := mustPlan(t, everything)
	b := mustPlan(t, strings.Replace(everything, "seed: 42", "seed: 43", 1))
	if hashPlan(a) == hashPlan(b) {
		t.Fatal("another seed gave the same plan")
	}
	for i, s := range a.Streams {
		o := b.Streams[i]
		switch s.Name {
		case "constant", "stages", "sine", "fixed-fanout":
			// Even arrivals and a fixed event list: totals are deterministic.
			if s.Total != o.Total {
				t.Errorf("%s: total %d with seed 42, %d with 43", s.Name, s.Total, o.Total)
			}
		}
	}
	// Poisson arrival times and jittered reactions move.
	for _, name := range []string{"ramp", "spike", "fixed-fanout"} {
		i := streamIndex(a, name)
		if times(a, i) == times(b, i) {
			t.Errorf("%s: the seed did not move its arrivals", name)
		}
	}
	// Even arrivals stay where they are.
	for _, name := range []string{"stages", "sine"} {
		i := streamIndex(a, name)
		if times(a, i) != times(b, i) {
			t.Errorf("%s: the seed moved even arrivals", name)
		}
	}
}

func streamIndex(pl *Plan, name string) int {
	for i, s := range pl.Streams {
		if s.Name == name {
			return i
		}
	}
	panic(name)
}

// times lists stream i's arrival times as text.
func times(pl *Plan, i int) string {
	var b strings.Builder
	for _, a := range arrivals(pl) {
		if a.Stream == i {
			b.WriteString(a.Intended.String() + " ")
		}
	}
	return b.String()
}

func TestPlanTotalsAndBurst(t *testing.T) {
	pl := mustPlan(t, everything)
	var sum int64
	for _, s := range pl.Streams {
		var n int64
		for _, c := range s.PerSecond {
			n += c
		}
		if n != s.Total {
			t.Errorf("%s: per-second counts add to %d, total %d", s.Name, n, s.Total)
		}
		sum += s.Total
	}
	as := arrivals(pl)
	if int64(len(as)) != pl.Total || sum != pl.Total {
		t.Fatalf("schedule has %d arrivals, streams %d, plan %d", len(as), sum, pl.Total)
	}
	if pl.Streams[streamIndex(pl, "fixed-fanout")].Total >= 1000 {
		t.Error("coalescing did not merge the 5 events in 4 s windows")
	}
	fan := streamIndex(pl, "fanout")
	var first, last = -1, -1
	for i, a := range as {
		if a.Seq != int64(i) {
			t.Fatalf("arrival %d has Seq %d", i, a.Seq)
		}
		if i > 0 && a.Intended < as[i-1].Intended {
			t.Fatalf("arrival %d out of order", i)
		}
		if a.Stream == fan {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if !pl.Burst.Marked || pl.Burst.Start != as[first].Intended || pl.Burst.End != as[last].Intended {
		t.Errorf("burst %+v, want %v..%v", pl.Burst, as[first].Intended, as[last].Intended)
	}
}

func TestMaxRateIsEnforced(t *testing.T) {
	_, err := NewPlan(mustParse(t, strings.Replace(everything, "duration: 60s", "duration: 60s\nmax_rate: 100", 1)))
	if err == nil || !strings.HasPrefix(err.Error(), "test.yaml:4:11: max_rate: the plan peaks at") {
		t.Fatalf("error %v", err)
	}
	if !IsError(err) {
		t.Error("not a profile error")
	}
}

func TestPlanOutput(t *testing.T) {
	pl := mustPlan(t, head+"streams:\n  - {name: s, request: {path: /}, ramp: {from: 0, to: 80, duration: 8s}}\n")
	var b strings.Builder
	if err := WritePlan(&b, pl); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"t: 1m0s, seed 7, 320 requests, peak 75/s at 7s", "| s", "ramp 0→80/s over 8s from 0s", "s   |▁▂▃▄▅▆▇█", "| 75/s"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	j := pl.JSON()
	if j.Total != 320 || len(j.Streams[0].PerSecond) != 60 || j.Streams[0].PerSecond[7] != 75 {
		t.Errorf("JSON %+v", j)
	}
}

func TestSparkline(t *testing.T) {
	if got, per := Sparkline([]int64{0, 1, 2, 4, 8}, 10); got != " ▁▂▄█" || per != 1 {
		t.Errorf("%q %d", got, per)
	}
	if got, per := Sparkline([]int64{1, 8, 0, 0, 4, 4}, 3); got != "█ ▄" || per != 2 {
		t.Errorf("%q %d", got, per)
	}
}
