package gate

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

func ptr(x float64) *float64 { return &x }

// testRecord is a small record: recovered in 12 s, scaled in 40 s, a teams
// stream with a slow tail.
func testRecord() *report.Record {
	return &report.Record{
		Schema: report.SchemaVersion,
		Name:   "fixture",
		Burst:  report.BurstWindow{StartS: 10, EndS: 70, Source: "profile"},
		Summary: report.Summary{
			Tally:             report.Tally{Offered: 5000, Sent: 5000, Completed: 5000, OK: 4979},
			ErrorRatio:        0.0042,
			PeakP99Ms:         1840,
			MinApdex:          0.86,
			TimeToDegradeS:    ptr(3),
			TimeToScaleS:      ptr(40),
			TimeToScaleStatus: report.StatusReached,
			P99RecoveryS:      ptr(12),
			P99RecoveryStatus: report.StatusRecovered,
			DegradedForS:      25,
		},
		Streams: []report.StreamSummary{
			{Name: "base", Tally: report.Tally{OK: 3000}, Percentiles: report.Percentiles{P99Ms: 120}, Apdex: 0.95},
			{Name: "teams", Tally: report.Tally{OK: 1979}, Percentiles: report.Percentiles{P99Ms: 950.5}, Apdex: 0.7, ErrorRatio: 0.01},
		},
	}
}

func TestEvaluate(t *testing.T) {
	notRecovered := testRecord()
	notRecovered.Summary.P99RecoveryS = nil
	notRecovered.Summary.P99RecoveryStatus = report.StatusNotRecovered
	notRecovered.Summary.TimeToScaleS = nil
	notRecovered.Summary.TimeToScaleStatus = report.StatusNotReached
	notRecovered.Summary.TimeToDegradeS = nil
	saturated := testRecord()
	saturated.Generator.Saturated = true
	noBurst := testRecord()
	noBurst.Burst.Source = "none"
	noBurst.Summary.TimeToDegradeS = nil

	tests := []struct {
		rec      *report.Record
		expr     string
		pass     bool
		measured string
		reason   string // in the reason when it fails
	}{
		{testRecord(), "p99_recovery < 30s", true, "12s", ""},
		{testRecord(), "p99_recovery < 12s", false, "12s", "p99_recovery is 12s, want < 12s"},
		{testRecord(), "p99_recovery <= 12s", true, "12s", ""},
		{testRecord(), "p99_recovery < 12000ms", false, "12000ms", ""},
		{testRecord(), "p99_recovery < 0.5m", true, "0.2m", ""},
		{testRecord(), "time_to_scale <= 45s", true, "40s", ""},
		{testRecord(), "time_to_scale <= 45", true, "40s", ""},
		{testRecord(), "time_to_scale < 39.9", false, "40s", ""},
		{testRecord(), "error_ratio < 1%", true, "0.42%", ""},
		{testRecord(), "error_ratio < 0.4%", false, "0.42%", "error_ratio is 0.42%, want < 0.4%"},
		{testRecord(), "error_ratio < 0.005", true, "0.0042", ""},
		{testRecord(), "peak_p99 < 2s", true, "1.84s", ""},
		{testRecord(), "peak_p99 < 1800", false, "1840ms", ""},
		{testRecord(), "peak_p99 < 1840001us", true, "1840000us", ""},
		{testRecord(), "min_apdex >= 0.85", true, "0.86", ""},
		{testRecord(), "min_apdex >= 90%", false, "86%", ""},
		{testRecord(), "degraded_for <= 20s", false, "25s", ""},
		{testRecord(), "generator_saturated == false", true, "false", ""},
		{testRecord(), "generator_saturated == true", false, "false", ""},
		{saturated, "generator_saturated == false", false, "true", "generator_saturated is true, want == false"},
		{testRecord(), "stream.teams.p99 < 800ms", false, "950.5ms", "stream.teams.p99 is 950.5ms, want < 800ms"},
		{testRecord(), "stream.teams.p99 < 1s", true, "0.9505s", ""},
		{testRecord(), "stream.base.apdex > 0.9", true, "0.95", ""},
		{testRecord(), "stream.nope.p99 < 1s", false, "missing", `no stream "nope" in record "fixture" (streams: base, teams)`},
		{testRecord(), "offered == 5000", true, "5000", ""},
		{testRecord(), "ok != 5000", true, "4979", ""},
		{notRecovered, "p99_recovery < 30s", false, "not recovered", "p99_recovery is null (not recovered), and a null figure fails its gate"},
		{notRecovered, "p99_recovery > 30s", false, "not recovered", "a null figure fails"},
		{notRecovered, "time_to_scale <= 45s", false, "not reached", "time_to_scale is null (not reached)"},
		{notRecovered, "time_to_degrade > 5s", true, "never degraded", ""},
		{notRecovered, "time_to_degrade < 5s", false, "never degraded", ""},
		{noBurst, "time_to_degrade > 5s", false, "null", "a null figure fails"},
		{testRecord(), "scale_reaction < 10s", false, "null", "scale_reaction is null, and"},
	}
	for _, tt := range tests {
		g, err := Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		r := Evaluate(tt.rec, []Gate{g})[0]
		if r.Pass != tt.pass || r.Measured != tt.measured || r.Expr != tt.expr || r.Figure != g.Figure.Name {
			t.Errorf("%s: pass %v measured %q, want pass %v measured %q", tt.expr, r.Pass, r.Measured, tt.pass, tt.measured)
		}
		if r.Pass != (r.Reason == "") || !strings.Contains(r.Reason, tt.reason) {
			t.Errorf("%s: reason %q, want one holding %q", tt.expr, r.Reason, tt.reason)
		}
	}
}

// TestEvaluateSavedRecord judges a record written by a real run.
func TestEvaluateSavedRecord(t *testing.T) {
	rec, err := report.Load("testdata/short-burst")
	if err != nil {
		t.Fatal(err)
	}
	gates, err := ParseAll([]string{"time_to_scale <= 6s", "p99_recovery == 0", "stream.fanout.p99 < 250ms", "peak_p99 < 250ms", "generator_saturated == false"})
	if err != nil {
		t.Fatal(err)
	}
	got := Verdict(Evaluate(rec, gates))
	if want := "gates: 4 passed, 1 failed: peak_p99 = 251ms (want < 250ms)"; got != want {
		t.Errorf("verdict\n got %s\nwant %s", got, want)
	}
}

func results(t *testing.T, exprs ...string) []Result {
	t.Helper()
	rec := testRecord()
	rec.Summary.P99RecoveryS = nil
	rec.Summary.P99RecoveryStatus = report.StatusNotRecovered
	gates, err := ParseAll(exprs)
	if err != nil {
		t.Fatal(err)
	}
	return Evaluate(rec, gates)
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		exprs []string
		want  string
	}{
		{nil, ""},
		{[]string{"time_to_scale <= 45s", "error_ratio < 1%"}, "gates: 2 passed"},
		{[]string{"time_to_scale <= 45s", "error_ratio < 1%", "p99_recovery < 30s", "peak_p99 < 2s", "min_apdex >= 0.85", "generator_saturated == false"},
			"gates: 5 passed, 1 failed: p99_recovery = not recovered (want < 30s)"},
		{[]string{"p99_recovery < 30s", "degraded_for <= 20s"},
			"gates: 0 passed, 2 failed: p99_recovery = not recovered (want < 30s); degraded_for = 25s (want <= 20s)"},
	}
	for _, tt := range tests {
		if got := Verdict(results(t, tt.exprs...)); got != tt.want {
			t.Errorf("Verdict(%q)\n got %s\nwant %s", tt.exprs, got, tt.want)
		}
	}
}

func TestWriteJUnit(t *testing.T) {
	rs := results(t, "time_to_scale <= 45s", "p99_recovery < 30s", "error_ratio < 1%", `stream.teams.p99 < 800ms`)
	var b strings.Builder
	if err := WriteJUnit(&b, JUnitRun{Record: "fixture"}, rs); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, b.String())
	}
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "burstlab gates" {
		t.Fatalf("want one suite %q, got %+v", JUnitSuite, doc.Suites)
	}
	s := doc.Suites[0]
	if s.Tests != 4 || s.Failures != 2 || len(s.Cases) != 4 {
		t.Fatalf("tests %d failures %d cases %d, want 4, 2, 4", s.Tests, s.Failures, len(s.Cases))
	}
	for i, c := range s.Cases {
		r := rs[i]
		if c.Name != r.Expr || c.Classname != "burstlab.gates.fixture" {
			t.Errorf("case %d: name %q class %q", i, c.Name, c.Classname)
		}
		if c.Failure != nil && (!strings.Contains(c.Failure.Body, "measured "+r.Measured) || !strings.Contains(c.Failure.Body, "threshold "+r.Threshold)) {
			t.Errorf("case %d: failure body %q lacks the measured value or the threshold", i, c.Failure.Body)
		}
		if !strings.Contains(c.SystemOut, r.Measured) || !strings.Contains(c.SystemOut, r.Threshold) {
			t.Errorf("case %d: output %q lacks measured or threshold", i, c.SystemOut)
		}
		if (c.Failure != nil) == r.Pass {
			t.Errorf("case %d (%s): failure %v, pass %v", i, r.Expr, c.Failure, r.Pass)
		}
	}
	if m := s.Cases[1].Failure.Message; m != "p99_recovery = not recovered (want < 30s)" {
		t.Errorf("failure message %q", m)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b strings.Builder
	if err := WriteMarkdown(&b, "fixture", results(t, "error_ratio < 1%", "p99_recovery < 30s")); err != nil {
		t.Fatal(err)
	}
	want := "### ❌ burstlab gates: 1 passed, 1 failed\n\n" +
		"Record `fixture`.\n\n" +
		"| | gate | measured | threshold | reason |\n|---|---|---|---|---|\n" +
		"| ✅ pass | `error_ratio < 1%` | 0.42% | < 1% |  |\n" +
		"| ❌ fail | `p99_recovery < 30s` | not recovered | < 30s | p99_recovery is null (not recovered), and a null figure fails its gate |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
