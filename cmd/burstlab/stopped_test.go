package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// startCLI starts the binary with stdin, stdout and stderr given.
func startCLI(t *testing.T, stdin string, stdout, stderr *strings.Builder, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// waitCLI waits for cmd at most limit, killing it after that.
func waitCLI(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return exitCode(err)
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running %v later", limit)
		return -1
	}
}

// TestStoppedBeforeBurstEnded: Ctrl-C about 1.5 s after the run's first
// checkpoint (so the run is under way whatever the machine's load), well
// before its burst (6 s to 14 s). The record says stopped, at the instant the
// signal arrived on the run's own clock; every planned request
// not sent is unsent (planned - sent), not only those the engine had read;
// the figures that need the burst's end say the run stopped before it; the
// JUnit and summary files are written, with the stopped run failing; and the
// record fails any gate under report.
func TestStoppedBeforeBurstEnded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, junit, summary := filepath.Join(dir, "rec"), filepath.Join(dir, "gates.xml"), filepath.Join(dir, "gates.md")
	var stdout, stderr strings.Builder
	cmd := startCLI(t, "", &stdout, &stderr, "run", filepath.Join("testdata", "short-burst.yaml"), "-o", out,
		"--gate", "error_ratio < 100%", "--junit", junit, "--summary", summary)
	waitForFile(t, filepath.Join(out, report.RunFile), 15*time.Second)
	time.Sleep(1500 * time.Millisecond)
	signalled := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	if code := waitCLI(t, cmd, 15*time.Second); code != exitInterrupt {
		t.Errorf("exit %d, want 130; %s", code, stderr.String())
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Summary
	// The signal arrived at signalled on the wall clock, which is
	// signalled - Started on the run's clock; handling it takes a moment.
	want := signalled.Sub(rec.Started).Seconds()
	switch {
	case !s.Stopped || s.StoppedAtS == nil:
		t.Errorf("stopped %v, stopped_at_s missing; want stopped at %.2fs", s.Stopped, want)
	case *s.StoppedAtS < want-0.1 || *s.StoppedAtS > want+1:
		t.Errorf("stopped at %.3fs on the run's clock, want %.3fs (when the signal was sent) to 1s after", *s.StoppedAtS, want)
	case *s.StoppedAtS >= 6:
		t.Errorf("stopped at %.3fs, want before the burst began at 6s", *s.StoppedAtS)
	}
	if s.Errors["unsent"] != s.Offered-s.Sent || s.Errors["unsent"] < 2000 {
		t.Errorf("unsent %d, offered %d, sent %d: want unsent = offered - sent, over 2000", s.Errors["unsent"], s.Offered, s.Sent)
	}
	// Stopped before the burst began: nothing of it was measured, so no
	// burst figure may read as the target absorbing it (#20 item 5).
	if s.P99RecoveryStatus != report.StatusStopped || s.TimeToScaleStatus != report.StatusStopped || s.TimeToScaleS != nil ||
		s.TimeToDegradeS != nil || s.RecoveryCause == report.CauseNeverDegraded {
		t.Errorf("time_to_scale %v %q, p99_recovery %q, time_to_degrade %v, cause %q; want null and %q, no never_degraded",
			s.TimeToScaleS, s.TimeToScaleStatus, s.P99RecoveryStatus, s.TimeToDegradeS, s.RecoveryCause, report.StatusStopped)
	}
	if o := stdout.String(); strings.Contains(o, "absorbed") || strings.Contains(o, "still degraded when the burst ended") || !strings.Contains(o, "before the burst began") {
		t.Errorf("the verdict claims the burst was measured:\n%s", o)
	}
	// compare reads the burst figures as missing, never as 0 (the best):
	// a regression bound on them fails, and so does a gate on
	// time_to_degrade, whose null would otherwise mean "never degraded".
	full := compareRecord(t, dir, "full", 10)
	for _, args := range [][]string{
		{"compare", full, out, "--max-regression", "time_to_scale=10%"},
		{"compare", full, out, "--gate", "time_to_degrade > 1s"},
	} {
		if _, stderr, code := burstlab(t, args...); code != exitGateFail || !strings.Contains(stderr, report.StatusStopped) {
			t.Errorf("%s: exit %d, %q; want 1, the figure %q", strings.Join(args[3:], " "), code, stderr, report.StatusStopped)
		}
	}
	for _, f := range []string{junit, summary} {
		data, err := os.ReadFile(f)
		if err != nil || !strings.Contains(string(data), "stopped") {
			t.Errorf("%s: %v, want the stopped gate failing in it:\n%s", f, err, data)
		}
	}
	if _, stderr, code := burstlab(t, "report", out, "--gate", "error_ratio < 100%"); code != exitGateFail || !strings.Contains(stderr, "stopped") {
		t.Errorf("report --gate on the stopped record: exit %d, %q; want 1", code, stderr)
	}
}

// waitForFile waits until path exists, at most limit.
func waitForFile(t *testing.T, path string, limit time.Duration) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("%s did not appear within %v", path, limit)
}

// TestSecondCtrlC: the second Ctrl-C stops the wait for a target that
// never answers; the requests given up count as abandoned, not timeouts.
func TestSecondCtrlC(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr strings.Builder
	cmd := startCLI(t, "GET "+srv.URL+"/\n", &stdout, &stderr, "attack", "-rate", "40", "-duration", "10s", "-timeout", "30s", "-o", out)
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	if code := waitCLI(t, cmd, 10*time.Second); code != exitInterrupt {
		t.Errorf("exit %d, want 130; %s", code, stderr.String())
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	e := rec.Summary.Errors
	if e["abandoned"] < 30 || e["timeout"] != 0 || e["abandoned"]+e["unsent"] != rec.Summary.Offered {
		t.Errorf("errors %v of %d offered: want about 60 abandoned, no timeout, the rest unsent", e, rec.Summary.Offered)
	}
}
