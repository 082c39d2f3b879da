package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// TestRenderStory checks that the table, Markdown and HTML tell the
// recovery cause and each alert rule's timing, and the JSON carries them.
func TestRenderStory(t *testing.T) {
	rec := fixture(t)
	report.EvaluateAlert(rec, "p99-high", "p99 > 500ms", 2, func(w *report.Window) bool { return w.P99Ms > 500 })
	report.EvaluateAlert(rec, "errors", "error_ratio > 50%", 0, func(w *report.Window) bool { return w.ErrorRatio > 0.5 })
	want := []string{
		"Scaled: healthy again 5s after the burst began",
		"while it still offered 100/s, with 4 replicas ready (2 at its start)",
		"recovery_cause",
		"Alert p99-high (p99 &gt; 500ms for 2s) fired",
		"Alert errors (error_ratio &gt; 50% for 0s) never fired.",
	}
	for _, name := range []string{"table", "md", "html", "json"} {
		r, err := Format(name)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := r.Render(&buf, rec); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if name != "html" {
			out = strings.ReplaceAll(out, ">", "&gt;")
		}
		if name == "json" {
			for _, key := range []string{`"recovery_cause": "scaled"`, `"name": "p99-high"`, `"time_to_alert_status": "never fired"`} {
				if !strings.Contains(buf.String(), key) {
					t.Errorf("json lacks %s", key)
				}
			}
			continue
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
}

// TestVerdictTrafficSubsided: a target healthy only once the traffic fell
// is not reported as scaled.
func TestVerdictTrafficSubsided(t *testing.T) {
	rec := fixture(t)
	s := &rec.Summary
	at := 19.0
	s.RecoveryCause = report.CauseTrafficSubsided
	s.Recovery = report.Recovery{AtS: &at, OfferedRPS: 20, BurstRPS: 100, BaselineRPS: 20, Replicas: 4}
	scaled, _ := Verdict(rec)
	if strings.Contains(scaled, "Scaled") || !strings.Contains(scaled, "Recovered because the traffic subsided, not by scaling: healthy again only at 19s (degraded 1s after the burst began), once the offered rate had fallen to 20/s (burst 100/s); 4 replicas were ready by then (2 at its start).") {
		t.Errorf("verdict %q", scaled)
	}
}
