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

// TestStoppedBeforeBurstEnded: Ctrl-C at 3.5 s of a run whose burst lasts
// from 6 s to 14 s. The record says stopped and when; every planned request
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
	time.Sleep(3500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	if code := waitCLI(t, cmd, 15*time.Second); code != exitInterrupt {
		t.Errorf("exit %d, want 130; %s", code, stderr.String())
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Summary
	if !s.Stopped || s.StoppedAtS == nil || *s.StoppedAtS < 3 || *s.StoppedAtS > 6 {
		t.Errorf("stopped %v at %v, want stopped at about 3.5s", s.Stopped, s.StoppedAtS)
	}
	if s.Errors["unsent"] != s.Offered-s.Sent || s.Errors["unsent"] < 2000 {
		t.Errorf("unsent %d, offered %d, sent %d: want unsent = offered - sent, over 2000", s.Errors["unsent"], s.Offered, s.Sent)
	}
	if s.P99RecoveryStatus != report.StatusStopped || s.TimeToScaleStatus == report.StatusNotReached {
		t.Errorf("time_to_scale %q, p99_recovery %q; want %q", s.TimeToScaleStatus, s.P99RecoveryStatus, report.StatusStopped)
	}
	if strings.Contains(stdout.String(), "still degraded when the burst ended") || !strings.Contains(stdout.String(), "before the burst ended") {
		t.Errorf("the verdict claims the burst ended:\n%s", stdout.String())
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
