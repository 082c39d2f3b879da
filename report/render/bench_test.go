package render

import (
	"io"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// day is a 24-hour record of 1 s windows (86,400), saved in a directory:
// a base stream at 100/s all day and a burst stream at 400/s for ten
// minutes at noon, each window with its streams' shares.
func day(b testing.TB) string {
	b.Helper()
	rec := &report.Record{
		Schema: report.SchemaVersion, Name: "day", Target: "http://127.0.0.1:8080", Started: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		DurationS: 86400, WindowS: 1, Unit: "us",
		Settings: report.Settings{SLOP99Ms: 100, Tolerance: 3, HealthyWindows: 3, ErrorRatio: 0.01, ApdexTMs: 100, LatenessBoundMs: 10},
		Burst:    report.BurstWindow{StartS: 43200, EndS: 43800, Source: report.BurstProfile},
		Streams: []report.StreamSummary{
			{Name: "base", Tally: report.Tally{Offered: 86400 * 100}},
			{Name: "teams", Burst: true, Tally: report.Tally{Offered: 600 * 400}},
		},
		Definitions: report.Definitions,
	}
	rec.Summary.BaselineP99Ms = 20
	rec.Windows = make([]report.Window, 86400)
	share := func(name string, n int64, p99 float64) report.StreamWindow {
		return report.StreamWindow{Stream: name,
			Tally:      report.Tally{Offered: n, Sent: n, Completed: n, OK: n - n/100, Satisfied: n - n/100, Errors: report.Counts{"5xx": n / 100}},
			ErrorRatio: 0.01, Percentiles: report.Percentiles{P50Ms: 8, P90Ms: 12, P99Ms: p99, P999Ms: p99 + 5, MaxMs: p99 + 9}, Apdex: 0.99}
	}
	for i := range rec.Windows {
		p99 := 15 + float64(i%17)
		if i >= 43200 && i < 43500 {
			p99 = 900 + float64(i%100)
		}
		w := report.Window{StartS: float64(i), LatenessP99Ms: 0.4, Replicas: 2 + i/43200,
			Streams: []report.StreamWindow{share("base", 100, p99)}}
		if i >= 43200 && i < 43800 {
			w.Streams = append(w.Streams, share("teams", 400, p99+3))
		}
		all := w.Streams[0]
		for _, s := range w.Streams[1:] {
			all.Offered += s.Offered
			all.Sent += s.Sent
			all.Completed += s.Completed
			all.OK += s.OK
			all.Satisfied += s.Satisfied
			all.Errors = report.Counts{"5xx": all.Errors["5xx"] + s.Errors["5xx"]}
			all.Percentiles = s.Percentiles
		}
		w.Tally, w.ErrorRatio, w.Percentiles, w.Apdex = all.Tally, all.ErrorRatio, all.Percentiles, all.Apdex
		rec.Windows[i] = w
	}
	report.Analyze(rec)
	dir := b.TempDir()
	if err := report.Save(dir, rec); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkRerenderDay loads a 24-hour record from disk, analyses it again
// and renders it, per format: what `burstlab report DIR --format F` does.
func BenchmarkRerenderDay(b *testing.B) {
	dir := day(b)
	for _, name := range []string{"table", "json", "csv", "md", "html"} {
		b.Run(name, func(b *testing.B) {
			r, _ := Format(name)
			for b.Loop() {
				rec, err := report.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				if err := r.Render(io.Discard, rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
