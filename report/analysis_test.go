package report

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// series builds a record of 1 s windows from p99 values (ms): 100 requests
// a window, burst [10 s, 19.5 s] marked, baseline p99 10 ms, healthy bound
// 50 ms, K = 2.
func series(p99 ...float64) *Record {
	rec := &Record{
		WindowS:  1,
		Settings: Settings{SLOP99Ms: 50, Tolerance: 3, HealthyWindows: 2, ErrorRatio: 0.01, WarmupS: 2, LatenessBoundMs: 10},
		Burst:    BurstWindow{StartS: 10, EndS: 19.5, Source: BurstProfile},
	}
	rec.Summary.BaselineP99Ms = 10
	for i, p := range p99 {
		rec.Windows = append(rec.Windows, Window{StartS: float64(i), Tally: Tally{Offered: 100, Sent: 100, Completed: 100, OK: 100, Satisfied: 100}, Percentiles: Percentiles{P99Ms: p}})
	}
	return rec
}

// fill returns n copies of v.
func fill(n int, v float64) []float64 { return slices.Repeat([]float64{v}, n) }

func join(parts ...[]float64) []float64 {
	var out []float64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestAnalyze(t *testing.T) {
	type want struct {
		degrade, scale, recovery *float64
		scaleStatus, recStatus   string
		degradedFor              float64
		baselineDegraded         bool
	}
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		p99  []float64
		want want
	}{
		{"no degradation", fill(30, 12),
			want{nil, f(0), f(0), StatusNoDegradation, StatusHealthyAtEnd, 0, false}},
		// The burst (to 19.5 s) lasts to the end of the run: one window after
		// it, fewer than K, and healthy, so healthy at B1, not "not recovered".
		{"burst to the end of the run", fill(20, 12),
			want{nil, f(0), f(0), StatusNoDegradation, StatusHealthyAtEnd, 0, false}},
		// The same, but degraded in the last window: not recovered.
		{"degraded at the end of the run", join(fill(19, 12), fill(1, 900)),
			want{f(9), nil, nil, StatusNotReached, StatusNotRecovered, 1, false}},
		// Degraded 11..14, healthy from 15: scaled 5 s after B0, healthy at B1.
		{"scaled during the burst", join(fill(11, 12), fill(4, 900), fill(15, 12)),
			want{f(1), f(5), f(0), StatusReached, StatusHealthyAtEnd, 4, false}},
		// Degraded 11..22: not scaled; healthy from 23, 3.5 s after B1.
		{"never scaled", join(fill(11, 12), fill(12, 900), fill(7, 12)),
			want{f(1), nil, f(3.5), StatusNotReached, StatusRecovered, 12, false}},
		// A single healthy window inside the degradation is not a run of K.
		{"one healthy window is not enough", join(fill(11, 12), fill(3, 900), fill(1, 12), fill(10, 900), fill(5, 12)),
			want{f(1), nil, f(5.5), StatusNotReached, StatusRecovered, 13, false}},
		{"never recovered", join(fill(11, 12), fill(19, 900)),
			want{f(1), nil, nil, StatusNotReached, StatusNotRecovered, 19, false}},
		// Window 5 is degraded before the burst: the baseline was unhealthy.
		{"degraded before the burst", join(fill(5, 12), fill(1, 900), fill(24, 12)),
			want{nil, f(0), f(0), StatusNoDegradation, StatusHealthyAtEnd, 1, true}},
		// Windows degraded during warm-up do not count against the baseline.
		{"degraded during warm-up", join(fill(1, 900), fill(29, 12)),
			want{nil, f(0), f(0), StatusNoDegradation, StatusHealthyAtEnd, 1, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := series(tt.p99...)
			Analyze(rec)
			s := rec.Summary
			eq := func(name string, got, want *float64) {
				if (got == nil) != (want == nil) || got != nil && *got != *want {
					t.Errorf("%s = %s, want %s", name, show(got), show(want))
				}
			}
			eq("time_to_degrade", s.TimeToDegradeS, tt.want.degrade)
			eq("time_to_scale", s.TimeToScaleS, tt.want.scale)
			eq("p99_recovery", s.P99RecoveryS, tt.want.recovery)
			if s.TimeToScaleStatus != tt.want.scaleStatus || s.P99RecoveryStatus != tt.want.recStatus {
				t.Errorf("statuses %q, %q; want %q, %q", s.TimeToScaleStatus, s.P99RecoveryStatus, tt.want.scaleStatus, tt.want.recStatus)
			}
			if s.DegradedForS != tt.want.degradedFor {
				t.Errorf("degraded_for = %v, want %v", s.DegradedForS, tt.want.degradedFor)
			}
			if s.BaselineDegraded != tt.want.baselineDegraded {
				t.Errorf("baseline_degraded = %v, want %v", s.BaselineDegraded, tt.want.baselineDegraded)
			}
			warned := strings.Contains(strings.Join(s.Warnings, "\n"), "baseline degraded")
			if warned != tt.want.baselineDegraded {
				t.Errorf("baseline warning %v, want %v: %q", warned, tt.want.baselineDegraded, s.Warnings)
			}
			if s.PeakP99Ms != max(tt.p99[0], slicesMax(tt.p99)) {
				t.Errorf("peak p99 = %v", s.PeakP99Ms)
			}
		})
	}
}

func slicesMax(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func show(p *float64) string {
	if p == nil {
		return "null"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + "s"
}

// TestAnalyzeErrors checks an error ratio above the bound degrades a window
// whose p99 is fine, and the ratios by class.
func TestAnalyzeErrors(t *testing.T) {
	rec := series(fill(30, 12)...)
	w := &rec.Windows[12]
	w.OK, w.ErrorRatio, w.Errors = 95, 0.05, Counts{"5xx": 3, "timeout": 2}
	w.Satisfied = 95
	Analyze(rec)
	s := rec.Summary
	if s.TimeToDegradeS == nil || *s.TimeToDegradeS != 2 || s.DegradedForS != 1 {
		t.Errorf("time_to_degrade %s degraded_for %v, want 2s and 1s", show(s.TimeToDegradeS), s.DegradedForS)
	}
	if s.ErrorRatios["5xx"] != 0.001 || s.ErrorRatios["timeout"] != RoundTo(2.0/3000, 6) {
		t.Errorf("error ratios %v", s.ErrorRatios)
	}
	if want := 2995.0 / 3000; s.Apdex != want {
		t.Errorf("apdex %v, want %v", s.Apdex, want)
	}
}

// TestAnalyzeDetectedBurst checks a burst found in the offered rate, and a
// constant rate with no burst at all.
func TestAnalyzeDetectedBurst(t *testing.T) {
	rec := series(join(fill(11, 12), fill(4, 900), fill(15, 12))...)
	for i := range rec.Windows {
		if i >= 10 && i < 20 {
			rec.Windows[i].Offered = 500
		}
	}
	offered := make([]int64, len(rec.Windows))
	for i, w := range rec.Windows {
		offered[i] = w.Offered
	}
	b, src := detectBurst(offered, 1e9)
	rec.Burst = BurstWindow{StartS: b[0].Seconds(), EndS: b[1].Seconds(), Source: src}
	if rec.Burst != (BurstWindow{StartS: 10, EndS: 20, Source: BurstDetected}) {
		t.Fatalf("detected %+v, want [10, 20] detected", rec.Burst)
	}
	if first, last := rec.Burst.Span(1); first != 10 || last != 19 {
		t.Errorf("burst windows %d..%d, want 10..19", first, last)
	}
	Analyze(rec)
	if s := rec.Summary; s.TimeToScaleS == nil || *s.TimeToScaleS != 5 || s.P99RecoveryStatus != StatusHealthyAtEnd {
		t.Errorf("time_to_scale %s p99_recovery %s", show(s.TimeToScaleS), s.P99RecoveryStatus)
	}

	flat := series(fill(30, 12)...)
	offered = make([]int64, 30)
	for i := range offered {
		offered[i] = 100
	}
	b, src = detectBurst(offered, 1e9)
	flat.Burst = BurstWindow{StartS: b[0].Seconds(), EndS: b[1].Seconds(), Source: src}
	Analyze(flat)
	s := flat.Summary
	if src != BurstNone || s.TimeToScaleS != nil || s.TimeToScaleStatus != StatusNoBurst || len(s.Warnings) == 0 {
		t.Errorf("flat rate: source %s time_to_scale %s (%s) warnings %q", src, show(s.TimeToScaleS), s.TimeToScaleStatus, s.Warnings)
	}
}

// TestAnalyzeSaturated checks the generator flag reaches every report, and
// that the warning names the instant the generator fell furthest behind.
func TestAnalyzeSaturated(t *testing.T) {
	rec := series(fill(30, 12)...)
	rec.Generator.LatenessP99Ms = 40
	rec.Windows[17].Sent, rec.Windows[17].LatenessP99Ms = 3900, 152
	Analyze(rec)
	warn := strings.Join(rec.Summary.Warnings, "")
	if !rec.Summary.GeneratorSaturated || !strings.Contains(warn, "generator saturated") {
		t.Errorf("saturated generator not flagged: %+v", rec.Summary.Warnings)
	}
	if !strings.Contains(warn, "Worst at 17s: 3900 requests sent in 1s (3900/s), lateness p99 152ms") || !strings.Contains(warn, "--shard") {
		t.Errorf("the warning does not name the worst instant or point to --shard: %s", warn)
	}
}

// TestScaleFiguresNeedBurst: with no burst there is no B0, so
// scale_reaction and scale_complete are null (measured from the run's
// start they would pass any `scale_reaction < 10s` gate); the replica
// counts are still reported. With a burst they are measured from B0.
func TestScaleFiguresNeedBurst(t *testing.T) {
	events := []ScaleEvent{{AtS: 0, Kind: "sample", Replicas: 2}, {AtS: 12, Kind: "sample", Replicas: 5}}
	rec := series(fill(30, 12)...)
	rec.ScaleEvents = events
	Analyze(rec)
	if s := rec.Summary; s.ScaleReactionS == nil || *s.ScaleReactionS != 2 || s.ScaleCompleteS == nil || *s.ScaleCompleteS != 2 {
		t.Fatalf("with a burst at 10s: reaction %s complete %s, want 2s and 2s", show(s.ScaleReactionS), show(s.ScaleCompleteS))
	}
	rec = series(fill(30, 12)...)
	rec.Burst = BurstWindow{Source: BurstNone}
	rec.ScaleEvents = events
	Analyze(rec)
	s := rec.Summary
	if s.ScaleReactionS != nil || s.ScaleCompleteS != nil {
		t.Errorf("no burst: scale_reaction %s, scale_complete %s; want null", show(s.ScaleReactionS), show(s.ScaleCompleteS))
	}
	if s.ReplicasStart != 2 || s.ReplicasPeak != 5 || rec.Windows[20].Replicas != 5 {
		t.Errorf("no burst: replicas %d -> %d, window 20 %d; want 2 -> 5 and 5", s.ReplicasStart, s.ReplicasPeak, rec.Windows[20].Replicas)
	}
}
