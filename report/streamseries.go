package report

import (
	"errors"
	"math"
)

// StreamP99s returns each stream's p99 latency in every window, in
// milliseconds, indexed [stream][window], in the order of r.Streams; NaN
// where a stream sent nothing in a window. The windows keep only the whole
// run's percentiles, so this reads the per-stream lines of the record's
// interval logs (see StreamWindows): it needs a record loaded from a record
// directory.
func (r *Record) StreamP99s() ([][]float64, error) {
	if len(r.dirs) == 0 {
		return nil, errors.New("the record has no interval log: it was not loaded from a record directory")
	}
	sw, err := r.StreamWindows()
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	p99 := make([][]float64, len(r.Streams))
	for i, s := range r.Streams {
		index[s.Name] = i
		p99[i] = make([]float64, len(r.Windows))
		for w := range p99[i] {
			p99[i][w] = math.NaN()
		}
	}
	for _, w := range sw {
		p99[index[w.Stream]][w.Window] = w.P99Ms
	}
	return p99, nil
}
