package report

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// An interval log (latency.hlog) is HdrHistogram's standard interval log:
// a version comment, StartTime and BaseTime lines, a legend, then per window
// one line per stream, Tag=STREAM,start,length,max,histogram, followed by
// one untagged line for the whole window (the sum of its streams' lines),
// start in seconds from BaseTime (a whole second), the histogram compressed
// and base64-encoded. HdrHistogram's tools read the untagged lines by
// default and a stream's with -tag STREAM; burstlab's readers take the
// tagged lines and skip the untagged ones, so nothing counts twice (logs
// written before the untagged lines existed read the same). The Recorder writes it; HdrHistogram's log readers (Java's
// HistogramLogReader, hdrhistogram-go's) read it. burstlab reads it back
// with the decoder below, which follows the same rules but decodes into
// sparse histograms: a dense one per line would cost ~180 KB each.

// interval is one line of an interval log.
type interval struct {
	tag     string
	startMs int64 // absolute, ms since the epoch
	hist    *hdr.PackedHistogram
}

// readIntervals calls fn with every interval of the log at path, in file
// order.
func readIntervals(path string, fn func(interval) error) error {
	r, err := openHlog(path)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		iv, ok, err := r.nextStream()
		if err != nil || !ok {
			return err
		}
		if err := fn(iv); err != nil {
			return err
		}
	}
}

// hlogReader reads an interval log one interval at a time.
type hlogReader struct {
	path                string
	f                   *os.File
	sc                  *bufio.Scanner
	n                   int // line number
	base, start         float64
	baseSeen, startSeen bool
}

func openHlog(path string) (*hlogReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	return &hlogReader{path: path, f: f, sc: sc}, nil
}

// Close closes the log file.
func (r *hlogReader) Close() error { return r.f.Close() }

// nextStream returns the next interval tagged with a stream, skipping the
// untagged whole-window lines; false at the end of the log.
func (r *hlogReader) nextStream() (interval, bool, error) {
	for {
		iv, ok, err := r.next()
		if err != nil || !ok || iv.tag != "" {
			return iv, ok, err
		}
	}
}

// next returns the next interval; false at the end of the log.
func (r *hlogReader) next() (interval, bool, error) {
	for r.sc.Scan() {
		r.n++
		line := r.sc.Text()
		var err error
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "#[StartTime: "):
			r.start, err = leadingFloat(line[len("#[StartTime: "):])
			r.startSeen = err == nil
			continue
		case strings.HasPrefix(line, "#[BaseTime: "):
			r.base, err = leadingFloat(line[len("#[BaseTime: "):])
			r.baseSeen = err == nil
			continue
		case line[0] == '#' || line[0] == '"':
			continue
		}
		bad := func(msg string, args ...any) (interval, bool, error) {
			return interval{}, false, fmt.Errorf("%s:%d: %s", r.path, r.n, fmt.Sprintf(msg, args...))
		}
		var tag string
		if rest, ok := strings.CutPrefix(line, "Tag="); ok {
			t, rest, ok := strings.Cut(rest, ",")
			if !ok {
				return bad("a tag and no interval")
			}
			tag, line = t, rest
		}
		f := strings.SplitN(line, ",", 4)
		if len(f) != 4 {
			return bad("want start,length,max,histogram")
		}
		ts, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return bad("interval start %q: %v", f[0], err)
		}
		if !r.startSeen {
			r.start, r.startSeen = ts, true
		}
		if !r.baseSeen {
			// As HdrHistogram's readers decide: timestamps more than a
			// year before the start time are relative to it.
			if ts < r.start-365*24*3600 {
				r.base = r.start
			}
			r.baseSeen = true
		}
		h, err := hdr.DecodePacked([]byte(f[3]))
		if err != nil {
			return bad("histogram: %v", err)
		}
		return interval{tag: tag, startMs: int64(math.Round((ts + r.base) * 1000)), hist: h}, true, nil
	}
	if err := r.sc.Err(); err != nil {
		return interval{}, false, fmt.Errorf("%s: %w", r.path, err)
	}
	return interval{}, false, nil
}

func leadingFloat(s string) (float64, error) {
	end := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return 0, errors.New("no number")
	}
	return strconv.ParseFloat(s[:end], 64)
}
