package report

import (
	"strings"
	"testing"
)

// causeSeries builds a record of 1 s windows, burst [10 s, 19.5 s] marked,
// healthy bound 50 ms, K = 2, from each window's offered count and p99 (ms).
// Baseline windows offer 100.
func causeSeries(offered []int64, p99 []float64) *Record {
	rec := series(p99...)
	for i := range rec.Windows {
		w := &rec.Windows[i]
		w.Offered, w.Sent, w.Completed, w.OK, w.Satisfied = offered[i], offered[i], offered[i], offered[i], offered[i]
	}
	return rec
}

// offer is 100 a window, 400 from window 10 to 19, then 100: a burst at
// full rate to its end. fallFrom lowers the burst's windows from that index
// on to 150 (the burst's traffic falling off before B1); -1 keeps it full.
func offer(n, fallFrom int) []int64 {
	out := make([]int64, n)
	for i := range out {
		switch {
		case i >= 10 && i <= 19 && (fallFrom < 0 || i < fallFrom):
			out[i] = 400
		case i >= 10 && i <= 19:
			out[i] = 150
		default:
			out[i] = 100
		}
	}
	return out
}

// scaleUp is a timeline with 2 replicas until 4 are ready at 14.5 s.
var scaleUp = []ScaleEvent{
	{AtS: 0, Kind: "start", Replicas: 2},
	{AtS: 11, Kind: "decision", Replicas: 2, Desired: 4},
	{AtS: 14.5, Kind: "ready", Replicas: 4, Desired: 4},
}

// noRise is a timeline whose replica count never moves.
var noRise = []ScaleEvent{{AtS: 0, Kind: "start", Replicas: 2}}

func TestRecoveryCause(t *testing.T) {
	tests := []struct {
		name     string
		offered  []int64
		p99      []float64
		events   []ScaleEvent
		cause    string
		at       float64 // Recovery.AtS, -1: null
		replicas int
	}{
		{"never degraded", offer(30, -1), fill(30, 12), scaleUp, CauseNeverDegraded, -1, 0},
		// Degraded 11..14, healthy from 15 at full rate with 4 replicas.
		{"scaled inside the burst", offer(30, -1), join(fill(11, 12), fill(4, 900), fill(15, 12)), scaleUp, CauseScaled, 15, 4},
		// Healthy only in the burst's last windows (18, 19), whose offered
		// rate had already fallen: the traffic, not the 4 replicas, did it.
		{"healthy in the last windows, rate fallen", offer(30, 17), join(fill(11, 12), fill(7, 900), fill(12, 12)), scaleUp, CauseTrafficSubsided, 18, 4},
		// The same windows healthy while the burst still offered 400: scaled.
		{"healthy in the last windows, rate full", offer(30, -1), join(fill(11, 12), fill(7, 900), fill(12, 12)), scaleUp, CauseScaled, 18, 4},
		// Healthy only after the burst: traffic subsided.
		{"healthy after the burst", offer(30, -1), join(fill(11, 12), fill(12, 900), fill(7, 12)), scaleUp, CauseTrafficSubsided, 23, 4},
		{"never recovered", offer(30, -1), join(fill(11, 12), fill(19, 900)), scaleUp, CauseNotRecovered, -1, 0},
		// Healthy at full rate with no scale timeline: the record cannot tell.
		{"no scale information", offer(30, -1), join(fill(11, 12), fill(4, 900), fill(15, 12)), nil, CauseUnknown, 15, 0},
		// Healthy at full rate, but the replicas never rose: not scaling.
		{"healthy at full rate without more replicas", offer(30, -1), join(fill(11, 12), fill(4, 900), fill(15, 12)), noRise, CauseUnknown, 15, 2},
		// Without scale information a fall in traffic still tells.
		{"rate fallen, no scale information", offer(30, 17), join(fill(11, 12), fill(7, 900), fill(12, 12)), nil, CauseTrafficSubsided, 18, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := causeSeries(tt.offered, tt.p99)
			rec.ScaleEvents = tt.events
			Analyze(rec)
			s := rec.Summary
			if s.RecoveryCause != tt.cause {
				t.Errorf("recovery_cause = %q, want %q (%s)", s.RecoveryCause, tt.cause, s.Recovery.Why)
			}
			r := s.Recovery
			switch {
			case tt.at < 0 && r.AtS != nil:
				t.Errorf("recovery at_s = %v, want null", *r.AtS)
			case tt.at >= 0 && (r.AtS == nil || *r.AtS != tt.at):
				t.Errorf("recovery at_s = %v, want %v", r.AtS, tt.at)
			}
			if tt.at >= 0 && r.Replicas != tt.replicas {
				t.Errorf("recovery replicas = %d, want %d", r.Replicas, tt.replicas)
			}
			if r.BurstRPS != 400 || r.BaselineRPS != 100 {
				t.Errorf("burst and baseline rates = %v, %v, want 400, 100", r.BurstRPS, r.BaselineRPS)
			}
			if r.Why == "" {
				t.Error("no evidence sentence")
			}
		})
	}
}

// TestRecoveryCauseEvidence checks the sentence a reader gets names the
// offered rate and the replicas at the moment health returned.
func TestRecoveryCauseEvidence(t *testing.T) {
	rec := causeSeries(offer(30, -1), join(fill(11, 12), fill(12, 900), fill(7, 12)))
	rec.ScaleEvents = scaleUp
	Analyze(rec)
	why := rec.Summary.Recovery.Why
	for _, want := range []string{"at 23s", "100/s offered", "burst 400/s", "4 replicas ready, 2 at the burst's start"} {
		if !strings.Contains(why, want) {
			t.Errorf("evidence %q lacks %q", why, want)
		}
	}
}

// TestRecoveryCauseNoBurst: without a burst there is nothing to recover from.
func TestRecoveryCauseNoBurst(t *testing.T) {
	rec := causeSeries(offer(30, -1), fill(30, 12))
	rec.Burst = BurstWindow{Source: BurstNone}
	Analyze(rec)
	if c := rec.Summary.RecoveryCause; c != CauseUnknown {
		t.Errorf("recovery_cause = %q, want unknown", c)
	}
}
