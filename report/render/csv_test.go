package render

import (
	"slices"
	"testing"

	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/report"
)

// TestWindowEvents: the CSV's event column marks the burst's first degraded
// window and the first window of the healthy run that ended it, with the
// cause; a target degraded only after the burst (cause never_degraded) has
// no degraded mark, so the column never contradicts the cause.
func TestWindowEvents(t *testing.T) {
	rec := fixture(t)
	ev := windowEvents(rec)
	if ev[11] != "degraded" || ev[15] != "healthy_again:scaled" {
		t.Errorf("events at 11 and 15 s: %q, %q; want degraded, healthy_again:scaled", ev[11], ev[15])
	}
	// Degraded only at 25 s, after the burst (10-18 s).
	rec.Summary.TimeToDegradeS, rec.Summary.RecoveryCause = new(15.0), report.CauseNeverDegraded
	rec.Summary.Recovery = report.Recovery{}
	for i, e := range windowEvents(rec) {
		if e != "" {
			t.Errorf("window %d: event %q, want none (never degraded during the burst)", i, e)
		}
	}
}

// TestClassOrder: the reports list every error class, each once: a class
// missing here would vanish from the tables, the CSV and the charts.
func TestClassOrder(t *testing.T) {
	var want []string
	for c := range outcome.Class(outcome.Classes) {
		if c != outcome.OK {
			want = append(want, c.String())
		}
	}
	got := slices.Sorted(slices.Values(classOrder))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("classOrder holds %v, want every class but ok: %v", got, want)
	}
}
