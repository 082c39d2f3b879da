package render

import (
	"io"

	"github.com/burstlab/burstlab/report"
)

// Hgrm renders the percentile distribution of the whole run's latency as
// wrk2 and HdrHistogram's outputPercentileDistribution print it (values in
// milliseconds, 5 ticks per half distance): the format HdrHistogram's
// plotters read. It needs the merged histogram, which a loaded record
// rebuilds from its interval log.
type Hgrm struct{}

// Render implements Renderer.
func (Hgrm) Render(w io.Writer, rec *report.Record) error {
	h, err := rec.Histogram()
	if err != nil {
		return err
	}
	_, err = h.PercentilesPrint(w, 5, report.UsPerMs)
	return err
}
