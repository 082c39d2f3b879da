package compare

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

func ptr2(x float64) *float64 { return &x }

// record builds a record with the figures the tests vary.
func record(name string, recovery *float64, peakP99Ms, errRatio, minApdex float64) *report.Record {
	status := report.StatusRecovered
	if recovery == nil {
		status = report.StatusNotRecovered
	}
	return &report.Record{
		Schema: report.SchemaVersion,
		Name:   name,
		Target: "sim",
		Burst:  report.BurstWindow{StartS: 10, EndS: 40, Source: "profile"},
		Summary: report.Summary{
			Tally:             report.Tally{Completed: 1000, OK: 990},
			ErrorRatio:        errRatio,
			PeakP99Ms:         peakP99Ms,
			BaselineP99Ms:     20,
			MinApdex:          minApdex,
			Apdex:             0.9,
			TimeToDegradeS:    ptr2(2),
			TimeToScaleS:      ptr2(20),
			TimeToScaleStatus: report.StatusReached,
			P99RecoveryS:      recovery,
			P99RecoveryStatus: status,
			DegradedForS:      20,
		},
		Streams: []report.StreamSummary{{Name: "teams", Tally: report.Tally{OK: 500}, Percentiles: report.Percentiles{P99Ms: 800}}},
	}
}

func TestRegressionBounds(t *testing.T) {
	base := record("base", ptr2(10), 1000, 0.01, 0.8)
	tests := []struct {
		name   string
		next   *report.Record
		bound  string
		pass   bool
		meas   string
		reason string
	}{
		{"30% slower recovery", record("new", ptr2(13), 1000, 0.01, 0.8), "p99_recovery=20%", false, "30% worse", "p99_recovery went from 10s to 13s: 30% worse, more than the 20% allowed"},
		{"5% slower recovery", record("new", ptr2(10.5), 1000, 0.01, 0.8), "p99_recovery=20%", true, "5% worse", ""},
		{"exactly at the bound", record("new", ptr2(12), 1000, 0.01, 0.8), "p99_recovery=20%", true, "20% worse", ""},
		{"faster recovery", record("new", ptr2(5), 1000, 0.01, 0.8), "p99_recovery=20%", true, "50% better", ""},
		{"not recovered", record("new", nil, 1000, 0.01, 0.8), "p99_recovery=20%", false, "10s → not recovered", "no longer reached"},
		{"from 0", record("new", ptr2(2), 1000, 0.01, 0.8), "p99_recovery=2s", true, "8s better", ""},
		{"absolute, over", record("new", ptr2(16), 1000, 0.01, 0.8), "p99_recovery=5s", false, "6s worse", ""},
		{"absolute in ms", record("new", ptr2(10), 1150, 0.01, 0.8), "peak_p99=100ms", false, "150ms worse", ""},
		{"absolute in s on ms", record("new", ptr2(10), 1150, 0.01, 0.8), "peak_p99=0.2s", true, "150ms worse", ""},
		{"apdex lower is worse", record("new", ptr2(10), 1000, 0.01, 0.6), "min_apdex=10%", false, "25% worse", ""},
		{"apdex higher is better", record("new", ptr2(10), 1000, 0.01, 0.9), "min_apdex=10%", true, "12.5% better", ""},
		{"error ratio relative", record("new", ptr2(10), 1000, 0.013, 0.8), "error_ratio=20%", false, "30% worse", ""},
		{"error ratio absolute", record("new", ptr2(10), 1000, 0.013, 0.8), "error_ratio=0.005", true, "0.003 worse", ""},
		{"stream p99", record("new", ptr2(10), 1000, 0.01, 0.8), "stream.teams.p99=5%", true, "unchanged", ""},
	}
	for _, tt := range tests {
		bounds, err := ParseBounds([]string{tt.bound})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		c, err := Compare(base, tt.next, bounds)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(c.Checks) != 1 {
			t.Fatalf("%s: %d checks, want 1", tt.name, len(c.Checks))
		}
		r := c.Checks[0]
		if r.Pass != tt.pass || r.Measured != tt.meas || !strings.Contains(r.Reason, tt.reason) {
			t.Errorf("%s: pass %v measured %q reason %q; want %v %q %q", tt.name, r.Pass, r.Measured, r.Reason, tt.pass, tt.meas, tt.reason)
		}
		if want := map[bool]int{true: 0, false: 1}[tt.pass]; c.Regressions() != want {
			t.Errorf("%s: %d regressions, want %d", tt.name, c.Regressions(), want)
		}
	}
}

func TestParseBoundErrors(t *testing.T) {
	tests := []struct{ spec, msg string }{
		{"p99_recovery", `regression bound "p99_recovery": want FIGURE=LIMIT`},
		{"=20%", "want FIGURE=LIMIT"},
		{"p99_recovry=20%", `unknown figure "p99_recovry" (did you mean p99_recovery?)`},
		{"offered=20%", "offered is a count with no better or worse"},
		{"generator_saturated=1", "a boolean with no better or worse"},
		{"p99_recovery=abc%", `limit "abc%" is not a percentage`},
		{"p99_recovery=-5%", `limit "-5%" is not a percentage`},
		{"p99_recovery=5x", `limit "5x": unknown unit "x"`},
		{"error_ratio=5s", `limit "5s": unit "s" does not fit error_ratio`},
	}
	for _, tt := range tests {
		_, err := ParseBound(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseBound(%q) = %v, want an error holding %q", tt.spec, err, tt.msg)
		}
	}
	if _, err := ParseBounds([]string{"p99_recovery=20%", "p99_recovery=5s"}); err == nil || !strings.Contains(err.Error(), "one bound per figure") {
		t.Errorf("two bounds on one figure: %v", err)
	}
}

func TestCompareRows(t *testing.T) {
	base := record("base", ptr2(10), 1000, 0.01, 0.8)
	next := record("new", nil, 800, 0.02, 0.8)
	next.Summary.TimeToDegradeS = nil // never degraded: best
	next.Summary.GeneratorSaturated = true
	c, err := Compare(base, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ base, new, delta, pct, change string }{
		"p99_recovery":        {"10s", "not recovered", "-", "-", Worse},
		"peak_p99":            {"1000ms", "800ms", "-200ms", "-20.0%", Better},
		"error_ratio":         {"1%", "2%", "+1pp", "+100.0%", Worse},
		"min_apdex":           {"0.8", "0.8", "0", "+0.0%", Same},
		"time_to_degrade":     {"2s", "never degraded", "-", "-", Better},
		"time_to_scale":       {"20s", "20s", "0s", "+0.0%", Same},
		"generator_saturated": {"false", "true", "-", "-", Worse},
		"stream.teams.p99":    {"800ms", "800ms", "0ms", "+0.0%", Same},
	}
	got := map[string]Row{}
	for _, r := range c.Rows {
		got[r.Figure] = r
	}
	for name, w := range want {
		r, ok := got[name]
		if !ok {
			t.Errorf("no row for %s", name)
			continue
		}
		if r.BaseText != w.base || r.NewText != w.new || deltaText(r) != w.delta || pctText(r) != w.pct || r.Change != w.change {
			t.Errorf("%s: %s %s %s %s %s, want %+v", name, r.BaseText, r.NewText, deltaText(r), pctText(r), r.Change, w)
		}
	}
	if _, ok := got["scale_reaction"]; ok {
		t.Errorf("scale_reaction shown though neither record has a scale signal")
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "new: the generator was saturated") {
		t.Errorf("notes %q", c.Notes)
	}
}

func TestCompareMissingStream(t *testing.T) {
	base := record("base", ptr2(10), 1000, 0.01, 0.8)
	next := record("new", ptr2(10), 1000, 0.01, 0.8)
	next.Streams = nil
	bounds, _ := ParseBounds([]string{"stream.teams.p99=10%"})
	if _, err := Compare(base, next, bounds); err == nil || !strings.Contains(err.Error(), `new: no stream "teams"`) {
		t.Errorf("Compare with a stream the new record lacks: %v", err)
	}
}

func TestRenderers(t *testing.T) {
	base := record("base", ptr2(10), 1000, 0.01, 0.8)
	next := record("new", ptr2(13), 1000, 0.01, 0.8)
	bounds, _ := ParseBounds([]string{"p99_recovery=20%"})
	c, err := Compare(base, next, bounds)
	if err != nil {
		t.Fatal(err)
	}
	var tb, md, js strings.Builder
	if err := WriteTable(&tb, c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"burstlab compare: base base -> new new", "| p99_recovery ", "|  +30.0% | worse", "FAIL", "max-regression p99_recovery=20%"} {
		if !strings.Contains(tb.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tb.String())
		}
	}
	if err := WriteMarkdown(&md, c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| p99_recovery | 10s | 13s | +3s | +30.0% | **worse** |", "### ❌ burstlab gates: 0 passed, 1 failed"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := WriteJSON(&js, c); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Rows []struct {
			Figure   string   `json:"figure"`
			Base     *float64 `json:"base"`
			New      *float64 `json:"new"`
			DeltaPct *float64 `json:"delta_pct"`
			Change   string   `json:"change"`
		} `json:"rows"`
		Checks []struct {
			Pass bool `json:"pass"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(js.String()), &back); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, js.String())
	}
	if r := back.Rows[1]; r.Figure != "p99_recovery" || *r.Base != 10 || *r.New != 13 || *r.DeltaPct != 30 || r.Change != Worse {
		t.Errorf("JSON row %+v", r)
	}
	if len(back.Checks) != 1 || back.Checks[0].Pass {
		t.Errorf("JSON checks %+v", back.Checks)
	}
}
