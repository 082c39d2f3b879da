package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/internal/golden"
)

// started is the fixed start of synthetic records: no wall clock in goldens.
var started = time.Date(2026, 3, 4, 5, 6, 7, 250_000_000, time.UTC)

// synthConfig is a 30 s plan: a base stream at 20/s and a burst stream at
// 80/s from 10 s to 18 s, windows of 1 s, 2 s warm-up.
func synthConfig() Config {
	cfg := Config{
		Name: "synthetic", Profile: "testdata/synthetic.yaml", Target: "http://127.0.0.1:8080", Seed: 7,
		Started: started, Duration: 30 * time.Second, Window: time.Second, Warmup: 2 * time.Second,
		SLOP99: 100 * time.Millisecond, Tolerance: 3, HealthyWindows: 2, ErrorRatio: 0.01,
		ApdexT: 50 * time.Millisecond, LatenessBound: 10 * time.Millisecond,
		Burst: &[2]time.Duration{10 * time.Second, 18*time.Second - 12500*time.Microsecond},
	}
	base := make([]int64, 30)
	fan := make([]int64, 30)
	for i := range base {
		base[i] = 20
		if i >= 10 && i < 18 {
			fan[i] = 80
		}
	}
	cfg.Streams = []StreamOffer{{Name: "base", Offered: base}, {Name: "fanout", Burst: true, Offered: fan}}
	return cfg
}

// synthResults is the deterministic outcome of synthConfig's plan: healthy
// until 11 s, then queueing (latency climbing to ~1 s, some 5xx and
// timeouts) until the target scales at 14 s and drains by 15 s.
func synthResults(cfg Config) []outcome.Result {
	var out []outcome.Result
	var seq int64
	for si, s := range cfg.Streams {
		for wi, n := range s.Offered {
			for k := range n {
				at := time.Duration(wi)*time.Second + time.Duration(k)*time.Second/time.Duration(n)
				lat := time.Duration(8+seq%7)*time.Millisecond + time.Duration(seq%13)*100*time.Microsecond
				if at >= 11*time.Second && at < 15*time.Second {
					lat += (at - 11*time.Second) / 4
				}
				late := time.Duration(seq%5) * 300 * time.Microsecond
				r := outcome.Result{Seq: seq, Stream: si, Intended: at, Sent: at + late, End: at + lat, Code: 200, Class: outcome.OK}
				switch {
				case wi == 12 && k%10 == 3:
					r.Code, r.Class = 503, outcome.Status5xx
				case wi == 13 && k%25 == 4:
					r.Code, r.Class, r.End = 0, outcome.TimedOut, at+2*time.Second
				}
				out = append(out, r)
				seq++
			}
		}
	}
	return out
}

// synthEvents is the target's scale timeline: 2 replicas, a decision at
// 11.5 s, 4 ready at 14 s.
func synthEvents() []ScaleEvent {
	return []ScaleEvent{
		{AtS: 0, Kind: "start", Replicas: 2},
		{AtS: 11.5, Kind: "decision", Replicas: 2, Desired: 4},
		{AtS: 14, Kind: "ready", Replicas: 3, Desired: 4},
		{AtS: 14.2, Kind: "ready", Replicas: 4, Desired: 4},
	}
}

// record runs results through a Recorder; with dir it writes a record
// directory (run.json and latency.hlog).
func record(t testing.TB, cfg Config, results []outcome.Result, events []ScaleEvent, dir string) *Record {
	t.Helper()
	var hlog bytes.Buffer
	rec := NewRecorder(cfg, &hlog)
	for _, r := range results {
		rec.Record(r)
	}
	out, err := rec.Finish(false, events)
	if err != nil {
		t.Fatal(err)
	}
	if dir != "" {
		if err := Save(dir, out); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, HlogFile), hlog.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out.dirs = []string{dir}
	}
	return out
}

// TestRecordGolden records the synthetic run and compares its record
// directory with testdata/synthetic: the fixture the renderers' golden files
// and the CLI's tests are made from.
func TestRecordGolden(t *testing.T) {
	dir := t.TempDir()
	cfg := synthConfig()
	record(t, cfg, synthResults(cfg), synthEvents(), dir)
	for _, name := range []string{RunFile, HlogFile} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "synthetic", name), got)
	}
}

// TestStreamWindows checks each stream's share of the windows against the
// windows and the streams' totals: the shares of a window add up to it, a
// stream's shares over the run add up to its summary, and a stream has a
// share only where it was offered something. The run stops at 20 s, so the
// unsent requests of its last windows are counted in the shares too.
func TestStreamWindows(t *testing.T) {
	cfg := synthConfig()
	r := NewRecorder(cfg, nil)
	for _, res := range synthResults(cfg) {
		if res.Intended < 20*time.Second {
			r.Record(res)
		}
	}
	r.StopAt(20 * time.Second)
	rec, err := r.Finish(true, synthEvents())
	if err != nil {
		t.Fatal(err)
	}
	totals := map[string]*Tally{}
	for i, w := range rec.Windows {
		var sum Tally
		for _, s := range w.Streams {
			sum.add(s.Tally)
			if totals[s.Stream] == nil {
				totals[s.Stream] = &Tally{}
			}
			totals[s.Stream].add(s.Tally)
		}
		if !equalTally(sum, w.Tally) {
			t.Errorf("window %d: its streams' shares add up to %+v, the window is %+v", i, sum, w.Tally)
		}
		fan := w.Stream("fanout")
		if (fan != nil) != (i >= 10 && i < 18) {
			t.Errorf("window %d: fanout's share %+v, want one only in the burst (10-17 s)", i, fan)
		}
	}
	if rec.Summary.Errors["unsent"] == 0 {
		t.Fatal("the stopped run counted nothing unsent: the test does not test it")
	}
	for _, s := range rec.Streams {
		if got := totals[s.Name]; got == nil || !equalTally(*got, s.Tally) {
			t.Errorf("stream %s: its window shares add up to %+v, its summary is %+v", s.Name, got, s.Tally)
		}
	}
	// Window 11 queues (p99 ~250 ms): both streams' shares show it.
	for _, name := range []string{"base", "fanout"} {
		if s := rec.Windows[11].Stream(name); s == nil || s.P99Ms < 200 || s.OK == 0 || s.Apdex >= 1 {
			t.Errorf("window 11, stream %s: %+v, want its queueing (p99 > 200 ms, apdex < 1)", name, s)
		}
	}
}

func equalTally(a, b Tally) bool {
	if a.Offered != b.Offered || a.Sent != b.Sent || a.Completed != b.Completed || a.OK != b.OK || a.Satisfied != b.Satisfied || a.Tolerating != b.Tolerating {
		return false
	}
	for k, v := range a.Errors {
		if b.Errors[k] != v {
			return false
		}
	}
	for k, v := range b.Errors {
		if a.Errors[k] != v {
			return false
		}
	}
	return true
}
