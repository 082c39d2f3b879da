package profiles

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// Plan is a profile turned into an arrival schedule: totals, the offered count
// of every window, and the burst window, all known before anything is sent.
// The arrivals themselves are produced lazily by Schedule.
type Plan struct {
	Profile  *Profile
	Streams  []StreamPlan
	Total    int64         // planned arrivals of all streams
	Window   time.Duration // window length of Offered
	Burst    Burst         // the burst window
	PeakRate float64       // the highest offered count of any 1 s window, per second

	templates []Template
}

// StreamPlan is one stream's share of the plan.
type StreamPlan struct {
	Name    string
	Burst   bool
	Total   int64
	Offered []int64 // planned arrivals per window, keyed by intended time
}

// Burst is the window [Start, End] from the first to the last arrival planned
// by a stream marked burst. Marked is false when no stream is marked (the
// report then detects the burst from the offered rate).
type Burst struct {
	Start, End time.Duration
	Marked     bool
}

// Arrival is one planned request.
type Arrival struct {
	Seq        int64         // index in the whole plan, in schedule order
	Stream     int           // index into Plan.Streams
	At         time.Duration // intended send time, from the start of the run
	StreamSeq  int64         // index within its stream
	Event      int64         // fan-out trigger event
	Subscriber int64         // fan-out subscriber
}

// Request is an arrival's rendered request.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// NewPlan plans p: it walks the schedule once to count totals and offered
// rates (constant memory), and refuses a plan above p.MaxRate.
func NewPlan(p *Profile) (*Plan, error) {
	pl := &Plan{Profile: p, Window: p.Analysis.Window}
	nwin := int((p.Duration + pl.Window - 1) / pl.Window)
	for _, s := range p.Streams {
		t, err := ParseTemplate(s.Request.Path)
		if err != nil {
			return nil, err
		}
		pl.templates = append(pl.templates, t)
		pl.Streams = append(pl.Streams, StreamPlan{Name: s.Name, Burst: s.Burst, Offered: make([]int64, nwin)})
		pl.Burst.Marked = pl.Burst.Marked || s.Burst
	}
	perSecond := make([]int64, int((p.Duration+time.Second-1)/time.Second))
	first := true
	sc := pl.Schedule()
	for {
		a, ok := sc.Next()
		if !ok {
			break
		}
		sp := &pl.Streams[a.Stream]
		sp.Total++
		sp.Offered[int(a.At/pl.Window)]++
		perSecond[int(a.At/time.Second)]++
		pl.Total++
		if sp.Burst {
			if first {
				pl.Burst.Start = a.At
				first = false
			}
			pl.Burst.End = a.At
		}
	}
	for _, n := range perSecond {
		pl.PeakRate = math.Max(pl.PeakRate, float64(n))
	}
	if p.MaxRate > 0 && pl.PeakRate > p.MaxRate {
		return nil, &Error{File: p.path, Msg: fmt.Sprintf("max_rate: the plan peaks at %.0f requests/s, above max_rate %.0f", pl.PeakRate, p.MaxRate)}
	}
	return pl, nil
}

// Request renders arrival a's request template.
func (pl *Plan) Request(a Arrival) Request {
	s := pl.Profile.Streams[a.Stream]
	r := Request{
		Method: s.Request.Method,
		Path: pl.templates[a.Stream].Render(Vars{
			Subscriber: a.Subscriber,
			Event:      a.Event,
			Seq:        a.StreamSeq,
			Rand:       mix(uint64(pl.Profile.Seed) ^ uint64(a.Stream)<<48 ^ uint64(a.StreamSeq)),
		}),
	}
	if len(s.Request.Headers) > 0 {
		r.Header = make(http.Header, len(s.Request.Headers))
		for k, v := range s.Request.Headers {
			r.Header.Set(k, v)
		}
	}
	if s.Request.Body != "" {
		r.Body = []byte(s.Request.Body)
	}
	return r
}

// Schedule yields a plan's arrivals in time order (ties by stream index).
// Each call to Plan.Schedule starts a fresh, identical sequence.
type Schedule struct {
	h   genHeap
	seq int64
	end time.Duration
}

// Schedule starts the plan's arrival sequence from the beginning.
func (pl *Plan) Schedule() *Schedule {
	p := pl.Profile
	sc := &Schedule{end: p.Duration}
	for i, s := range p.Streams {
		rng := rand.New(rand.NewPCG(uint64(p.Seed), uint64(i)))
		var g gen
		switch {
		case s.Constant != nil:
			g = newRateGen(s.Constant, s.Arrivals == "poisson", p.Duration, rng)
		case s.FanOut != nil:
			g = newFanOutGen(s.FanOut, uint64(p.Seed), uint64(i))
		}
		if _, ok := g.peek(); ok {
			sc.h = append(sc.h, genItem{g: g, stream: i})
		}
	}
	for i := range sc.h {
		sc.h[i].at, _ = sc.h[i].g.peek()
	}
	heap.Init(&sc.h)
	return sc
}

// Next returns the next arrival, or false when the plan is done.
func (sc *Schedule) Next() (Arrival, bool) {
	for len(sc.h) > 0 {
		it := &sc.h[0]
		a := it.g.pop()
		a.Stream = it.stream
		if at, ok := it.g.peek(); ok && at < sc.end {
			it.at = at
			heap.Fix(&sc.h, 0)
		} else {
			heap.Pop(&sc.h)
		}
		if a.At >= sc.end {
			continue
		}
		a.Seq = sc.seq
		sc.seq++
		return a, true
	}
	return Arrival{}, false
}

// gen produces one stream's arrivals in time order.
type gen interface {
	peek() (time.Duration, bool)
	pop() Arrival
}

type genItem struct {
	g      gen
	at     time.Duration
	stream int
}

type genHeap []genItem

func (h genHeap) Len() int { return len(h) }
func (h genHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].stream < h[j].stream
}
func (h genHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *genHeap) Push(x any)   { *h = append(*h, x.(genItem)) }
func (h *genHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// rateGen sends at a constant rate, evenly spaced or as a Poisson process.
type rateGen struct {
	start, end time.Duration
	period     float64 // mean gap in ns
	poisson    bool
	rng        *rand.Rand
	n          int64
	next       time.Duration
	t          float64 // poisson: time of the next arrival in ns from start
}

func newRateGen(c *Constant, poisson bool, runEnd time.Duration, rng *rand.Rand) *rateGen {
	end := runEnd
	if c.Duration > 0 && c.Start+c.Duration < end {
		end = c.Start + c.Duration
	}
	g := &rateGen{start: c.Start, end: end, period: float64(time.Second) / c.Rate, poisson: poisson, rng: rng}
	g.advance()
	return g
}

func (g *rateGen) advance() {
	if g.poisson {
		g.t += g.rng.ExpFloat64() * g.period
		g.next = g.start + time.Duration(g.t)
		return
	}
	g.next = g.start + time.Duration(float64(g.n)*g.period)
}

func (g *rateGen) peek() (time.Duration, bool) { return g.next, g.next < g.end }

func (g *rateGen) pop() Arrival {
	a := Arrival{At: g.next, StreamSeq: g.n}
	g.n++
	g.advance()
	return a
}

// fanOutGen expands each trigger event into one arrival per subscriber after
// a reaction delay. An event is expanded only when the schedule reaches it, so
// memory holds the subscribers of overlapping events, never the whole plan.
type fanOutGen struct {
	f      *FanOut
	seed   uint64
	stream uint64
	events []time.Duration
	ei     int        // next event to expand
	active cursorHeap // expanded events with arrivals left
	n      int64
}

type cursor struct {
	event int64
	items []subArrival
}

type subArrival struct {
	at  time.Duration
	sub int64
}

func newFanOutGen(f *FanOut, seed, stream uint64) *fanOutGen {
	g := &fanOutGen{f: f, seed: seed, stream: stream}
	if len(f.Events.At) > 0 {
		g.events = slices.Clone(f.Events.At)
		slices.Sort(g.events)
	} else {
		for i := 0; i < f.Events.Count; i++ {
			g.events = append(g.events, f.Events.Start+time.Duration(int64(f.Events.Over)*int64(i)/int64(f.Events.Count)))
		}
	}
	return g
}

// fill expands events that start no later than the earliest pending arrival.
func (g *fanOutGen) fill() {
	for g.ei < len(g.events) && (len(g.active) == 0 || g.events[g.ei] <= g.active[0].items[0].at) {
		ev := int64(g.ei)
		rng := rand.New(rand.NewPCG(g.seed^uint64(ev)<<20, g.stream))
		items := make([]subArrival, g.f.Subscribers)
		for s := range items {
			items[s] = subArrival{at: g.events[ev] + g.f.Reaction.sample(rng), sub: int64(s)}
		}
		slices.SortFunc(items, func(a, b subArrival) int {
			if c := cmp.Compare(a.at, b.at); c != 0 {
				return c
			}
			return cmp.Compare(a.sub, b.sub)
		})
		heap.Push(&g.active, cursor{event: ev, items: items})
		g.ei++
	}
}

func (g *fanOutGen) peek() (time.Duration, bool) {
	g.fill()
	if len(g.active) == 0 {
		return 0, false
	}
	return g.active[0].items[0].at, true
}

func (g *fanOutGen) pop() Arrival {
	g.fill()
	c := &g.active[0]
	it := c.items[0]
	a := Arrival{At: it.at, StreamSeq: g.n, Event: c.event, Subscriber: it.sub}
	g.n++
	c.items = c.items[1:]
	if len(c.items) == 0 {
		heap.Pop(&g.active)
	} else {
		heap.Fix(&g.active, 0)
	}
	return a
}

type cursorHeap []cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	if h[i].items[0].at != h[j].items[0].at {
		return h[i].items[0].at < h[j].items[0].at
	}
	return h[i].event < h[j].event
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// sample draws one delay.
func (d Delay) sample(rng *rand.Rand) time.Duration {
	switch d.Dist {
	case "uniform":
		return d.Min + time.Duration(rng.Int64N(int64(d.Max-d.Min)+1))
	case "exponential":
		return time.Duration(rng.ExpFloat64() * float64(d.Mean))
	}
	return d.Value
}
