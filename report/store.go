package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// File names inside a record directory.
const (
	RunFile  = "run.json"
	HlogFile = "latency.hlog"
)

// Save writes rec as DIR/run.json. The file appears whole or not at all.
func Save(dir string, rec *Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rec); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, RunFile), buf.Bytes())
}

// WriteFileAtomic writes data to a temporary file beside path and renames it
// into place, so no reader ever sees half a file.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Load reads DIR/run.json. The record remembers DIR, so its latency
// histogram can be rebuilt from DIR/latency.hlog (see Record.Histogram).
func Load(dir string) (*Record, error) {
	path := filepath.Join(dir, RunFile)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: not a burstlab record (no %s)", dir, RunFile)
		}
		return nil, err
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if rec.Schema != SchemaVersion {
		return nil, fmt.Errorf("%s: schema %d, this burstlab reads %d", path, rec.Schema, SchemaVersion)
	}
	if rec.WindowS <= 0 {
		return nil, fmt.Errorf("%s: window_s: must be > 0, got %v", path, rec.WindowS)
	}
	rec.dirs = []string{dir}
	return &rec, nil
}

// Histogram returns the merged latency histogram of the whole run (values in
// microseconds). A record made by a Recorder, a merge or from vegeta results
// has it in memory; a loaded one rebuilds it from its interval log.
func (r *Record) Histogram() (*hdr.Histogram, error) {
	if r.hist != nil {
		return r.hist, nil
	}
	if len(r.dirs) == 0 {
		return nil, errors.New("the record has no latency histogram: it was not loaded from a record directory")
	}
	h := newHist()
	for _, dir := range r.dirs {
		err := readIntervals(filepath.Join(dir, HlogFile), func(iv interval) error {
			iv.hist.MergeInto(h)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	r.hist = h
	return h, nil
}

// StreamWindow is one stream's latency in one window, from the interval
// log's tagged lines: its ok responses there (the log holds the latencies
// of ok responses) and their percentiles.
type StreamWindow struct {
	Window int // index into Record.Windows
	Stream string
	OK     int64
	Percentiles
}

// StreamWindows reads every stream's windows from the record's interval
// logs (the shards' logs summed), in window order, streams in the record's
// order. A record with no interval log (vegeta results, a run kept in
// memory) has none: it returns nil. A single record's log is read line by
// line and keeps nothing; merged shards keep each window's sparse
// histograms until every log is read.
func (r *Record) StreamWindows() ([]StreamWindow, error) {
	if len(r.dirs) == 0 || r.WindowS <= 0 {
		return nil, nil
	}
	order := map[string]int{}
	for i, s := range r.Streams {
		order[tagName(s.Name)] = i
	}
	var out []StreamWindow
	hists := map[[2]int]*hdr.PackedHistogram{} // [window, stream], merged shards only
	started := r.Started.UnixMilli()
	for _, dir := range r.dirs {
		err := readIntervals(filepath.Join(dir, HlogFile), func(iv interval) error {
			w := int(math.Round(float64(iv.startMs-started) / (r.WindowS * 1000)))
			s, ok := order[iv.tag]
			switch {
			case iv.tag == "" || !ok || w < 0 || w >= len(r.Windows):
				// the whole-window line, or one Load and merge say is wrong
			case len(r.dirs) == 1:
				out = append(out, StreamWindow{Window: w, Stream: r.Streams[s].Name, OK: iv.hist.TotalCount(), Percentiles: percentilesOf(iv.hist)})
			case hists[[2]int{w, s}] == nil:
				hists[[2]int{w, s}] = iv.hist
			default:
				hists[[2]int{w, s}].Merge(iv.hist)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(r.dirs) == 1 {
		return out, nil
	}
	keys := slices.Collect(maps.Keys(hists))
	slices.SortFunc(keys, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for _, k := range keys {
		h := hists[k]
		out = append(out, StreamWindow{Window: k[0], Stream: r.Streams[k[1]].Name, OK: h.TotalCount(), Percentiles: percentilesOf(h)})
	}
	return out, nil
}

// noteHlog reads rec's interval log and, when it is missing or cannot be
// read, says so in the record's notes: the report then shows run.json's
// figures, and no percentile distribution can be drawn.
func noteHlog(rec *Record) {
	if _, err := rec.Histogram(); err != nil {
		rec.Notes = append(rec.Notes, fmt.Sprintf("the interval log cannot be read (%v): the figures are run.json's; no percentile distribution (hgrm), and shards cannot be merged", err))
	}
}
