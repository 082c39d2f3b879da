package report

import (
	"fmt"
	"strings"
	"testing"
)

// TestAlertTiming evaluates rules on a series degraded from window 10 (the
// burst starts at 10 s): a rule is pending from the start of the first
// window where it holds and fires at the end of the window that completes
// its for.
func TestAlertTiming(t *testing.T) {
	high := func(w *Window) bool { return w.P99Ms > 50 }
	tests := []struct {
		name             string
		p99              []float64
		forS             float64
		pending, firing  float64 // -1: never fired
		toAlert, gap     float64
		wantLineContains string
	}{
		{"for 3s", join(fill(10, 12), fill(20, 900)), 3, 10, 13, 3, 3, "fired 3s after the burst began; users were hurt 3s before it fired"},
		{"for 0s", join(fill(10, 12), fill(20, 900)), 0, 10, 11, 1, 1, "fired 1s after the burst began"},
		{"for 2.5s rounds up to a window end", join(fill(10, 12), fill(20, 900)), 2.5, 10, 13, 3, 3, "fired 3s"},
		// A healthy window resets the rule: pending again from 13.
		{"reset by a healthy window", join(fill(10, 12), fill(2, 900), fill(1, 12), fill(17, 900)), 3, 13, 16, 6, 6, "users were hurt 6s before it fired"},
		{"never holds long enough", join(fill(10, 12), fill(2, 900), fill(18, 12)), 3, -1, -1, 0, 0, "never fired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := series(tt.p99...)
			Analyze(rec)
			a := EvaluateAlert(rec, "p99-high", "p99 > 50ms", tt.forS, high)
			if tt.firing < 0 {
				if a.FiringS != nil || a.TimeToAlertStatus != AlertNeverFired {
					t.Fatalf("fired at %v (%s), want never", *a.FiringS, a.TimeToAlertStatus)
				}
			} else {
				if a.PendingS == nil || *a.PendingS != tt.pending || a.FiringS == nil || *a.FiringS != tt.firing {
					t.Fatalf("pending %v firing %v, want %v and %v", deref(a.PendingS), deref(a.FiringS), tt.pending, tt.firing)
				}
				if *a.TimeToAlertS != tt.toAlert || *a.DetectionGapS != tt.gap {
					t.Errorf("time_to_alert %v, detection gap %v, want %v and %v", *a.TimeToAlertS, *a.DetectionGapS, tt.toAlert, tt.gap)
				}
			}
			if !strings.Contains(a.Line(), tt.wantLineContains) {
				t.Errorf("line %q lacks %q", a.Line(), tt.wantLineContains)
			}
			if len(rec.Alerts) != 1 || rec.Alerts[0].Name != "p99-high" {
				t.Errorf("record alerts = %+v, want the one rule", rec.Alerts)
			}
		})
	}
}

// TestAlertReplaces: evaluating a rule again replaces its result.
func TestAlertReplaces(t *testing.T) {
	rec := series(join(fill(10, 12), fill(20, 900))...)
	Analyze(rec)
	EvaluateAlert(rec, "r", "p99 > 50ms", 3, func(w *Window) bool { return w.P99Ms > 50 })
	EvaluateAlert(rec, "r", "p99 > 1s", 3, func(w *Window) bool { return w.P99Ms > 1000 })
	if len(rec.Alerts) != 1 || rec.Alerts[0].FiringS != nil {
		t.Errorf("alerts = %+v, want one rule that never fired", rec.Alerts)
	}
}

// TestAlertEpisodes keeps every run of windows where the condition held,
// fired or not, and says the rule's state at each window's end the way
// Prometheus' ALERTS series would: windows 10-14 hold (fires at 13 s, for
// 3s), 15-19 do not, 20-21 hold (too short to fire), 25 to the end hold
// (fires at 28 s, never resolved).
func TestAlertEpisodes(t *testing.T) {
	rec := series(join(fill(10, 12), fill(5, 900), fill(5, 12), fill(2, 900), fill(3, 12), fill(5, 900))...)
	Analyze(rec)
	a := EvaluateAlert(rec, "p99-high", "p99 > 50ms", 3, func(w *Window) bool { return w.P99Ms > 50 })
	want := []AlertEpisode{{10, ptr(13), ptr(15)}, {20, nil, ptr(22)}, {25, ptr(28), nil}}
	if len(a.Episodes) != len(want) {
		t.Fatalf("episodes %s, want %s", episodes(a.Episodes), episodes(want))
	}
	for i := range want {
		if episodes(a.Episodes[i:i+1]) != episodes(want[i:i+1]) {
			t.Errorf("episode %d: %s, want %s", i, episodes(a.Episodes[i:i+1]), episodes(want[i:i+1]))
		}
	}
	if *a.FiringS != 13 {
		t.Errorf("firing_s %v, want the first episode's 13", *a.FiringS)
	}
	wantStates := map[int]string{10: "pending", 11: "pending", 12: "firing", 13: "firing", 14: "firing", 20: "pending", 21: "pending", 25: "pending", 26: "pending", 27: "firing", 28: "firing", 29: "firing"}
	states := a.States(len(rec.Windows), rec.WindowS)
	for i, got := range states {
		if got != wantStates[i] {
			t.Errorf("state at the end of window %d: %q, want %q", i, got, wantStates[i])
		}
	}
}

// episodes writes episodes as pending-firing-resolved, "-" for null.
func episodes(es []AlertEpisode) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "[%v %v %v]", e.PendingS, deref(e.FiringS), deref(e.ResolvedS))
	}
	return b.String()
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
