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
