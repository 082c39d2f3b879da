package gate

import (
	"strings"
	"testing"
)

// answer stands for a value other than a record, such as a capacity
// search's answer.
type answer struct {
	CapacityRPS *float64 `json:"capacity_rps"`
	BurstFactor float64  `json:"burst_factor"`
	Steps       int      `json:"steps"`
}

func TestFigureSet(t *testing.T) {
	fs := FiguresOf[answer]("a capacity answer")
	capacity := 1480.0
	found := answer{CapacityRPS: &capacity, BurstFactor: 2.4, Steps: 9}
	tests := []struct {
		expr     string
		v        answer
		pass     bool
		measured string
	}{
		{"capacity >= 1500/s", found, false, "1480/s"},
		{"capacity >= 1400/s", found, true, "1480/s"},
		{"capacity > 80000/m", found, true, "88800/m"},
		{"capacity >= 1", answer{}, false, "null"},
		{"burst_factor >= 2", found, true, "2.4"},
		{"steps <= 10", found, true, "9"},
	}
	for _, tt := range tests {
		g, err := fs.Parse(tt.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.expr, err)
		}
		r := fs.Evaluate(&tt.v, []Gate{g})[0]
		if r.Pass != tt.pass || r.Measured != tt.measured {
			t.Errorf("%s on %+v: pass %v measured %q (%s), want pass %v measured %q", tt.expr, tt.v, r.Pass, r.Measured, r.Reason, tt.pass, tt.measured)
		}
	}
	// A record's figure is not the answer's, and the other way round.
	if _, err := fs.Parse("p99_recovery < 30s"); err == nil || !strings.Contains(err.Error(), "of a capacity answer") {
		t.Errorf("record figure in the answer's set: %v", err)
	}
	if _, err := Parse("capacity >= 1500/s"); err == nil {
		t.Error("Parse accepted capacity, an answer figure, as a record figure")
	}
	if _, err := fs.Parse("capacity >= 15ms"); err == nil || !strings.Contains(err.Error(), "/s or /m") {
		t.Errorf("a duration threshold on a rate: %v", err)
	}
}
