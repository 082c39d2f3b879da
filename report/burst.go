package report

import (
	"math"
	"slices"
	"time"
)

// The burst window [B0, B1] comes from the profile when a stream is marked
// burst: B0 and B1 are the intended times of the first and last request of
// the marked streams. Otherwise it is detected from the offered rate: the
// windows offering more than twice the median of the non-empty windows, B0
// the start of the first and B1 the end of the last. When no window stands
// out there is no burst (source "none") and the time figures are null.

// detectBurst finds the burst in the offered series.
func detectBurst(offered []int64, window time.Duration) ([2]time.Duration, string) {
	var nz []int64
	for _, n := range offered {
		if n > 0 {
			nz = append(nz, n)
		}
	}
	if len(nz) == 0 {
		return [2]time.Duration{}, BurstNone
	}
	slices.Sort(nz)
	med := nz[len(nz)/2]
	first, last := -1, -1
	for i, n := range offered {
		if n > 2*med {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return [2]time.Duration{}, BurstNone
	}
	return [2]time.Duration{time.Duration(first) * window, time.Duration(last+1) * window}, BurstDetected
}

// Span returns the indices of the windows holding B0 and B1, for windows of
// window seconds. A detected burst ends at a window boundary, which belongs
// to the window before it.
func (b BurstWindow) Span(window float64) (first, last int) {
	first = int(math.Floor(b.StartS/window + 1e-9))
	if b.Source == BurstDetected {
		return first, max(first, int(math.Ceil(b.EndS/window-1e-9))-1)
	}
	return first, max(first, int(math.Floor(b.EndS/window+1e-9)))
}

// inBaseline reports whether the window starting at start (seconds) belongs
// to the baseline: after warm-up and wholly before B0. Without a burst every
// window after warm-up does.
func inBaseline(start, window, warmup, b0 float64, source string) bool {
	if start < warmup-1e-9 {
		return false
	}
	return source == BurstNone || start+window <= b0+1e-9
}
