package profiles

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/burstlab/burstlab/internal/minheap"
)

// Plan is a profile turned into an arrival schedule: totals, the offered count
// of every window and second, and the burst window, all known before anything
// is sent. The arrivals themselves are produced lazily by Schedule.
type Plan struct {
	Profile  *Profile
	Streams  []StreamPlan
	Total    int64         // planned arrivals of all streams
	Window   time.Duration // window length of Offered
	Burst    Burst         // the burst window
	PeakRate float64       // the highest offered count of any 1 s window, per second
	PeakAt   time.Duration // the start of the first second with PeakRate
	Shard    Shard         // the share of the plan this process sends

	c *compiled
}

// Shard is one of Count interleaved shares of a plan: the arrivals whose
// sequence number modulo Count is Index. Shards of one plan, run on several
// machines from one start time, add up to the whole plan exactly. The zero
// Shard is the whole plan.
type Shard struct {
	Index, Count int
}

// whole reports whether s is the whole plan.
func (s Shard) whole() bool { return s.Count <= 1 }

// has reports whether arrival seq belongs to the shard.
func (s Shard) has(seq int64) bool { return s.whole() || seq%int64(s.Count) == int64(s.Index) }

// workers is this shard's share of a closed stream's workers (0 for a
// planned stream): the shards of a plan split them, each keeping at least
// one.
func (s Shard) workers(st *Stream) int {
	if !st.Closed() {
		return 0
	}
	n := int(st.MaxWorkers)
	if s.whole() {
		return n
	}
	return max(1, (n+s.Count-1-s.Index)/s.Count)
}

// String writes the shard as i/n.
func (s Shard) String() string {
	if s.whole() {
		return "0/1"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// StreamPlan is one stream's share of the plan.
type StreamPlan struct {
	Name      string
	Burst     bool
	Shape     string // the arrival shape in one line
	Total     int64
	Offered   []int64 // planned arrivals per window, keyed by intended time
	PerSecond []int64 // planned arrivals per second of the run
	PeakRate  float64 // the stream's highest per-second count
	Retry     *Retry  // the stream's retry policy, nil for none
	// Workers is a closed (rate: max) stream's worker count, this shard's
	// share; such a stream has no planned arrivals.
	Workers int
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
	Intended   time.Duration // intended send time, from the start of the run
	StreamSeq  int64         // index within its stream
	Event      int64         // fan-out trigger event
	Subscriber int64         // fan-out subscriber
}

// Request is an arrival's rendered request. It carries real header values
// and bodies, secrets included: send it, do not log it.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// maxPlanned bounds a plan's expected size, so that a typo cannot plan for
// hours.
const maxPlanned = 2e9

// NewPlan plans p: it walks the schedule once to count totals and offered
// rates (constant memory), and refuses a plan above p.MaxRate.
func NewPlan(p *Profile) (*Plan, error) { return NewShardPlan(p, Shard{}) }

// MaxPeakRate is the highest rate, per second, one process is asked to
// send (the attack engine's cap): a plan whose shard peaks above it is
// refused while it is counted, before it is sent.
const MaxPeakRate = 1_000_000

// NewShardPlan plans one shard of p; see PlanShard.
func NewShardPlan(p *Profile, shard Shard) (*Plan, error) {
	return PlanShard(context.Background(), p, shard)
}

// PlanShard plans one shard of p: totals, offered counts and the peak
// rate are the shard's; the burst window is the whole plan's, so that every
// shard and their merge judge the same window. Counting a large plan takes
// a while: cancelling ctx stops it, with ctx's error.
func PlanShard(ctx context.Context, p *Profile, shard Shard) (*Plan, error) {
	if !shard.whole() && (shard.Index < 0 || shard.Index >= shard.Count) {
		return nil, fmt.Errorf("shard %d/%d: want 0 <= i < n", shard.Index, shard.Count)
	}
	c := p.c
	if c == nil {
		// A profile built in code or a Redacted copy: resolve it now.
		var probs []problem
		if c, probs = p.checked(); len(probs) > 0 {
			return nil, p.errorAt(probs[0])
		}
	}
	pl := &Plan{Profile: p, Window: p.Analysis.Window, Shard: shard, c: c}
	nwin := int((p.Duration + pl.Window - 1) / pl.Window)
	nsec := int((p.Duration + time.Second - 1) / time.Second)
	expected := 0.0
	for i := range p.Streams {
		s := &p.Streams[i]
		pl.Streams = append(pl.Streams, StreamPlan{Name: s.Name, Burst: s.Burst, Shape: s.Shape(), Retry: s.Retry,
			Offered: make([]int64, nwin), PerSecond: make([]int64, nsec), Workers: shard.workers(s)})
		pl.Burst.Marked = pl.Burst.Marked || s.Burst
		expected += pl.expected(i)
	}
	if expected > maxPlanned {
		return nil, p.errorAt(problem{"$.streams", fmt.Sprintf("the plan would hold about %.3g requests, above the limit of %.0g", expected, float64(maxPlanned))})
	}
	perSecond := make([]int64, nsec)
	first := true
	sc := pl.schedule(Shard{})
	for n := 0; ; n++ {
		if n&0xffff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a, ok := sc.Next()
		if !ok {
			break
		}
		sp := &pl.Streams[a.Stream]
		if sp.Burst {
			if first {
				pl.Burst.Start = a.Intended
				first = false
			}
			pl.Burst.End = a.Intended
		}
		if !shard.has(a.Seq) {
			continue
		}
		sp.Total++
		sp.Offered[int(a.Intended/pl.Window)]++
		sec := int(a.Intended / time.Second)
		sp.PerSecond[sec]++
		perSecond[sec]++
		pl.Total++
		if perSecond[sec] > MaxPeakRate {
			return nil, p.errorAt(problem{"$.streams", fmt.Sprintf("the plan sends more than %d requests in the second from %v, above the %d/s one process is asked to send: lower the rate or fan-out, or split the plan with --shard i/n", MaxPeakRate, time.Duration(sec)*time.Second, MaxPeakRate)})
		}
	}
	for i, n := range perSecond {
		if float64(n) > pl.PeakRate {
			pl.PeakRate, pl.PeakAt = float64(n), time.Duration(i)*time.Second
		}
	}
	for i := range pl.Streams {
		for _, n := range pl.Streams[i].PerSecond {
			pl.Streams[i].PeakRate = math.Max(pl.Streams[i].PeakRate, float64(n))
		}
	}
	if p.MaxRate > 0 && pl.PeakRate > p.MaxRate {
		return nil, p.errorAt(problem{"$.max_rate", fmt.Sprintf("the plan peaks at %.0f requests/s at %v, above max_rate %g", pl.PeakRate, pl.PeakAt, p.MaxRate)})
	}
	return pl, nil
}

// expected is stream i's expected arrival count, in closed form.
func (pl *Plan) expected(i int) float64 {
	p := pl.Profile
	s := &p.Streams[i]
	if s.Closed() {
		return 0
	}
	if s.FanOut == nil {
		return s.rateFunc(p.Duration, pl.c.streams[i].series).total()
	}
	e := s.FanOut.Events
	n := float64(len(e.At) + e.Count)
	if e.Rate > 0 {
		n = e.Rate * (p.Duration - e.Start).Seconds()
	}
	return n * float64(s.FanOut.Subscribers.Count)
}

// rand returns arrival a's random bits, fixed by the seed.
func (pl *Plan) rand(a Arrival) uint64 {
	return mix(uint64(pl.Profile.Seed) ^ uint64(a.Stream)<<48 ^ uint64(a.StreamSeq))
}

// Request renders arrival a's request: the template picked by weight, with
// placeholders filled in and environment values in place.
func (pl *Plan) Request(a Arrival) Request {
	cs := &pl.c.streams[a.Stream]
	r := pl.rand(a)
	cr := &cs.reqs[cs.pick(mix(r^0x5eed))]
	v := Vars{Subscriber: a.Subscriber, Event: a.Event, Seq: a.StreamSeq, Rand: r}
	req := Request{Method: cr.method, Path: cr.path.Render(v)}
	if len(cr.header) > 0 {
		req.Header = make(http.Header, len(cr.header))
		for i, h := range cr.header {
			v.Rand = mix(r ^ uint64(i+1)<<32)
			req.Header.Set(h.key, h.value.Render(v))
		}
	}
	v.Rand = mix(r ^ 0xb0d7)
	if body := cr.body.Render(v); body != "" {
		req.Body = []byte(body)
	}
	return req
}

// RetryRand returns the random value in [0, 1) that places the jitter of
// arrival a's given attempt (see Retry.Delay), fixed by the seed, so that
// the same run retries at the same offsets.
func (pl *Plan) RetryRand(a Arrival, attempt int) float64 {
	return unit(mix(pl.rand(a) ^ 0x7e7a1 ^ uint64(attempt)<<40))
}

// Schedule yields a plan's arrivals in time order (ties by stream index).
// Each call to Plan.Schedule starts a fresh, identical sequence.
type Schedule struct {
	h     *minheap.Heap[genItem] // the streams' generators, the next arrival first
	seq   int64
	end   time.Duration
	shard Shard
}

// Schedule starts the plan's arrival sequence (its shard's) from the
// beginning. Arrivals keep their sequence numbers in the whole plan.
func (pl *Plan) Schedule() *Schedule { return pl.schedule(pl.Shard) }

func (pl *Plan) schedule(shard Shard) *Schedule {
	p := pl.Profile
	sc := &Schedule{end: p.Duration, shard: shard}
	var gens []genItem
	for i := range p.Streams {
		s := &p.Streams[i]
		var g gen
		if s.Closed() {
			continue // no plan: its workers send as fast as answers come
		}
		if s.FanOut != nil {
			g = newFanOutGen(s.FanOut, p.Duration, uint64(p.Seed), uint64(i))
		} else {
			rng := rand.New(rand.NewPCG(uint64(p.Seed), uint64(i)))
			g = newRateGen(s.rateFunc(p.Duration, pl.c.streams[i].series), s.Arrivals == "poisson", rng)
		}
		if at, ok := g.peek(); ok && at < sc.end {
			gens = append(gens, genItem{g: g, stream: i, at: at})
		}
	}
	sc.h = minheap.New(genItem.before, gens...)
	return sc
}

// Next returns the next arrival, or false when the plan is done.
func (sc *Schedule) Next() (Arrival, bool) {
	for sc.h.Len() > 0 {
		it := sc.h.Min()
		a := it.g.pop()
		a.Stream = it.stream
		if at, ok := it.g.peek(); ok && at < sc.end {
			it.at = at
			sc.h.Fix()
		} else {
			sc.h.Pop()
		}
		if a.Intended >= sc.end {
			continue
		}
		a.Seq = sc.seq
		sc.seq++
		if !sc.shard.has(a.Seq) {
			continue
		}
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

// before orders generators by their next arrival, then by stream, so that
// the merged sequence is deterministic.
func (a genItem) before(b genItem) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.stream < b.stream
}

// ParseShard reads a shard written as i/n (0 <= i < n).
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if n, err := fmt.Sscanf(s, "%d/%d", &sh.Index, &sh.Count); n != 2 || err != nil || sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
		return Shard{}, fmt.Errorf("shard %q: want i/n with 0 <= i < n, like 0/4", s)
	}
	return sh, nil
}
