package fromlog

import (
	"slices"
	"time"
)

// Burst is a span in which a stream's rate stayed above Factor × its
// baseline.
type Burst struct {
	From, To time.Duration // from the log's start: the first and past the last hot second
	Peak     float64       // the highest per-second rate in it
	Baseline float64       // the stream's median per-second rate over the whole log
	Requests int64         // requests in the span
}

// Factor is the peak over the baseline.
func (b *Burst) Factor() float64 { return b.Peak / max(b.Baseline, 1) }

// perSecond returns a curve's requests per second: counts at tick, summed
// per second (or per tick when the tick is a second or longer, then as a
// rate), with the bin's length.
func perSecond(c []uint32, tick time.Duration) ([]float64, time.Duration) {
	if tick >= time.Second {
		r := make([]float64, len(c))
		for i, v := range c {
			r[i] = float64(v) / tick.Seconds()
		}
		return r, tick
	}
	per := int(time.Second / tick)
	r := make([]float64, (len(c)+per-1)/per)
	for i, v := range c {
		r[i/per] += float64(v)
	}
	return r, time.Second
}

// median of the rates.
func median(r []float64) float64 {
	if len(r) == 0 {
		return 0
	}
	s := slices.Clone(r)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// findBurst returns the largest span (by requests) in which the rate stayed
// above factor × max(baseline, 1/s) for minLen or longer, hot bins at most
// 2 s apart counting as one span; nil when there is none.
func findBurst(rates []float64, bin time.Duration, factor float64, minLen time.Duration) *Burst {
	base := median(rates)
	thr := factor * max(base, 1)
	gap := max(int(2*time.Second/bin), 1)
	var best *Burst
	for i := 0; i < len(rates); {
		if rates[i] <= thr {
			i++
			continue
		}
		start, end := i, i+1 // hot bins [start, end)
		for j := i + 1; j < len(rates) && j <= end+gap; j++ {
			if rates[j] > thr {
				end = j + 1
			}
		}
		b := &Burst{From: time.Duration(start) * bin, To: time.Duration(end) * bin, Baseline: base}
		for _, r := range rates[start:end] {
			b.Peak = max(b.Peak, r)
			b.Requests += int64(r * bin.Seconds())
		}
		if b.To-b.From >= minLen && (best == nil || b.Requests > best.Requests) {
			best = b
		}
		i = end
	}
	return best
}
