//go:build long

package burst

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/render"
)

// causeProfile offers 60/s throughout and 200/s more from 3 s to 7 s, in
// windows of 250 ms, at a target that reports its slots as replicas.
const causeProfile = `
name: cause
seed: 1
duration: 12s
warmup: 1s
target:
  url: "%[1]s"
  scale_signal: {url: "%[1]s/replicas", every: 100ms}
client: {timeout: 10s}
streams:
  - name: base
    request: {path: /base}
    constant: {rate: 60}
  - name: burst
    burst: true
    request: {path: /burst}
    constant: {rate: 200, start: 3s, duration: 4s}
analysis:
  window: 250ms
  slo_p99: 100ms
  healthy_windows: 2
alerts:
  - {name: p99-high, expr: "p99 > 100ms", for: 500ms}
`

// TestRecoveryCauseAgainstCapacityStep runs the cause profile end to end
// (burst.Run, the record on disk, read back and merged) against a loopback
// server that serves 2 requests at a time, 10 ms each (200/s), below the
// burst's 260/s. With a step to 8 slots (800/s) 1.5 s into the burst the
// target must be judged scaled, healthy within one window of the step plus
// the backlog's drain; without it, traffic_subsided, time_to_scale not
// reached.
//
// Two 12 s runs: `go test -tags long` (make test runs it). The timing is
// real: on a machine too busy to keep a 10 ms service time a check can
// miss, so a miss is retried once before the test fails.
func TestRecoveryCauseAgainstCapacityStep(t *testing.T) {
	t.Parallel()
	for _, step := range []bool{true, false} {
		t.Run(map[bool]string{true: "step", false: "no step"}[step], func(t *testing.T) {
			t.Parallel()
			retryOnce(t, func() string { return recoveryCause(t, step) })
		})
	}
}

// recoveryCause runs the test once and says what was wrong, or "".
func recoveryCause(t *testing.T, step bool) string {
	const (
		service = 10 * time.Millisecond
		before  = 2
		after   = 8
		stepAt  = 4500 * time.Millisecond
	)
	srv, open := stepTarget(t, before, after, service)
	p, err := profiles.Parse("cause.yaml", []byte(fmt.Sprintf(causeProfile, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(300 * time.Millisecond)
	if step {
		tm := time.AfterFunc(time.Until(start.Add(stepAt)), open)
		defer tm.Stop()
	}
	dir := filepath.Join(t.TempDir(), "rec")
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	out, err := Run(ctx, p, Options{Out: dir, StartAt: start})
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	render.WriteTable(&table, out)
	table.WriteString("\nwindow p99 ms:")
	for _, w := range out.Windows {
		fmt.Fprintf(&table, " %.0f", w.P99Ms)
	}
	s := out.Summary
	if s.PeakP99Ms < 300 || s.BaselineP99Ms > 100 {
		return fmt.Sprintf("peak p99 %.0f ms, baseline p99 %.0f ms: the overload did not show\n%s", s.PeakP99Ms, s.BaselineP99Ms, table.String())
	}
	if len(out.Alerts) != 1 || out.Alerts[0].FiringS == nil {
		return fmt.Sprintf("alerts %+v: p99-high never fired\n%s", out.Alerts, table.String())
	}
	if problem := readBack(t, dir, out); problem != "" {
		return problem
	}
	b0 := out.Burst.StartS
	if !step {
		if s.RecoveryCause != report.CauseTrafficSubsided || s.TimeToScaleS != nil {
			return fmt.Sprintf("no step: recovery_cause %s, time_to_scale %s, want traffic_subsided, not reached\n%s", s.RecoveryCause, s.TimeToScaleStatus, table.String())
		}
		return ""
	}
	if s.RecoveryCause != report.CauseScaled || s.TimeToScaleS == nil {
		return fmt.Sprintf("step: recovery_cause %s (%s), time_to_scale %s, want scaled, reached\n%s", s.RecoveryCause, s.Recovery.Why, s.TimeToScaleStatus, table.String())
	}
	backlog := (260.0 - 200.0) * (stepAt.Seconds() - b0)
	drain := backlog / (800.0 - 260.0)
	want := stepAt.Seconds() - b0 + drain
	if got := *s.TimeToScaleS; got < want-out.WindowS || got > want+out.WindowS {
		return fmt.Sprintf("time_to_scale %.3fs, want %.3fs ± one window of %.2fs (step %.2fs after B0 + %.2fs drain)\n%s",
			got, want, out.WindowS, stepAt.Seconds()-b0, drain, table.String())
	}
	t.Logf("time_to_scale %.3fs (expected %.3fs)\n%s", *s.TimeToScaleS, want, table.String())
	return ""
}

// readBack reads the record directory back alone and as two shards of one
// plan: windows of 250 ms survive the interval log and the merge.
func readBack(t *testing.T, dir string, out *report.Record) string {
	back, err := report.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The same directory twice is refused (each shard merges once): merge
	// the record with a copy of itself.
	twin := dir + "-twin"
	if err := os.CopyFS(twin, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	merged, err := report.Open(dir, twin)
	if err != nil {
		t.Fatal(err)
	}
	if back.WindowS != 0.25 || len(back.Windows) != 48 || len(merged.Windows) != 48 {
		return fmt.Sprintf("read back %d windows of %vs, merged %d, want 48 of 0.25s", len(back.Windows), back.WindowS, len(merged.Windows))
	}
	// A record merged with itself holds every latency twice: its max and
	// median are the record's (its p99 may round to the next value up).
	for i, w := range out.Windows {
		b, m := back.Windows[i], merged.Windows[i]
		if b.P99Ms != w.P99Ms || m.MaxMs != w.MaxMs || m.P50Ms != w.P50Ms || m.Offered != 2*w.Offered {
			return fmt.Sprintf("window %d: p99 %v, read back %v; max %v, merged %v; p50 %v, merged %v; offered %d, merged %d",
				i, w.P99Ms, b.P99Ms, w.MaxMs, m.MaxMs, w.P50Ms, m.P50Ms, w.Offered, m.Offered)
		}
	}
	if merged.Summary.RecoveryCause != out.Summary.RecoveryCause {
		return fmt.Sprintf("merged recovery_cause %s, want %s", merged.Summary.RecoveryCause, out.Summary.RecoveryCause)
	}
	var html strings.Builder
	// The charts' time axis holds the quarter-second windows.
	if err := (render.HTML{}).Render(&html, merged); err != nil || !strings.Contains(html.String(), `"x":[0,0.25,0.5,`) {
		return fmt.Sprintf("html of the merged record: %v, charts in 250ms windows: %v", err, strings.Contains(html.String(), `"x":[0,0.25,0.5,`))
	}
	return ""
}
