package compare

import (
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// TestCompareRecoveryCause: the fast policy's scaled is better than the
// slow policy's traffic_subsided, and the row says both.
func TestCompareRecoveryCause(t *testing.T) {
	base := record("slow", ptr2(12), 15000, 0, 0.3)
	next := record("fast", ptr2(0), 9000, 0, 0.5)
	base.Summary.RecoveryCause = report.CauseTrafficSubsided
	next.Summary.RecoveryCause = report.CauseScaled
	c, err := Compare(base, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Rows {
		if r.Figure == "recovery_cause" {
			if r.BaseText != "traffic_subsided" || r.NewText != "scaled" || r.Change != Better {
				t.Errorf("row %+v, want traffic_subsided -> scaled, better", r)
			}
			return
		}
	}
	t.Error("no recovery_cause row")
}

// TestCompareAlerts: a rule both runs were judged with compares by when it
// fired; the later it fires the longer the target held, and never is the
// best. A rule whose condition changed between the runs does not compare.
func TestCompareAlerts(t *testing.T) {
	fired := func(name, expr string, at float64) report.Alert {
		return report.Alert{Name: name, Expr: expr, ForS: 20, TimeToAlertS: ptr2(at), TimeToAlertStatus: report.AlertFired}
	}
	never := func(name, expr string) report.Alert {
		return report.Alert{Name: name, Expr: expr, ForS: 20, TimeToAlertStatus: report.AlertNeverFired}
	}
	base := record("slow", ptr2(12), 15000, 0, 0.3)
	next := record("fast", ptr2(0), 9000, 0, 0.5)
	base.Alerts = []report.Alert{fired("apdex-low", "apdex < 0.5", 21), fired("p99-high", "p99 > 1s", 5), fired("sooner", "p99 > 1s", 5), fired("changed", "p99 > 1s", 5)}
	next.Alerts = []report.Alert{never("apdex-low", "apdex < 0.5"), fired("p99-high", "p99 > 1s", 5), fired("sooner", "p99 > 1s", 3), fired("changed", "p99 > 2s", 9)}
	c, err := Compare(base, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"alert.apdex-low.time_to_alert": "21s never fired " + Better,
		"alert.p99-high.time_to_alert":  "5s 5s " + Same,
		"alert.sooner.time_to_alert":    "5s 3s " + Worse,
	}
	for _, r := range c.Rows {
		if !strings.HasPrefix(r.Figure, "alert.") {
			continue
		}
		if got := r.BaseText + " " + r.NewText + " " + r.Change; got != want[r.Figure] {
			t.Errorf("%s: %q, want %q", r.Figure, got, want[r.Figure])
		}
		delete(want, r.Figure)
	}
	if len(want) > 0 {
		t.Errorf("no rows for %v", want)
	}
}
