package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestBadAttackInput: rates, durations and targets that cannot make an
// honest run are refused with one line naming the culprit (and the line of
// a bad target), exit 2, before anything is sent, within a second.
func TestBadAttackInput(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	good := "GET " + srv.URL + "/\n"
	cases := []struct {
		args    []string
		targets string
		want    string
	}{
		{[]string{"-rate", "1e12", "-duration", "1s"}, good, "above the 1000000/s"},
		{[]string{"-rate", "NaN", "-duration", "1s"}, good, `rate "NaN"`},
		{[]string{"-rate", "Inf", "-duration", "1s"}, good, `rate "Inf"`},
		{[]string{"-rate", "1e20", "-duration", "1s"}, good, "above the 1000000/s"},
		{[]string{"-rate", "1/s", "-duration", "500ms"}, good, "plans no request"},
		{[]string{"-rate", "10", "-duration", "1000000h"}, good, "above the 24h0m0s"},
		{[]string{"-rate", "10", "-duration", "1s"}, "GET /x\n", `targets line 1: URL "/x": want an absolute http:// or https:// URL`},
		{[]string{"-rate", "10", "-duration", "1s"}, good + "\nGET ftp://127.0.0.1/x\n", "targets line 3: URL \"ftp://127.0.0.1/x\""},
		{[]string{"-rate", "10", "-duration", "1s"}, good + "\n# two\nGET " + srv.URL + "/\nBad Name: x\n", `targets line 5: header name "Bad Name"`},
		{[]string{"-rate", "10", "-duration", "1s", "-H", "X-A: a\nb"}, good, `header X-A: value "a\nb" holds a line break`},
		{[]string{"-rate", "10", "-duration", "1s", "-cert", "/nonexistent/c.pem", "-key", "/nonexistent/k.pem"}, good, "client certificate: open /nonexistent/c.pem"},
		{[]string{"-rate", "10", "-duration", "1s", "-format", "json"}, `{"method":"GET","url":"` + srv.URL + `/","header":{"X":["a\nb"]}}` + "\n", "targets line 1: header X"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, append([]string{"attack"}, c.args...)...)
		cmd.Stdin = strings.NewReader(c.targets)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if code := exitCode(err); code != exitBadInput || time.Since(start) > 5*time.Second {
			t.Errorf("%q: exit %d after %v, want 2 at once; %s", c.args, code, time.Since(start).Round(time.Millisecond), out)
		}
		if strings.Count(string(out), "\n") != 1 || !strings.Contains(string(out), c.want) {
			t.Errorf("%q with %q: want one line with %q, got %q", c.args, c.targets, c.want, out)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("bad input sent %d requests", n)
	}
}

// TestPlanTooLarge: a fan-out to 10 M subscribers is refused at once, and a
// plan that peaks above one process's rate is refused while it is counted,
// naming the second; neither is sent.
func TestPlanTooLarge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	profile := func(name, stream string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("name: big\nduration: 30s\ntarget: {url: \"http://127.0.0.1:1\"}\nstreams:\n"+stream), 0o644)
		return p
	}
	fanout := profile("fanout.yaml", `  - name: fanout
    burst: true
    request: {path: "/users/{subscriber}/teams"}
    fanout:
      events: {count: 1, start: 5s, over: 1s}
      subscribers: 10000000
      reaction: {dist: uniform, min: 0s, max: 2s}
`)
	peak := profile("peak.yaml", `  - name: fanout
    burst: true
    request: {path: "/users/{subscriber}/teams"}
    fanout:
      events: {count: 3, start: 5s, over: 10ms}
      subscribers: 1000000
      reaction: {dist: uniform, min: 0s, max: 1s}
`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"profile", "validate", fanout}, fanout + ":10:20: streams[0].fanout.subscribers: must be at most 1000000"},
		{[]string{"run", fanout}, "must be at most 1000000"},
		{[]string{"profile", "validate", peak}, "the plan sends more than 1000000 requests in the second from 5s"},
	} {
		start := time.Now()
		stdout, stderr, code := burstlab(t, c.args...)
		if code != exitBadInput || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, stdout, stderr, c.want)
		}
		// Refused before the plan is built: building it would take minutes
		// and gigabytes. The bound says only that (a loaded 2-core machine
		// under the race detector took 11 s once), not how fast.
		if d := time.Since(start); d > time.Minute {
			t.Errorf("%q: refused after %v", c.args, d)
		}
	}
}

// TestCountingObservesCtrlC: counting a plan of 2e8 requests takes tens of
// seconds; Ctrl-C stops it at once with exit 130.
func TestCountingObservesCtrlC(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "long.yaml")
	os.WriteFile(p, []byte("name: long\nduration: 2000s\ntarget: {url: \"http://127.0.0.1:1\"}\nstreams:\n  - name: c\n    request: {path: /}\n    constant: {rate: 100000}\n"), 0o644)
	for _, args := range [][]string{{"profile", "validate", p}, {"run", p}} {
		var stdout, stderr strings.Builder
		cmd := startCLI(t, "", &stdout, &stderr, args...)
		time.Sleep(time.Second)
		cmd.Process.Signal(os.Interrupt)
		if code := waitCLI(t, cmd, 5*time.Second); code != exitInterrupt || !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("%q: exit %d, stderr %q; want 130 and a line saying so", args, code, stderr.String())
		}
	}
}
