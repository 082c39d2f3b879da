//go:build long

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// TestRunAgainstSimulator runs the CLI on a short burst against the embedded
// simulator and checks the reported figures against the simulator's own
// scale timeline. A 22 s run: `go test -tags long` (make test runs it).
func TestRunAgainstSimulator(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "rec")
	stdout, stderr, code := burstlab(t, "run", "testdata/short-burst.yaml", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"time_to_scale", "p99_recovery", "peak p99"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, report.HlogFile)); err != nil {
		t.Errorf("no interval log: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(out, report.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	sum := raw["summary"].(map[string]any)
	for _, key := range []string{"time_to_scale_s", "p99_recovery_s", "degraded_for_s", "peak_p99_ms", "baseline_p99_ms"} {
		if _, ok := sum[key]; !ok {
			t.Errorf("run.json summary lacks %s", key)
		}
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Summary
	if s.Offered != 100*22+24*150 || s.Sent != s.Offered {
		t.Errorf("offered %d sent %d, want %d both", s.Offered, s.Sent, 100*22+24*150)
	}
	if s.PeakP99Ms < 5*s.BaselineP99Ms {
		t.Errorf("peak p99 %.1f ms is not far above baseline p99 %.1f ms: the burst did not queue", s.PeakP99Ms, s.BaselineP99Ms)
	}
	// The simulator's truth: when did the first added replica become ready?
	firstReady := -1.0
	start := 0
	for _, e := range rec.ScaleEvents {
		if e.Kind == "start" {
			start = e.Replicas
		}
		if e.Kind == "ready" && e.Replicas > start && firstReady < 0 {
			firstReady = e.AtS
		}
	}
	if firstReady < 0 {
		t.Fatalf("the simulator never scaled up: %+v", rec.ScaleEvents)
	}
	if firstReady < rec.Burst.StartS || firstReady > rec.Burst.EndS {
		t.Errorf("replicas became ready at %.1fs, outside the burst %.1fs..%.1fs", firstReady, rec.Burst.StartS, rec.Burst.EndS)
	}
	if s.TimeToScaleS == nil {
		t.Fatalf("time_to_scale %s, want a number", s.TimeToScaleStatus)
	}
	if got := rec.Burst.StartS + *s.TimeToScaleS; got < firstReady-rec.WindowS {
		t.Errorf("healthy again at %.1fs, before the first new replica was ready at %.1fs", got, firstReady)
	}
	if s.P99RecoveryS == nil {
		t.Errorf("p99_recovery %s, want a number", s.P99RecoveryStatus)
	}
	if s.ScaleReactionS == nil || s.ReplicasPeak <= s.ReplicasStart {
		t.Errorf("scale figures missing: reaction %v replicas %d -> %d", s.ScaleReactionS, s.ReplicasStart, s.ReplicasPeak)
	}
}
