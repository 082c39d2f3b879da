package gate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// windowRecord is 30 windows of 1 s, 100 requests each, the burst from
// 10 s: p99 20 ms and apdex 1 until window 10, then p99 2 s and apdex 0.3,
// healthy again from window 20.
func windowRecord() *report.Record {
	rec := testRecord()
	rec.WindowS = 1
	rec.Summary.TimeToDegradeS = ptr(0)
	for i := range 30 {
		w := report.Window{StartS: float64(i), Tally: report.Tally{Offered: 100, Sent: 100, Completed: 100, OK: 100}, Apdex: 1}
		w.P99Ms = 20
		if i >= 10 && i < 20 {
			w.P99Ms, w.Apdex = 2000, 0.3
		}
		rec.Windows = append(rec.Windows, w)
	}
	return rec
}

func TestParseRule(t *testing.T) {
	tests := []struct {
		name, expr string
		for_       time.Duration
		err        string // "" when it parses
	}{
		{"p99-high", "p99 > 1s", time.Minute, ""},
		{"apdex_low", "apdex < 0.7", 0, ""},
		{"errors", "error_ratio > 1%", 0, ""},
		{"busy", "rate >= 500", 0, ""},
		{"p99-high", "p99_recovery > 1s", 0, `unknown window figure "p99_recovery"`},
		{"p99-high", "p99 > 1%", 0, `unit "%" does not fit p99`},
		{"p99 high", "p99 > 1s", 0, `alert name "p99 high"`},
		{"a.b", "p99 > 1s", 0, `alert name "a.b"`},
		{"late", "p99 > 1s", -time.Second, "for must be >= 0"},
	}
	for _, tt := range tests {
		_, err := ParseRule(tt.name, tt.expr, tt.for_)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseRule(%q, %q): %v", tt.name, tt.expr, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseRule(%q, %q) = %v, want an error with %q", tt.name, tt.expr, err, tt.err)
		}
	}
}

func TestParseRuleFlag(t *testing.T) {
	r, err := ParseRuleFlag("p99-high: p99 > 1s for 30s")
	if err != nil || r.Name != "p99-high" || r.Expr != "p99 > 1s" || r.For != 30*time.Second {
		t.Errorf("got %+v, %v", r, err)
	}
	r, err = ParseRuleFlag("apdex-low:apdex < 0.7")
	if err != nil || r.Name != "apdex-low" || r.Expr != "apdex < 0.7" || r.For != 0 {
		t.Errorf("got %+v, %v", r, err)
	}
	for _, bad := range []string{"p99 > 1s", "x: p99 > 1s for soon", "x: p99 >"} {
		if _, err := ParseRuleFlag(bad); err == nil {
			t.Errorf("ParseRuleFlag(%q) parsed", bad)
		}
	}
}

// TestEvaluateAlerts evaluates rules on a window series and gates their
// timing: the apdex rule pends from 10 s and fires at 13 s.
func TestEvaluateAlerts(t *testing.T) {
	rec := windowRecord()
	var rules []Rule
	for _, f := range []string{"apdex-low: apdex < 0.5 for 3s", "p99-high: p99 > 1s", "flood: rate > 1000"} {
		r, err := ParseRuleFlag(f)
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, r)
	}
	EvaluateAlerts(rec, rules)
	want := map[string][2]float64{"apdex-low": {10, 13}, "p99-high": {10, 11}}
	for _, a := range rec.Alerts {
		w, ok := want[a.Name]
		switch {
		case !ok && a.FiringS != nil:
			t.Errorf("%s fired at %v, want never", a.Name, *a.FiringS)
		case ok && (a.PendingS == nil || a.FiringS == nil || *a.PendingS != w[0] || *a.FiringS != w[1]):
			t.Errorf("%s: %s, want pending %v, firing %v", a.Name, a.Line(), w[0], w[1])
		}
	}
	gates, err := ParseAll([]string{"alert.apdex-low.time_to_alert < 5s", "alert.p99-high.time_to_alert <= 1s", "alert.flood.time_to_alert < 1m"})
	if err != nil {
		t.Fatal(err)
	}
	res := Evaluate(rec, gates)
	if !res[0].Pass || !res[1].Pass || res[2].Pass {
		t.Errorf("results %+v, want pass, pass, fail (never fired)", res)
	}
	if !strings.Contains(res[2].Reason, "never fired") {
		t.Errorf("reason %q does not say the alert never fired", res[2].Reason)
	}
	// A rule that never fired fired infinitely late: a gate that it must
	// not fire early passes.
	late, err := Parse("alert.flood.time_to_alert > 1m")
	if err != nil {
		t.Fatal(err)
	}
	if r := Evaluate(rec, []Gate{late})[0]; !r.Pass {
		t.Errorf("%s on a rule that never fired: %+v, want pass", late.Expr, r)
	}
	if err := CheckAlerts(gates, RuleNames(rules)); err != nil {
		t.Error(err)
	}
	if err := CheckAlerts(gates, []string{"apdex-low", "p99-high"}); err == nil || !strings.Contains(err.Error(), `no alert "flood"`) {
		t.Errorf("CheckAlerts = %v, want no alert flood", err)
	}
}

// TestRecoveryCauseGate gates the recovery cause, a word figure.
func TestRecoveryCauseGate(t *testing.T) {
	rec := testRecord()
	rec.Summary.RecoveryCause = report.CauseTrafficSubsided
	for _, tt := range []struct {
		expr string
		pass bool
	}{
		{"recovery_cause == scaled", false},
		{"recovery_cause != scaled", true},
		{"recovery_cause == traffic_subsided", true},
	} {
		g, err := Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		r := Evaluate(rec, []Gate{g})[0]
		if r.Pass != tt.pass || r.Measured != "traffic_subsided" {
			t.Errorf("%s: %+v", tt.expr, r)
		}
	}
	for expr, want := range map[string]string{
		"recovery_cause == scaledd": "recovery_cause is one of scaled, traffic_subsided",
		"recovery_cause < scaled":   "operator < does not apply to recovery_cause, a word",
		"recovery_cause == 1":       "not a number",
	} {
		if _, err := Parse(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", expr, err, want)
		}
	}
}

// TestStreamAlerts evaluates rules on one stream's share of the windows:
// stream teams is sent only in the burst (windows 10-19), slow there; base
// runs throughout, fast. A figure is unknown, so does not hold, where its
// stream completed nothing (absent, or window 19: sent, none completed),
// and a latency where the stream had no ok response (window 15).
func TestStreamAlerts(t *testing.T) {
	rec := windowRecord()
	rec.Streams = []report.StreamSummary{{Name: "base"}, {Name: "teams"}}
	for i := range rec.Windows {
		w := &rec.Windows[i]
		base := report.StreamWindow{Stream: "base", Tally: report.Tally{Offered: 20, Sent: 20, Completed: 20, OK: 20}, Apdex: 1}
		base.P99Ms = 20
		w.Streams = []report.StreamWindow{base}
		if i >= 10 && i < 20 {
			teams := report.StreamWindow{Stream: "teams", Tally: report.Tally{Offered: 80, Sent: 80, Completed: 80, OK: 80}, Apdex: 0.2}
			teams.P99Ms = 2000
			switch i {
			case 15: // every request failed: no latency to compare
				teams.OK, teams.P99Ms, teams.ErrorRatio = 0, 0, 1
			case 19: // sent, none completed (the run stopped): nothing known
				teams.Completed, teams.OK, teams.P99Ms, teams.Apdex = 0, 0, 0, 1
				teams.Errors = report.Counts{"abandoned": 80}
			}
			w.Streams = append(w.Streams, teams)
		}
	}
	var rules []Rule
	for _, f := range []string{
		"teams-slow: stream.teams.p99 > 1s for 2s",
		"base-slow: stream.base.p99 > 1s",
		"teams-busy: stream.teams.rate > 50",
		"teams-quiet: stream.teams.rate < 1",
		"teams-fast: stream.teams.p99 < 5ms",
		"teams-failing: stream.teams.error_ratio > 50%",
		"teams-fine: stream.teams.error_ratio < 1%",
	} {
		r, err := ParseRuleFlag(f)
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, r)
	}
	if err := CheckRuleStreams(rules, StreamNames(rec)); err != nil {
		t.Fatal(err)
	}
	EvaluateAlerts(rec, rules)
	want := map[string][]report.AlertEpisode{
		"teams-slow":    {{PendingS: 10, FiringS: ptr(12), ResolvedS: ptr(15)}, {PendingS: 16, FiringS: ptr(18), ResolvedS: ptr(19)}},
		"base-slow":     nil,
		"teams-busy":    {{PendingS: 10, FiringS: ptr(11), ResolvedS: ptr(19)}},
		"teams-quiet":   nil,
		"teams-fast":    nil,
		"teams-failing": {{PendingS: 15, FiringS: ptr(16), ResolvedS: ptr(16)}},
		"teams-fine":    {{PendingS: 10, FiringS: ptr(11), ResolvedS: ptr(15)}, {PendingS: 16, FiringS: ptr(17), ResolvedS: ptr(19)}},
	}
	for _, a := range rec.Alerts {
		if got, w := fmt.Sprint(episodeList(a.Episodes)), fmt.Sprint(episodeList(want[a.Name])); got != w {
			t.Errorf("%s: episodes %s, want %s", a.Name, got, w)
		}
	}
}

func episodeList(es []report.AlertEpisode) []string {
	var out []string
	for _, e := range es {
		f, r := "-", "-"
		if e.FiringS != nil {
			f = fmt.Sprint(*e.FiringS)
		}
		if e.ResolvedS != nil {
			r = fmt.Sprint(*e.ResolvedS)
		}
		out = append(out, fmt.Sprintf("%v/%s/%s", e.PendingS, f, r))
	}
	return out
}

// TestStreamRuleErrors: a stream figure in a rule names a stream field of a
// window, and a stream of the run.
func TestStreamRuleErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"stream.teams.lateness_p99 > 1s": `unknown stream window field "lateness_p99"`,
		"stream.teams.replicas > 1":      `unknown stream window field "replicas"`,
		"stream.teams > 1":               "want stream.NAME.FIELD",
	} {
		if _, err := ParseRule("r", expr, 0); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRule(%q) = %v, want %q", expr, err, want)
		}
	}
	r, err := ParseRule("r", "stream.teem.p99 > 1s", 0)
	if err != nil {
		t.Fatal(err)
	}
	err = CheckRuleStreams([]Rule{r}, []string{"base", "teams"})
	if err == nil || !strings.Contains(err.Error(), `alert r "stream.teem.p99 > 1s": col 8: no stream "teem"`) || !strings.Contains(err.Error(), "teams") {
		t.Errorf("CheckRuleStreams = %v, want no stream teem, did you mean teams", err)
	}
}
