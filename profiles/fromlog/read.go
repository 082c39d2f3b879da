// Package fromlog turns production access logs into a traffic profile that
// replays them: one stream per route with the route's own rate curve, the
// routes with a small share of the traffic folded into one stream, and the
// routes that carried the burst marked.
//
// The model: a log is counted per route per tick (100 ms when its times
// have a sub-second part, else 1 s, coarser for a log too long to hold at
// that grain; see MaxCells), so memory grows with routes × ticks, never
// with lines. Each stream replays its counts from a CSV file written
// beside the profile. A route's baseline is the median of its per-second
// rate over the whole log; it bursts when its rate stays above Factor ×
// max(baseline, 1/s) for MinBurst or longer (gaps of up to 2 s allowed).
package fromlog

import (
	"context"
	"io"
	"slices"
	"time"

	"github.com/burstlab/burstlab/profiles/accesslog"
)

// Log is a log counted per route per tick.
type Log struct {
	Routes   []*accesslog.Route
	Tick     time.Duration
	Start    time.Time  // the start of the first tick holding a request
	Counts   [][]uint32 // per route: requests per tick from Start; the last entry is the routes beyond the cap
	Total    []int64    // per Counts entry
	Requests int64
	Stats    accesslog.Stats
}

// Ticks is the number of ticks from Start to the last request's.
func (l *Log) Ticks() int {
	n := 0
	for _, c := range l.Counts {
		n = max(n, len(c))
	}
	return n
}

// PeakRate is the log's highest per-second request rate.
func (l *Log) PeakRate() float64 {
	all := sum(l.Ticks(), l.Counts...)
	rates, _ := perSecond(all, l.Tick)
	return slices.Max(append(rates, 0))
}

// Read counts every request r reads, by rt's routes. It stops early, with
// ctx's error, when ctx is done.
func Read(ctx context.Context, r *accesslog.Reader, rt *accesslog.Router) (*Log, error) {
	t := newTally()
	for n := 0; ; n++ {
		if n&0xffff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		t.add(rt.Route(e), e.Time.UnixNano(), e.Sub)
	}
	tick := t.finish()
	l := &Log{Routes: rt.Routes(), Tick: tick, Stats: r.Stats()}
	// Trim to the first tick holding a request, route slots in route order
	// with the overflow last.
	first := -1
	for _, c := range t.counts {
		for k, v := range c {
			if v > 0 {
				if first < 0 || k < first {
					first = k
				}
				break
			}
		}
	}
	if first < 0 {
		return l, nil
	}
	l.Start = time.Unix(0, (t.origin+int64(first))*t.tick)
	slots := len(l.Routes) + 1
	for len(t.counts) < slots {
		t.counts = append(t.counts, nil)
	}
	l.Counts = make([][]uint32, slots)
	l.Total = make([]int64, slots)
	for s := range slots {
		c := t.counts[(s+1)%slots]
		if len(c) > first {
			c = c[first:]
		} else {
			c = nil
		}
		l.Counts[s] = c
		for _, v := range c {
			l.Total[s] += int64(v)
		}
		l.Requests += l.Total[s]
	}
	return l, nil
}
