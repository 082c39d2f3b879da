package fromlog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/burstlab/burstlab/profiles/accesslog"
)

// Options say how a log becomes a profile.
type Options struct {
	Share    float64       // routes below this share of the requests fold into one stream; default 0.01
	Factor   float64       // a route bursts above Factor × its baseline; default 3
	MinBurst time.Duration // the shortest burst; default 3s
	Speed    float64       // written into each replay; default 1
	Scale    float64       // written into each replay; default 1
	Target   string        // the profile's target URL; default http://127.0.0.1:8080
	Name     string        // the profile's name; default from-log
	Sources  []string      // the log files, named in the profile's comments
}

func (o Options) withDefaults() Options {
	if o.Share == 0 {
		o.Share = 0.01
	}
	if o.Factor == 0 {
		o.Factor = 3
	}
	if o.MinBurst == 0 {
		o.MinBurst = 3 * time.Second
	}
	if o.Speed == 0 {
		o.Speed = 1
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Target == "" {
		o.Target = "http://127.0.0.1:8080"
	}
	if o.Name == "" {
		o.Name = "from-log"
	}
	return o
}

// Stream is one replay stream of the profile: one route, or the routes
// folded together.
type Stream struct {
	Name     string
	Routes   []*accesslog.Route // one, or the folded ones (most requests first)
	Weights  []int64            // requests of each of Routes
	Overflow int64              // requests of routes beyond the router's cap (folded stream only)
	Counts   []uint32           // requests per tick from the log's start
	Total    int64
	Median   float64 // per second
	Peak     float64 // per second
	Burst    *Burst  // nil when the stream did not burst
}

// Folded reports whether the stream holds several routes.
func (s *Stream) Folded() bool { return len(s.Routes) != 1 || s.Overflow > 0 }

// Streams groups the log's routes into streams and finds their bursts:
// routes with at least Share of the requests have their own stream (most
// requests first); the rest share one, unless it would hold a single route.
func Streams(l *Log, o Options) []*Stream {
	o = o.withDefaults()
	n := l.Ticks()
	var own, fold []int
	for r := range l.Routes {
		if l.Total[r] == 0 {
			continue
		}
		if float64(l.Total[r]) >= o.Share*float64(l.Requests) {
			own = append(own, r)
		} else {
			fold = append(fold, r)
		}
	}
	overflow := l.Total[len(l.Routes)]
	if len(fold) == 1 && overflow == 0 {
		own, fold = append(own, fold[0]), nil
	}
	byTotal := func(a, b int) int { return cmp.Compare(l.Total[b], l.Total[a]) }
	slices.SortStableFunc(own, byTotal)
	slices.SortStableFunc(fold, byTotal)
	var out []*Stream
	names := map[string]bool{}
	for _, r := range own {
		s := &Stream{Routes: []*accesslog.Route{l.Routes[r]}, Weights: []int64{l.Total[r]}}
		s.Counts = sum(n, l.Counts[r])
		s.Name = unique(names, streamName(l.Routes[r]))
		out = append(out, s)
	}
	if len(fold) > 0 || overflow > 0 {
		s := &Stream{Overflow: overflow}
		curves := [][]uint32{l.Counts[len(l.Routes)]}
		for _, r := range fold {
			s.Routes = append(s.Routes, l.Routes[r])
			s.Weights = append(s.Weights, l.Total[r])
			curves = append(curves, l.Counts[r])
		}
		s.Counts = sum(n, curves...)
		s.Name = unique(names, "other")
		out = append(out, s)
	}
	for _, s := range out {
		for _, v := range s.Counts {
			s.Total += int64(v)
		}
		rates, bin := perSecond(s.Counts, l.Tick)
		s.Median = median(rates)
		s.Peak = slices.Max(append(rates, 0))
		s.Burst = findBurst(rates, bin, o.Factor, o.MinBurst)
	}
	return out
}

// sum adds curves into one of n ticks.
func sum(n int, curves ...[]uint32) []uint32 {
	out := make([]uint32, n)
	for _, c := range curves {
		for i, v := range c {
			out[i] += v
		}
	}
	return out
}

// streamName makes a stream name of a route: GET /users/{id}/teams is
// get-users-id-teams.
func streamName(r *accesslog.Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	dash := true
	path, _, _ := strings.Cut(r.Path, "?")
	for _, c := range strings.ToLower(path) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
		if b.Len() > 60 {
			break
		}
	}
	if b.Len() == len(r.Method) {
		b.WriteString("-root")
	}
	return b.String()
}

func unique(seen map[string]bool, name string) string {
	n := name
	for i := 2; seen[n]; i++ {
		n = fmt.Sprintf("%s-%d", name, i)
	}
	seen[n] = true
	return n
}
