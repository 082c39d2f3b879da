package compare

import (
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
