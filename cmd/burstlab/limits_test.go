//go:build unix

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// TestOutOfFiles runs an attack whose requests in flight (a target that
// holds each one a second) outnumber the open-files limit the generator is
// given: it warns before sending, counts the requests it could not open a
// socket for as its own failure, never the target's, marks the run invalid
// in the record and the report's first line, and exits 4.
func TestOutOfFiles(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "rec")
	// sh sets the limit (soft and hard) for the binary it then becomes.
	cmd := exec.Command("sh", "-c", `ulimit -n 100 && exec "$0" "$@"`, bin,
		"attack", "-rate", "400/s", "-duration", "1s", "-timeout", "10s", "-o", out)
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/held\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := exitCode(err); code != exitInvalid {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitInvalid, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "open-files limit is 100") {
		t.Errorf("no warning before sending:\n%s", stderr.String())
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Summary
	fd := s.Errors["generator_fd"]
	if fd == 0 || s.OK+fd != 400 {
		t.Errorf("ok %d, generator_fd %d, errors %v: want the 400 requests ok or the generator's", s.OK, fd, s.Errors)
	}
	if s.ErrorRatio != 0 {
		t.Errorf("error ratio %v charged to the target, want 0", s.ErrorRatio)
	}
	if !strings.Contains(rec.Invalid, "ran out of file descriptors") {
		t.Errorf("record invalid %q, want the generator named", rec.Invalid)
	}
	lines := strings.SplitN(stdout.String(), "\n", 3)
	if len(lines) < 2 || !strings.Contains(lines[1], "invalid run: the generator ran out of file descriptors") {
		t.Errorf("the report does not open with the generator's failure:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "\nInvalid run: the generator ran out of file descriptors") {
		t.Errorf("the verdict does not name the generator:\n%s", stdout.String())
	}
	// The record read back is judged the same way.
	if _, e, code := burstlab(t, "report", out); code != exitInvalid || !strings.Contains(e, "ran out of file descriptors") {
		t.Errorf("report of the record: exit %d, stderr %q; want %d naming the generator", code, e, exitInvalid)
	}
}
