package report

import (
	"errors"
	"math"
	"path/filepath"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// StreamP99s returns each stream's p99 latency in every window, in
// milliseconds, indexed [stream][window], in the order of r.Streams; NaN
// where a stream sent nothing in a window. The windows keep only the whole
// run's percentiles, so this reads the per-stream lines of the record's
// interval logs (merged across shards): it needs a record loaded from a
// record directory. Untagged lines (a whole-run line) are skipped. A single
// record keeps one number per stream and window; merged shards keep each
// window's histograms until all logs are read.
func (r *Record) StreamP99s() ([][]float64, error) {
	if len(r.dirs) == 0 {
		return nil, errors.New("the record has no interval log: it was not loaded from a record directory")
	}
	index := map[string]int{}
	for i, s := range r.Streams {
		index[tagName(s.Name)] = i
	}
	hists := make([][]*hdr.PackedHistogram, len(r.Streams))
	p99 := make([][]float64, len(r.Streams))
	for i := range hists {
		hists[i] = make([]*hdr.PackedHistogram, len(r.Windows))
		p99[i] = make([]float64, len(r.Windows))
		for w := range p99[i] {
			p99[i][w] = math.NaN()
		}
	}
	started, winMs := r.Started.UnixMilli(), r.WindowS*1000
	for _, dir := range r.dirs {
		err := readIntervals(filepath.Join(dir, HlogFile), func(iv interval) error {
			s, ok := index[iv.tag]
			w := int(math.Round(float64(iv.startMs-started) / winMs))
			if iv.tag == "" || !ok || w < 0 || w >= len(r.Windows) {
				return nil
			}
			if len(r.dirs) == 1 {
				p99[s][w] = ms(iv.hist.ValueAtPercentile(99))
				return nil
			}
			if hists[s][w] == nil {
				hists[s][w] = iv.hist
			} else {
				hists[s][w].Merge(iv.hist)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for s := range hists {
		for w, h := range hists[s] {
			if h != nil && h.TotalCount() > 0 {
				p99[s][w] = ms(h.ValueAtPercentile(99))
			}
		}
	}
	return p99, nil
}
