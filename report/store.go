package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// File names inside a record directory.
const (
	RunFile  = "run.json"
	HlogFile = "latency.hlog"
)

// Save writes rec as DIR/run.json. The file appears whole or not at all; a
// failure is a *FileError naming the file and the operation.
func Save(dir string, rec *Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return AsFileError("mkdir", dir, err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rec); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, RunFile), buf.Bytes())
}

// Load reads DIR/run.json. The record remembers DIR, so its latency
// histogram can be rebuilt from DIR/latency.hlog (see Record.Histogram).
func Load(dir string) (*Record, error) {
	path := filepath.Join(dir, RunFile)
	data, err := readRunFile(path)
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

// noteHlog reads rec's interval log and, when it is missing or cannot be
// read, says so in the record's notes: the report then shows run.json's
// figures, and no percentile distribution can be drawn.
func noteHlog(rec *Record) {
	if _, err := rec.Histogram(); err != nil {
		rec.Notes = append(rec.Notes, fmt.Sprintf("the interval log cannot be read (%v): the figures are run.json's; no percentile distribution (hgrm), and shards cannot be merged", err))
	}
}
