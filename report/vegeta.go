package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/burstlab/burstlab/attack/outcome"
)

// VegetaNote is the note a record read from vegeta results carries.
const VegetaNote = "read from vegeta results: windows are keyed by vegeta's send timestamp (vegeta has no intended send time) " +
	"and latency is vegeta's own, measured from when a worker picked the request up, so it may suffer coordinated omission; " +
	"send lateness is unknown"

// ReadVegeta reads vegeta result files (gob, JSON or CSV, as `vegeta attack`
// and `vegeta encode` write them; "-" is standard input) into one record
// with one stream, "vegeta", so vegeta users get burstlab's analysis of runs
// they already have. Windows are keyed by Result.Timestamp and the burst is
// detected from the rate; the analysis settings are DefaultConfig's.
func ReadVegeta(paths ...string) (*Record, error) {
	var all []vegetaResult
	var first vegeta.Result
	for _, p := range paths {
		rs, f, err := readVegetaFile(p)
		if err != nil {
			return nil, err
		}
		if len(all) == 0 {
			first = f
		}
		all = append(all, rs...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s: no results", strings.Join(paths, ", "))
	}
	slices.SortFunc(all, func(a, b vegetaResult) int { return cmp.Compare(a.at, b.at) })
	t0 := all[0].at
	cfg := DefaultConfig()
	cfg.Name = first.Attack
	if cfg.Name == "" {
		cfg.Name = strings.TrimSuffix(filepath.Base(paths[0]), filepath.Ext(paths[0]))
	}
	cfg.Target = "(unknown)"
	if u, err := url.Parse(first.URL); err == nil && u.Host != "" {
		cfg.Target = u.Scheme + "://" + u.Host
	}
	cfg.Started = time.Unix(0, t0).UTC()
	span := time.Duration(all[len(all)-1].at - t0)
	if last := all[len(all)-1].at; last-t0 < 0 || span > MaxSpan {
		return nil, fmt.Errorf("%s: the results span from %s to %s, above the %v one record holds (%d windows of %v)",
			strings.Join(paths, ", "), time.Unix(0, t0).UTC().Format(time.RFC3339), time.Unix(0, last).UTC().Format(time.RFC3339), MaxSpan, int(MaxSpan/cfg.Window), cfg.Window)
	}
	cfg.Duration = (span/cfg.Window + 1) * cfg.Window
	offered := make([]int64, int(cfg.Duration/cfg.Window))
	for _, r := range all {
		offered[int(time.Duration(r.at-t0)/cfg.Window)]++
	}
	cfg.Streams = []StreamOffer{{Name: "vegeta", Offered: offered}}
	rec := NewRecorder(cfg, nil)
	for i, r := range all {
		at := time.Duration(r.at - t0)
		rec.Record(outcome.Result{
			Seq: int64(i), Intended: at, Sent: at, End: at + r.latency,
			Code: r.code, Class: r.class, Error: r.err,
		})
	}
	out, err := rec.Finish(false, nil)
	if err != nil {
		return nil, err
	}
	out.Notes = append(out.Notes, VegetaNote)
	out.Generator.LatenessUnknown = true
	return out, nil
}

// vegetaResult is the part of a vegeta result the analysis needs.
type vegetaResult struct {
	at      int64 // Timestamp, ns since the epoch
	latency time.Duration
	code    uint16
	class   outcome.Class
	err     string
}

func readVegetaFile(path string) ([]vegetaResult, vegeta.Result, error) {
	var in io.Reader = os.Stdin
	name := "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, vegeta.Result{}, err
		}
		defer f.Close()
		in, name = f, path
	}
	dec, where := vegetaDecoder(bufio.NewReaderSize(in, 1<<20))
	if dec == nil {
		return nil, vegeta.Result{}, fmt.Errorf("%s: neither a record directory nor vegeta results (gob, JSON or CSV)", name)
	}
	var out []vegetaResult
	var first vegeta.Result
	for n := 1; ; n++ {
		var r vegeta.Result
		err := dec(&r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, first, fmt.Errorf("%s: %s: %v", name, where(n), err)
		}
		if n == 1 {
			first = r
		}
		out = append(out, vegetaResult{at: r.Timestamp.UnixNano(), latency: r.Latency, code: r.Code, class: outcome.Classify(r.Code, r.Error), err: r.Error})
	}
	return out, first, nil
}

// MaxSpan is the longest stretch of vegeta results one record holds: as
// long as the longest run (a day), so a stray timestamp years away is
// refused instead of allocating a window for every second in between.
const MaxSpan = 24 * time.Hour

// vegetaDecoder tells vegeta's formats apart by their first byte (JSON
// results start with '{', CSV ones with a digit, gob with neither) and
// returns a decoder for r, with how an error names a result's place: the
// line for JSON and CSV, the position for gob. JSON is read line by line
// here: vegeta's decoder drops a last line without a newline.
func vegetaDecoder(r *bufio.Reader) (func(*vegeta.Result) error, func(n int) string) {
	b, err := r.Peek(1)
	if err != nil {
		return nil, nil
	}
	switch {
	case b[0] == '{':
		line := 0
		return func(res *vegeta.Result) error {
				for {
					text, err := r.ReadBytes('\n')
					if len(text) == 0 && err != nil {
						return err
					}
					line++
					if len(bytes.TrimSpace(text)) == 0 {
						continue
					}
					return json.Unmarshal(text, res)
				}
			}, func(int) string {
				return fmt.Sprintf("line %d", line)
			}
	case b[0] >= '0' && b[0] <= '9':
		dec := vegeta.NewCSVDecoder(r)
		return func(res *vegeta.Result) error { return dec.Decode(res) }, func(n int) string { return fmt.Sprintf("line %d", n) }
	}
	dec := vegeta.NewDecoder(r)
	return func(res *vegeta.Result) error { return dec.Decode(res) }, func(n int) string { return fmt.Sprintf("result %d (gob)", n) }
}

// DefaultConfig is the recorder configuration for results that come with
// no profile (vegeta results): 1 s windows, no warm-up, no SLO p99, healthy
// within 3 x the baseline p99 and 1% errors, recovered after 3 healthy
// windows, apdex T 100 ms, lateness bound 10 ms.
func DefaultConfig() Config {
	return Config{
		Window:         time.Second,
		Tolerance:      3,
		HealthyWindows: 3,
		ErrorRatio:     0.01,
		ApdexT:         100 * time.Millisecond,
		LatenessBound:  10 * time.Millisecond,
	}
}
