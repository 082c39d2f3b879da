package render

import (
	"io"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// day is a 24-hour record of 1 s windows (86,400), saved in a directory.
func day(b testing.TB) string {
	b.Helper()
	rec := &report.Record{
		Schema: report.SchemaVersion, Name: "day", Target: "http://127.0.0.1:8080", Started: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		DurationS: 86400, WindowS: 1, Unit: "us",
		Settings:    report.Settings{SLOP99Ms: 100, Tolerance: 3, HealthyWindows: 3, ErrorRatio: 0.01, ApdexTMs: 100, LatenessBoundMs: 10},
		Burst:       report.BurstWindow{StartS: 43200, EndS: 43800, Source: report.BurstProfile},
		Streams:     []report.StreamSummary{{Name: "base", Tally: report.Tally{Offered: 86400 * 100}}},
		Definitions: report.Definitions,
	}
	rec.Summary.BaselineP99Ms = 20
	rec.Windows = make([]report.Window, 86400)
	for i := range rec.Windows {
		p99 := 15 + float64(i%17)
		if i >= 43200 && i < 43500 {
			p99 = 900 + float64(i%100)
		}
		rec.Windows[i] = report.Window{StartS: float64(i),
			Tally:      report.Tally{Offered: 100, Sent: 100, Completed: 100, OK: 99, Satisfied: 99, Errors: report.Counts{"5xx": 1}},
			ErrorRatio: 0.01, Percentiles: report.Percentiles{P50Ms: 8, P90Ms: 12, P99Ms: p99, P999Ms: p99 + 5, MaxMs: p99 + 9},
			LatenessP99Ms: 0.4, Apdex: 0.99, Replicas: 2 + i/43200}
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
