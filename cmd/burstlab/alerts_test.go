package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// TestReportAlerts judges the synthetic record (degraded from 11 s, the
// burst from 10 s) with --alert and gates the cause and the alert's timing.
func TestReportAlerts(t *testing.T) {
	t.Parallel()
	out, stderr, code := burstlab(t, "report", "--alert", "p99-high: p99 > 500ms for 2s", "--alert", "never: rate > 100000",
		"--gate", "recovery_cause == scaled", "--gate", "alert.p99-high.time_to_alert < 5s", fixture)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"recovery_cause     |                         scaled",
		"Alert p99-high (p99 > 500ms for 2s) fired 4s after the burst began; users were hurt 3s before it fired.",
		"Alert never (rate > 100000 for 0s) never fired.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "gates: 2 passed") {
		t.Errorf("stderr %q, want 2 gates passed", stderr)
	}
	_, stderr, code = burstlab(t, "report", "--alert", "never: rate > 100000", "--gate", "alert.never.time_to_alert < 30s", fixture)
	if code != 1 || !strings.Contains(stderr, "alert.never.time_to_alert = never fired (want < 30s)") {
		t.Errorf("a gate on an alert that never fired: exit %d, %q; want 1", code, stderr)
	}
}

// TestStreamAlertCSV: a rule on one stream's share of the windows fires
// when that stream is slow, and the CSV says, window by window, what each
// rule was, the stream's own counts, and where the story turned.
func TestStreamAlertCSV(t *testing.T) {
	t.Parallel()
	out, stderr, code := burstlab(t, "report", "--format", "csv", "--alert", "fanout-slow: stream.fanout.p99 > 200ms for 2s", "--alert", "base-errors: stream.base.error_ratio > 50%", fixture)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	for _, c := range []string{"alert_fanout-slow", "alert_base-errors", "event", "stream", "offered"} {
		if _, ok := col[c]; !ok {
			t.Fatalf("no column %s in %v", c, rows[0])
		}
	}
	// fanout's p99 is above 200 ms in windows 11-14: pending at the end of
	// 11, firing at the end of 12 (for 2s) to 14, inactive after.
	want := map[string]string{"10": "", "11": "pending", "12": "firing", "14": "firing", "15": ""}
	events := map[string]string{}
	for _, r := range rows[1:] {
		switch start := r[col["start_s"]]; r[col["stream"]] {
		case "*":
			if w, ok := want[start]; ok && r[col["alert_fanout-slow"]] != w {
				t.Errorf("window %s: alert_fanout-slow %q, want %q", start, r[col["alert_fanout-slow"]], w)
			}
			if r[col["alert_base-errors"]] != "" {
				t.Errorf("window %s: base-errors %q, want inactive", start, r[col["alert_base-errors"]])
			}
			if e := r[col["event"]]; e != "" {
				events[start] = e
			}
		case "fanout":
			if r[col["offered"]] != "80" || r[col["alert_fanout-slow"]] != "" {
				t.Errorf("window %s, fanout's row: offered %q, alert %q; want 80 and empty", start, r[col["offered"]], r[col["alert_fanout-slow"]])
			}
		}
	}
	if events["11"] != "degraded" || events["15"] != "healthy_again:scaled" || len(events) != 2 {
		t.Errorf("events %v, want degraded at 11 s and healthy_again:scaled at 15 s", events)
	}
}

// TestBadAlerts: a malformed rule or a gate on an unknown alert is one line
// on stderr and exit 2, before anything is read or sent.
func TestBadAlerts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--alert", "p99 > 1s", fixture}, "--alert: alert \"p99 > 1s\": want NAME: EXPR [for DURATION]"},
		{[]string{"report", "--alert", "x: p99_recovery > 1s", fixture}, `unknown window figure "p99_recovery"`},
		{[]string{"report", "--alert", "x: p99 > 1s for soon", fixture}, `for: time: invalid duration "soon"`},
		{[]string{"report", "--alert", "x: p99 > 1s", "--gate", "alert.y.time_to_alert < 1s", fixture}, `no alert "y"`},
		{[]string{"report", "--gate", "recovery_cause == quickly", fixture}, "recovery_cause is one of scaled, traffic_subsided, not_recovered, never_degraded, unknown"},
		{[]string{"attack", "-rate", "10/s", "-duration", "1s", "--alert", "x: apdex <"}, "unexpected end, want a number"},
		{[]string{"run", "--alert", "x: apdex < 0.5 for -1s", "testdata/short-burst.yaml"}, "for must be >= 0"},
		{[]string{"run", "--gate", "alert.nope.time_to_alert < 1s", "testdata/short-burst.yaml"}, `no alert "nope"`},
		{[]string{"report", "--alert", "x: stream.fanot.p99 > 1s", fixture}, `--alert: alert x "stream.fanot.p99 > 1s": col 8: no stream "fanot" (did you mean fanout?)`},
		{[]string{"run", "--alert", "x: stream.nope.p99 > 1s", "testdata/short-burst.yaml"}, `no stream "nope"`},
		{[]string{"attack", "-rate", "10/s", "-duration", "1s", "--alert", "x: stream.teams.p99 > 1s"}, `no stream "teams" (known: attack)`},
	} {
		_, stderr, code := burstlab(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestStreamAlertOnOlderRecord: a record made before burstlab kept each
// stream's share of the windows cannot answer a rule on a stream; rather
// than a rule that never fires (and a gate that passes on no data), the
// report refuses it, and says what the record lacks.
func TestStreamAlertOnOlderRecord(t *testing.T) {
	t.Parallel()
	rec, err := report.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rec.Windows {
		rec.Windows[i].Streams = nil
	}
	dir := filepath.Join(t.TempDir(), "old")
	if err := report.Save(dir, rec); err != nil {
		t.Fatal(err)
	}
	hlog, err := os.ReadFile(filepath.Join(fixture, report.HlogFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, report.HlogFile), hlog, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := burstlab(t, "report", "--alert", "fanout-slow: stream.fanout.p99 > 200ms", "--gate", "alert.fanout-slow.time_to_alert > 30s", dir)
	if code != 2 || !strings.Contains(stderr, `alert fanout-slow "stream.fanout.p99 > 200ms" reads stream fanout, but record "synthetic" was made before burstlab kept each stream's share of the windows`) {
		t.Errorf("exit %d, stderr %q; want 2 and why", code, stderr)
	}
	out, stderr, code := burstlab(t, "report", "--alert", "slow: p99 > 200ms", dir)
	if code != 0 || !strings.Contains(out, "made before burstlab kept each stream's share") || !strings.Contains(out, "Alert slow (p99 > 200ms for 0s) fired") {
		t.Errorf("a whole-window rule on the older record: exit %d, %s\n%s", code, stderr, out)
	}
}
