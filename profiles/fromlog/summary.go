package fromlog

import (
	"fmt"
	"io"
	"strings"
)

// Summary prints what was written: the files, and per stream its share,
// median and peak rates, and its burst.
func Summary(w io.Writer, l *Log, streams []*Stream, files []string) error {
	bursts := 0
	for _, s := range streams {
		if s.Burst != nil {
			bursts++
		}
	}
	fmt.Fprintf(w, "%d requests in %d route group(s), %d with a burst; counted every %v; wrote %s\n",
		l.Requests, len(streams), bursts, l.Tick, strings.Join(files, ", "))
	for _, s := range streams {
		burst := ""
		if b := s.Burst; b != nil {
			burst = fmt.Sprintf("  burst %v..%v, %.1fx median", b.From, b.To, b.Factor())
		}
		fmt.Fprintf(w, "  %-40s %5.1f%%  median %8.4g/s  peak %8.4g/s%s\n", streamLabel(s), 100*float64(s.Total)/float64(l.Requests), s.Median, s.Peak, burst)
	}
	return nil
}
