//go:build long

package burst

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/render"
)

// stepProfile offers 60/s throughout and 140/s more from 3 s to 9 s,
// windows of 1 s.
const stepProfile = `
name: capacity-step
seed: 1
duration: 12s
warmup: 1s
target: {url: "http://127.0.0.1:1"}
client: {timeout: 5s}
streams:
  - name: base
    request: {path: /base}
    constant: {rate: 60}
  - name: burst
    burst: true
    request: {path: /burst}
    constant: {rate: 140, start: 3s, duration: 6s}
analysis:
  slo_p99: 100ms
  healthy_windows: 2
`

// TestTimeToScaleAgainstCapacityStep drives the real engine, fed by FromPlan
// and recorded as RecorderConfig describes the plan, at a loopback server
// that serves one request at a time (10 ms each: 100/s) until 5 s, then
// eight (800/s). The burst offers 200/s from 3 s, so a backlog of
// (200-100)/s x 2 s builds and drains at (800-200)/s after the step. The
// reported time_to_scale must be within two windows of the step plus the
// drain.
//
// A 12 s run: `go test -tags long` (make test runs it). The timing is real:
// on a machine too busy to keep a 10 ms service time the check can miss, so
// a miss is retried once before the test fails.
func TestTimeToScaleAgainstCapacityStep(t *testing.T) {
	t.Parallel()
	retryOnce(t, func() string { return capacityStep(t) })
}

// capacityStep runs the test once and says what was wrong, or "".
func capacityStep(t *testing.T) string {
	const (
		service = 10 * time.Millisecond
		before  = 1
		after   = 8
		step    = 5 * time.Second
	)
	srv, open := stepTarget(t, before, after, service)

	p, err := profiles.Parse("capacity-step.yaml", []byte(stepProfile))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := profiles.NewPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(200 * time.Millisecond)
	time.AfterFunc(time.Until(start.Add(step)), open)
	rec := report.NewRecorder(RecorderConfig(pl, srv.URL, start), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := attack.New(attack.Timeout(p.Client.Timeout), attack.MaxWorkers(1000), attack.NoWarmup()).Run(ctx, FromPlan(pl, srv.URL), start, rec.Record); err != nil {
		t.Fatal(err)
	}
	out, err := rec.Finish(false, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := out.Summary
	var table strings.Builder
	render.WriteTable(&table, out)
	table.WriteString("\nwindow p99 ms / lateness p99 ms:")
	for _, w := range out.Windows {
		fmt.Fprintf(&table, " %.0f/%.0f", w.P99Ms, w.LatenessP99Ms)
	}
	if s.TimeToScaleS == nil {
		return fmt.Sprintf("time_to_scale %s, want a number\n%s", s.TimeToScaleStatus, table.String())
	}
	b0 := out.Burst.StartS
	backlog := (200.0 - 100.0) * (step.Seconds() - b0)
	drain := backlog / (800.0 - 200.0)
	want := step.Seconds() - b0 + drain
	if s.PeakP99Ms < 500 || s.BaselineP99Ms > 100 {
		return fmt.Sprintf("peak p99 %.0f ms, baseline p99 %.0f ms: the step did not show\n%s", s.PeakP99Ms, s.BaselineP99Ms, table.String())
	}
	if got := *s.TimeToScaleS; got < want-2*out.WindowS || got > want+2*out.WindowS {
		return fmt.Sprintf("time_to_scale %.2fs, want %.2fs ± 2 windows (capacity step %.0fs after B0 + %.2fs drain)\n%s",
			got, want, step.Seconds()-b0, drain, table.String())
	}
	t.Logf("time_to_scale %.2fs (expected %.2fs), peak p99 %.0f ms\n%s", *s.TimeToScaleS, want, s.PeakP99Ms, table.String())
	return ""
}
