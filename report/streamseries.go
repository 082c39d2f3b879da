package report

import "math"

// StreamP99s returns each stream's p99 latency in every window, in
// milliseconds, indexed [stream][window], in the order of r.Streams; NaN
// where a stream had no ok response in a window.
func (r *Record) StreamP99s() [][]float64 {
	p99 := make([][]float64, len(r.Streams))
	for i, s := range r.Streams {
		p99[i] = make([]float64, len(r.Windows))
		for w := range r.Windows {
			p99[i][w] = math.NaN()
			if sw := r.Windows[w].Stream(s.Name); sw != nil && sw.OK > 0 {
				p99[i][w] = sw.P99Ms
			}
		}
	}
	return p99
}

// KeepsStreamWindows reports whether the record keeps each stream's share of
// its windows; records made before burstlab kept them do not.
func (r *Record) KeepsStreamWindows() bool {
	for i := range r.Windows {
		if len(r.Windows[i].Streams) > 0 {
			return true
		}
	}
	return false
}
