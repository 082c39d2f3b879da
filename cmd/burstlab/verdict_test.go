package main

import (
	"encoding/csv"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// attackCLI runs `burstlab attack` with target on stdin.
func attackCLI(t *testing.T, target string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return burstlabIn(t, target, append([]string{"attack"}, args...)...)
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestDeadTarget: a target nothing listens on gets every request refused.
// The run exits 1 with one line saying so, though its gates pass, and its
// record does the same under `report`; no latency figure pretends the
// refusals were fast answers.
func TestDeadTarget(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	out := filepath.Join(t.TempDir(), "rec")
	gates := []string{"--gate", "error_ratio <= 100%", "--gate", "p99 < 100ms"}
	stdout, stderr, code := attackCLI(t, "GET http://"+addr+"/\n", append([]string{"-rate", "50", "-duration", "1s", "-o", out}, gates...)...)
	if code != exitGateFail || lastLine(stderr) != "burstlab: no request reached the target: 50 refused" {
		t.Errorf("exit %d, last line %q; want 1 and 'no request reached the target: 50 refused'", code, lastLine(stderr))
	}
	if !strings.Contains(stdout, "No request reached the target: 50 refused.") || strings.Contains(stdout, "p99 was degraded") {
		t.Errorf("the report does not say the target was unreached:\n%s", stdout)
	}
	// No latency cell shows a number: there was no ok response to measure.
	// (Only the latency rows: a saturation warning on a loaded machine
	// rightly quotes its bound, 10.0ms.)
	if !regexp.MustCompile(`\| peak p99 +\| +- \|`).MatchString(stdout) || !strings.Contains(stdout, "| attack |      50 |   50 |  0 |   - |   - |   - |") {
		t.Errorf("the table shows latency figures without an ok response:\n%s", stdout)
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Summary
	if s.HealthyP99Ms != 0 || s.PeakP99Ms != 0 || s.ErrorSamples["refused"] == nil || !strings.Contains(s.ErrorSamples["refused"][0], "connection refused") {
		t.Errorf("healthy bound %v, peak p99 %v, messages %v; want no latency from failures and the refusal's message", s.HealthyP99Ms, s.PeakP99Ms, s.ErrorSamples)
	}
	if _, stderr, code := burstlab(t, append([]string{"report", out}, gates...)...); code != exitGateFail || !strings.Contains(stderr, "no request reached the target") {
		t.Errorf("report of the record: exit %d, stderr %q; want 1", code, stderr)
	}
	csvOut, _, _ := burstlab(t, "report", "--format", "csv", out)
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("CSV: %v\n%s", err, csvOut)
	}
	p99 := slices.Index(rows[0], "p99_ms")
	for _, r := range rows[1:] {
		if r[p99] != "" {
			t.Errorf("CSV row %v: p99_ms %q, want empty (no ok response)", r[:3], r[p99])
		}
	}
}

// TestTargetNeverAnswers: every request times out. The healthy bound is
// not derived from the timeouts, and the run exits 1.
func TestTargetNeverAnswers(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "rec")
	_, stderr, code := attackCLI(t, "GET "+srv.URL+"/\n", "-rate", "20", "-duration", "1s", "-timeout", "300ms", "-o", out)
	if code != exitGateFail || !strings.Contains(lastLine(stderr), "no request reached the target: 20 timeout") {
		t.Errorf("exit %d, last line %q; want 1, 20 timeout", code, lastLine(stderr))
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Summary.HealthyP99Ms != 0 || rec.Summary.BaselineP99Ms != 0 {
		t.Errorf("healthy bound %v from baseline %v: derived from timeouts", rec.Summary.HealthyP99Ms, rec.Summary.BaselineP99Ms)
	}
}

// TestErrorsNamed: a target failing a third of its requests with 500 and
// a third with 503 is degraded by errors, and the report says so, with the
// status codes apart.
func TestErrorsNamed(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 1:
			w.WriteHeader(http.StatusInternalServerError)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "rec")
	stdout, stderr, code := attackCLI(t, "GET "+srv.URL+"/\n", "-rate", "60", "-duration", "1s", "-o", out, "--gate", "error_ratio < 1%")
	if code != exitGateFail {
		t.Errorf("exit %d, want 1 (the gate fails); %s", code, stderr)
	}
	if !strings.Contains(stdout, "Errors degraded it for") || strings.Contains(stdout, "p99 was degraded") {
		t.Errorf("the verdict does not blame the errors:\n%s", stdout)
	}
	if !strings.Contains(stdout, "errors 5xx: 40 (500 x20, 503 x20)") {
		t.Errorf("the report does not name the status codes:\n%s", stdout)
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.Summary.StatusCodes; c["500"] != 20 || c["503"] != 20 || c["200"] != 20 {
		t.Errorf("status codes %v, want 20 each of 200, 500, 503", c)
	}
}

// TestSecretsRedacted: a token in the target's query string and a
// password in its user info appear nowhere: not on stdout or stderr, not
// in the record, not in the results file.
func TestSecretsRedacted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "rec")
	target := strings.Replace(srv.URL, "http://", "http://alice:pw-s3cret@", 1) + "/teams?token=tok-s3cret&page=2"
	results := filepath.Join(t.TempDir(), "results.json")
	stdout, stderr, _ := attackCLI(t, "GET "+target+"\n", "-rate", "20", "-duration", "1s", "-o", out, "--output", results, "--output-format", "json")
	data, err := os.ReadFile(filepath.Join(out, report.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	res, err := os.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"stdout": stdout, "stderr": stderr, "run.json": string(data), "--output": string(res)} {
		if strings.Contains(text, "s3cret") {
			t.Errorf("a secret in %s:\n%s", where, text)
		}
	}
	if !strings.Contains(string(data), "/teams?page=REDACTED") && !strings.Contains(stdout, "token=REDACTED") {
		t.Errorf("the redacted target is not shown: %s", stdout)
	}
}

// TestLatencyGateWithoutOK: a latency gate on a run without one ok response
// fails: there is no latency to pass it, and 0 ms must not.
func TestLatencyGateWithoutOK(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest) }))
	defer srv.Close()
	_, stderr, code := attackCLI(t, "GET "+srv.URL+"/\n", "-rate", "20", "-duration", "1s", "--gate", "peak_p99 < 1s")
	if code != exitGateFail || !strings.Contains(stderr, "no ok response") {
		t.Errorf("exit %d, %q; want 1: no ok response", code, stderr)
	}
}
