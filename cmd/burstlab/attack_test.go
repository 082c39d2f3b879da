package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// TestAttackCommand runs an ad-hoc vegeta-style attack against a loopback
// server and checks the record and the gate exit codes.
func TestAttackCommand(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("X-Test") != "yes" {
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "rec")
	cmd := exec.Command(bin, "attack", "-rate", "100/s", "-duration", "2s", "-H", "X-Test: yes", "-o", out, "--gate", "error_ratio < 1%")
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/a\n\nGET " + srv.URL + "/b\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	if hits.Load() != 200 {
		t.Errorf("server saw %d requests, want 200", hits.Load())
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Summary.OK != 200 || rec.Summary.Offered != 200 {
		t.Errorf("ok %d offered %d, want 200 each", rec.Summary.OK, rec.Summary.Offered)
	}

	// The same attack with a gate that cannot hold exits 1.
	cmd = exec.Command(bin, "attack", "-rate", "50", "-duration", "1s", "--gate", "peak_p99 < 1us")
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/a\n")
	if err := cmd.Run(); exitCode(err) != 1 {
		t.Errorf("failing gate: exit %d, want 1", exitCode(err))
	}
	// Bad usage exits 2 before anything is sent.
	before := hits.Load()
	for _, args := range [][]string{
		{"attack", "-rate", "fast", "-duration", "1s"},
		{"attack", "-rate", "10/s"},
		{"attack", "-rate", "10/s", "-duration", "1s", "--gate", "p99 <<< 3"},
	} {
		cmd = exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader("GET " + srv.URL + "/a\n")
		var e bytes.Buffer
		cmd.Stderr = &e
		if err := cmd.Run(); exitCode(err) != 2 || strings.Contains(e.String(), "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one message", args, exitCode(err), e.String())
		}
	}
	if hits.Load() != before {
		t.Errorf("bad usage still sent %d requests", hits.Load()-before)
	}
}

// TestInterrupt sends SIGINT mid-run: the run stops sending, still writes its
// record with what was measured, and exits non-zero with a clear message.
//
// Not parallel: "ok = hits" holds only when no request is in flight at the
// signal, and the other tests' load makes one in flight likelier.
func TestInterrupt(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "rec")
	cmd := exec.Command(bin, "attack", "-rate", "100/s", "-duration", "20s", "-o", out)
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("did not stop within 10 s of SIGINT")
	}
	if code := exitCode(err); code != exitInterrupt {
		t.Errorf("exit %d, want %d; stderr %s", code, exitInterrupt, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("no clear message: %s", stderr.String())
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatalf("no record after SIGINT: %v", err)
	}
	if !rec.Stopped || rec.Summary.OK < 150 || rec.Summary.OK > 350 || rec.Summary.OK != hits.Load() {
		t.Errorf("stopped %v, ok %d, server saw %d; want stopped and ok = hits, about 250", rec.Stopped, rec.Summary.OK, hits.Load())
	}
	if _, err := os.Stat(filepath.Join(out, report.HlogFile)); err != nil {
		t.Errorf("no interval log after SIGINT: %v", err)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
