package profiles

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFanOutFixedReaction(t *testing.T) {
	pl := mustPlan(t, head+`streams:
  - name: f
    request: {path: "/users/{subscriber}/teams?e={event}"}
    fanout:
      events: {at: [2500ms, 1s]}
      subscribers: 100
      reaction: {value: 500ms}
`)
	sp := pl.Streams[0]
	if sp.Total != 200 || sp.PerSecond[1] != 100 || sp.PerSecond[3] != 100 {
		t.Fatalf("total %d, per second %v", sp.Total, sp.PerSecond[:5])
	}
	as := arrivals(pl)
	if as[0].Intended != 1500*time.Millisecond || as[199].Intended != 3*time.Second {
		t.Errorf("first %v last %v", as[0].Intended, as[199].Intended)
	}
	if r := pl.Request(as[0]); r.Path != "/users/0/teams?e=0" {
		t.Errorf("path %q", r.Path)
	}
}

func TestFanOutSubscriberRange(t *testing.T) {
	pl := mustPlan(t, head+`streams:
  - name: f
    request: {path: "/users/{subscriber}/teams"}
    fanout:
      events: {count: 3, start: 10s, over: 3s}
      subscribers: {from: 1000, to: 1999}
      reaction: {dist: uniform, min: 0s, max: 2s}
`)
	seen := map[string]int{}
	for _, a := range arrivals(pl) {
		if a.Subscriber < 1000 || a.Subscriber > 1999 {
			t.Fatalf("subscriber %d outside 1000..1999", a.Subscriber)
		}
		seen[pl.Request(a).Path]++
	}
	if len(seen) != 1000 || pl.Total != 3000 {
		t.Fatalf("%d distinct paths, total %d", len(seen), pl.Total)
	}
	for p, n := range seen {
		if n != 3 {
			t.Fatalf("%s fetched %d times, want 3", p, n)
		}
	}
}

func TestFanOutEventRate(t *testing.T) {
	const src = head + `streams:
  - name: f
    request: {path: /}
    fanout:
      events: {rate: 2, start: 10s, duration: 5s}
      subscribers: 3
`
	pl := mustPlan(t, src)
	if pl.Total != 30 {
		t.Fatalf("even events: total %d, want 10 events × 3", pl.Total)
	}
	var total int64
	for seed := 1; seed <= 40; seed++ {
		pp := mustPlan(t, replace(replace(src, "seed: 7", "seed: "+strconv.Itoa(seed)), "rate: 2,", "rate: 2, poisson: true,"))
		if pp.Total%3 != 0 {
			t.Fatalf("poisson events: total %d is not a multiple of 3 subscribers", pp.Total)
		}
		total += pp.Total
	}
	if mean := float64(total) / 40 / 3; math.Abs(mean-10) > 1.5 {
		t.Errorf("poisson events: mean %v events, want 10", mean)
	}
}

// replace replaces the one occurrence of old in s, which must be there.
func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("no " + old)
	}
	return strings.Replace(s, old, new, 1)
}

func TestFanOutLognormalReaction(t *testing.T) {
	pl := mustPlan(t, head+`streams:
  - name: f
    request: {path: /}
    fanout:
      events: {at: [0s]}
      subscribers: 20000
      reaction: {dist: lognormal, median: 1s, p99: 5s}
`)
	var ds []float64
	for _, a := range arrivals(pl) {
		ds = append(ds, a.Intended.Seconds())
	}
	slices.Sort(ds)
	n := len(ds)
	if med := ds[n/2]; math.Abs(med-1) > 0.04 {
		t.Errorf("median %v, want 1s", med)
	}
	if p99 := ds[n*99/100]; math.Abs(p99-5)/5 > 0.1 {
		t.Errorf("p99 %v, want 5s", p99)
	}
}

// TestFanOutCoalesce: events every second for 20 s, a 5 s window: each
// subscriber refetches once per window that saw an event, when it closes.
func TestFanOutCoalesce(t *testing.T) {
	const src = head + `streams:
  - name: f
    request: {path: /}
    fanout:
      events: {count: 20, start: 10s, over: 20s}
      subscribers: 100
      coalesce: 5s
`
	pl := mustPlan(t, src)
	if plain := mustPlan(t, replace(src, "coalesce: 5s", "coalesce: 0s")); plain.Total != 2000 {
		t.Fatalf("without coalescing: %d, want 2000", plain.Total)
	}
	bySub := map[int64][]time.Duration{}
	for _, a := range arrivals(pl) {
		bySub[a.Subscriber] = append(bySub[a.Subscriber], a.Intended)
		// Some event reached the subscriber in the window that just closed.
		ev := 10*time.Second + time.Duration(a.Event)*time.Second
		if a.Intended <= ev || a.Intended > ev+5*time.Second {
			t.Fatalf("refetch at %v for event %d at %v", a.Intended, a.Event, ev)
		}
	}
	if len(bySub) != 100 {
		t.Fatalf("%d subscribers refetched", len(bySub))
	}
	for s, ts := range bySub {
		// 20 one-second-apart events touch 4 or 5 windows of 5 s.
		if len(ts) < 4 || len(ts) > 5 {
			t.Fatalf("subscriber %d refetched %d times", s, len(ts))
		}
		for i := 1; i < len(ts); i++ {
			if d := ts[i] - ts[i-1]; d != 5*time.Second {
				t.Fatalf("subscriber %d: refetches %v apart", s, d)
			}
		}
	}
	if pl.Total >= 500 || pl.Total <= 400 {
		t.Errorf("coalesced total %d, want within (400, 500)", pl.Total)
	}
}

// TestFanOutHoldsOnlyOverlappingEvents checks the memory bound: a long
// fan-out never keeps more events expanded than overlap in time.
func TestFanOutHoldsOnlyOverlappingEvents(t *testing.T) {
	pl := mustPlan(t, `name: t
duration: 1000s
target: {url: "http://127.0.0.1:9"}
streams:
  - name: f
    request: {path: /}
    fanout:
      events: {rate: 1}
      subscribers: 50
      reaction: {dist: uniform, min: 0s, max: 2s}
`)
	i := slices.IndexFunc(pl.Profile.Streams, func(s Stream) bool { return s.FanOut != nil })
	g := newFanOutGen(pl.Profile.Streams[i].FanOut, pl.Profile.Duration, 7, 0)
	most := 0
	for n := 0; ; n++ {
		if _, ok := g.peek(); !ok {
			if n != 50000 {
				t.Fatalf("%d arrivals, want 50000", n)
			}
			break
		}
		g.pop()
		most = max(most, g.active.Len())
	}
	if most > 4 {
		t.Errorf("%d events expanded at once, want <= 4 (2 s reactions, 1 event/s)", most)
	}
}
