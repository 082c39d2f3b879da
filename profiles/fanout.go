package profiles

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/burstlab/burstlab/internal/minheap"
)

// FanOut is the incident's shape: every trigger event causes one request per
// subscriber, each after the subscriber's own reaction delay.
type FanOut struct {
	Events      Events      `yaml:"events"`
	Subscribers Subscribers `yaml:"subscribers"`
	Reaction    Delay       `yaml:"reaction"`
	// Coalesce, when set, lets each subscriber refetch at most once per
	// window of this length: all events that reach a subscriber within one
	// of its windows collapse into a single request, sent when the window
	// closes (plus the reaction delay). Each subscriber's windows start at
	// its own phase, fixed by the seed, as real clients' timers do.
	Coalesce time.Duration `yaml:"coalesce"`
}

// Events are the trigger times of a fan-out: an explicit list (At), Count
// events spread evenly over Over from Start, or Rate events per second from
// Start for Duration (default: to the end of the run), evenly spaced or, with
// Poisson, as a Poisson process.
type Events struct {
	At       []time.Duration `yaml:"at"`
	Count    int             `yaml:"count"`
	Start    time.Duration   `yaml:"start"`
	Over     time.Duration   `yaml:"over"`
	Rate     float64         `yaml:"rate"`
	Poisson  bool            `yaml:"poisson"`
	Duration time.Duration   `yaml:"duration"`
}

// Subscribers are the clients a fan-out reaches: Count clients with ids
// 0..Count-1 (written `subscribers: 800`), or the ids From..To inclusive
// (written `subscribers: {from: 1000, to: 1999}`).
type Subscribers struct {
	Count    int64
	From, To int64
	Range    bool // written as a range
}

// UnmarshalYAML accepts a count or a {from, to} range.
func (s *Subscribers) UnmarshalYAML(unmarshal func(any) error) error {
	var n int64
	if err := unmarshal(&n); err == nil {
		*s = Subscribers{Count: n, From: 0, To: n - 1}
		return nil
	}
	var r struct {
		From int64 `yaml:"from"`
		To   int64 `yaml:"to"`
	}
	if err := unmarshal(&r); err != nil {
		return err
	}
	*s = Subscribers{Count: r.To - r.From + 1, From: r.From, To: r.To, Range: true}
	return nil
}

// YAMLWant says what the subscribers are written as, for a decoding error.
func (Subscribers) YAMLWant() string { return "a count or a range {from: ID, to: ID}" }

// MarshalYAML writes the form the subscribers were read in.
func (s Subscribers) MarshalYAML() (any, error) {
	if s.Range {
		return map[string]int64{"from": s.From, "to": s.To}, nil
	}
	return s.Count, nil
}

// Delay is a random delay distribution: fixed (Value), uniform (Min..Max),
// exponential (Mean) or lognormal (Median and P99, the 99th percentile).
type Delay struct {
	Dist   string        `yaml:"dist"` // fixed (default), uniform, exponential, lognormal
	Value  time.Duration `yaml:"value"`
	Min    time.Duration `yaml:"min"`
	Max    time.Duration `yaml:"max"`
	Mean   time.Duration `yaml:"mean"`
	Median time.Duration `yaml:"median"`
	P99    time.Duration `yaml:"p99"`
}

// z99 is the standard normal's 99th percentile.
const z99 = 2.3263478740408408

// sample draws one delay.
func (d Delay) sample(rng *rand.Rand) time.Duration {
	switch d.Dist {
	case "uniform":
		return d.Min + time.Duration(rng.Int64N(int64(d.Max-d.Min)+1))
	case "exponential":
		return time.Duration(rng.ExpFloat64() * float64(d.Mean))
	case "lognormal":
		sigma := math.Log(float64(d.P99)/float64(d.Median)) / z99
		v := float64(d.Median) * math.Exp(sigma*rng.NormFloat64())
		return time.Duration(math.Min(v, float64(math.MaxInt64/4)))
	}
	return d.Value
}

func (d Delay) String() string {
	switch d.Dist {
	case "uniform":
		return fmt.Sprintf("uniform %v..%v", d.Min, d.Max)
	case "exponential":
		return fmt.Sprintf("exponential mean %v", d.Mean)
	case "lognormal":
		return fmt.Sprintf("lognormal median %v p99 %v", d.Median, d.P99)
	}
	return fmt.Sprintf("fixed %v", d.Value)
}

// String says in one line what the fan-out sends.
func (f *FanOut) String() string {
	var b strings.Builder
	e := f.Events
	switch {
	case len(e.At) > 0:
		fmt.Fprintf(&b, "fanout %d events", len(e.At))
	case e.Count > 0:
		fmt.Fprintf(&b, "fanout %d events over %v from %v", e.Count, e.Over, e.Start)
	default:
		kind := "even"
		if e.Poisson {
			kind = "poisson"
		}
		fmt.Fprintf(&b, "fanout %g events/s (%s) from %v", e.Rate, kind, e.Start)
	}
	if f.Subscribers.Range {
		fmt.Fprintf(&b, " × subscribers %d..%d", f.Subscribers.From, f.Subscribers.To)
	} else {
		fmt.Fprintf(&b, " × %d subscribers", f.Subscribers.Count)
	}
	fmt.Fprintf(&b, ", reaction %s", f.Reaction)
	if f.Coalesce > 0 {
		fmt.Fprintf(&b, ", coalesced per %v", f.Coalesce)
	}
	return b.String()
}

// eventSource yields a fan-out's trigger times in order.
type eventSource interface {
	next() (time.Duration, bool)
}

type listEvents struct {
	at []time.Duration
	i  int
}

func (l *listEvents) next() (time.Duration, bool) {
	if l.i >= len(l.at) {
		return 0, false
	}
	l.i++
	return l.at[l.i-1], true
}

type countEvents struct {
	e Events
	i int
}

func (c *countEvents) next() (time.Duration, bool) {
	if c.i >= c.e.Count {
		return 0, false
	}
	t := c.e.Start + time.Duration(int64(c.e.Over)*int64(c.i)/int64(c.e.Count))
	c.i++
	return t, true
}

type rateEvents struct{ g *rateGen }

func (r rateEvents) next() (time.Duration, bool) {
	if _, ok := r.g.peek(); !ok {
		return 0, false
	}
	return r.g.pop().Intended, true
}

// newEvents returns the event source of f in a run of length runEnd.
func newEvents(f *FanOut, runEnd time.Duration, seed, stream uint64) eventSource {
	e := f.Events
	switch {
	case len(e.At) > 0:
		at := slices.Clone(e.At)
		slices.Sort(at)
		return &listEvents{at: at}
	case e.Count > 0:
		return &countEvents{e: e}
	}
	s := Stream{Constant: &Constant{Rate: e.Rate, Start: e.Start, Duration: e.Duration}}
	rng := rand.New(rand.NewPCG(seed, stream^0xe7e7e7e7e7e7e7e7))
	return rateEvents{newRateGen(s.rateFunc(runEnd, nil), e.Poisson, rng)}
}

// fanOutGen expands each trigger event into one arrival per subscriber after
// a reaction delay. An event is expanded only when the schedule reaches it, so
// memory holds the subscribers of overlapping events, never the whole plan.
type fanOutGen struct {
	f      *FanOut
	seed   uint64
	stream uint64
	events eventSource
	ev     time.Duration // the next event not yet expanded
	evOK   bool
	prev   time.Duration         // the last expanded event, for coalescing
	ei     int64                 // index of the next event
	active *minheap.Heap[cursor] // expanded events with arrivals left
	free   [][]subArrival
	rng    *rand.Rand
	pcg    *rand.PCG
	n      int64
	runEnd time.Duration
}

type cursor struct {
	event int64
	items []subArrival
	buf   []subArrival // the whole slice, to reuse
}

type subArrival struct {
	at  time.Duration
	sub int64
}

func newFanOutGen(f *FanOut, runEnd time.Duration, seed, stream uint64) *fanOutGen {
	pcg := rand.NewPCG(0, 0)
	g := &fanOutGen{f: f, seed: seed, stream: stream, events: newEvents(f, runEnd, seed, stream),
		pcg: pcg, rng: rand.New(pcg), runEnd: runEnd, prev: -1, active: minheap.New(cursor.before)}
	g.ev, g.evOK = g.events.next()
	return g
}

// phase is the start of subscriber sub's first coalescing window, in [0, W).
func (g *fanOutGen) phase(sub int64) time.Duration {
	h := mix(g.seed ^ mix(g.stream<<32^0xc0a1e5ce) ^ uint64(sub))
	return time.Duration(h % uint64(g.f.Coalesce))
}

// window is the index of the coalescing window of a subscriber with phase ph
// that holds t.
func window(t, ph, w time.Duration) int64 {
	d := t - ph
	k := int64(d / w)
	if d < 0 && d%w != 0 {
		k--
	}
	return k
}

// fill expands events that start no later than the earliest pending arrival.
// Every arrival of an event comes at or after the event, so nothing later
// expanded can precede what is pending.
func (g *fanOutGen) fill() {
	for g.evOK && g.ev < g.runEnd && (g.active.Len() == 0 || g.ev <= g.active.Min().items[0].at) {
		t := g.ev
		g.pcg.Seed(g.seed^uint64(g.ei)<<20, g.stream)
		var buf []subArrival
		if n := len(g.free); n > 0 {
			buf, g.free = g.free[n-1][:0], g.free[:n-1]
		}
		subs := g.f.Subscribers
		w := g.f.Coalesce
		for i := int64(0); i < subs.Count; i++ {
			id := subs.From + i
			at := t
			if w > 0 {
				ph := g.phase(id)
				k := window(t, ph, w)
				if g.prev >= 0 && window(g.prev, ph, w) == k {
					continue // this window's refetch is already planned
				}
				at = ph + time.Duration(k+1)*w
			}
			buf = append(buf, subArrival{at: at + g.f.Reaction.sample(g.rng), sub: id})
		}
		slices.SortFunc(buf, func(a, b subArrival) int {
			if c := cmp.Compare(a.at, b.at); c != 0 {
				return c
			}
			return cmp.Compare(a.sub, b.sub)
		})
		if len(buf) > 0 {
			g.active.Push(cursor{event: g.ei, items: buf, buf: buf})
		} else {
			g.free = append(g.free, buf)
		}
		g.prev = t
		g.ei++
		g.ev, g.evOK = g.events.next()
	}
}

func (g *fanOutGen) peek() (time.Duration, bool) {
	g.fill()
	if g.active.Len() == 0 {
		return 0, false
	}
	return g.active.Min().items[0].at, true
}

func (g *fanOutGen) pop() Arrival {
	g.fill()
	c := g.active.Min()
	it := c.items[0]
	a := Arrival{Intended: it.at, StreamSeq: g.n, Event: c.event, Subscriber: it.sub}
	g.n++
	c.items = c.items[1:]
	if len(c.items) == 0 {
		g.free = append(g.free, c.buf)
		g.active.Pop()
	} else {
		g.active.Fix()
	}
	return a
}

// before orders expanded events by their next arrival, then by event, so
// that the merged sequence is deterministic.
func (c cursor) before(d cursor) bool {
	if c.items[0].at != d.items[0].at {
		return c.items[0].at < d.items[0].at
	}
	return c.event < d.event
}
