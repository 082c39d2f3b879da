//go:build linux

package main

import (
	"math"
	"slices"
	"time"
)

// sortedArrivals returns the snapshot's arrival times in order.
func sortedArrivals(s arrivalSnapshot) []int64 {
	a := slices.Clone(s.Arrivals)
	slices.Sort(a)
	return a
}

// lateness returns, sorted, how late each arrival came against a constant
// rate: lateness_k = arrival_k - (t0 + k/rate), with t0 the earliest
// arrival_k - k/rate, so that the most punctual request is 0 late. The same
// measure applies to every tool, whatever it takes as its start.
func lateness(arrivals []int64, rate float64) []time.Duration {
	if len(arrivals) == 0 {
		return nil
	}
	interval := float64(time.Second) / rate
	t0 := math.Inf(1)
	for k, a := range arrivals {
		t0 = min(t0, float64(a)-float64(k)*interval)
	}
	late := make([]time.Duration, len(arrivals))
	for k, a := range arrivals {
		late[k] = time.Duration(float64(a) - float64(k)*interval - t0)
	}
	slices.Sort(late)
	return late
}

// quantile is the nearest-rank q-quantile of sorted values (0 when empty).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// connsDuring counts the connections the server saw opened between the
// first and the last arrival.
func connsDuring(s arrivalSnapshot, arrivals []int64) int {
	if len(arrivals) == 0 {
		return 0
	}
	first, last := arrivals[0], arrivals[len(arrivals)-1]
	n := 0
	for _, c := range s.Conns {
		if c >= first && c <= last {
			n++
		}
	}
	return n
}

// arrivalRate is the requests per second the server received between its
// first and its last arrival.
func arrivalRate(arrivals []int64) float64 {
	if len(arrivals) < 2 {
		return 0
	}
	span := time.Duration(arrivals[len(arrivals)-1] - arrivals[0])
	return float64(len(arrivals)-1) / span.Seconds()
}

// median of values, NaN ones left out (NaN when none is left).
func median(values []float64) float64 {
	v := slices.DeleteFunc(slices.Clone(values), math.IsNaN)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// ratio is a/b, NaN when b is 0 or either is NaN.
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
