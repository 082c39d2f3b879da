package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// samples are the real-format logs the accesslog package reads in its tests.
var samples = filepath.Join("..", "..", "profiles", "accesslog", "testdata")

func TestFromLog(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "incident.yaml")
	stdout, stderr, code := burstlab(t, "profile", "from-log",
		filepath.Join("..", "..", "examples", "shapes", "access.log"),
		filepath.Join(samples, "nginx-combined.log"), filepath.Join(samples, "alb.log.gz"), filepath.Join(samples, "app.jsonl"),
		"-o", out, "--speed", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	// Malformed lines are reported with their file and line.
	for _, want := range []string{"5 malformed line(s) skipped", "nginx-combined.log:5: request \"-\"", "alb.log.gz:5: request", "app.jsonl:5: no \"path\" field"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "GET /users/{id}/teams") || !strings.Contains(stdout, "burst 8s..12s") {
		t.Errorf("summary:\n%s", stdout)
	}
	text, _ := os.ReadFile(out)
	if !strings.Contains(string(text), "  - name: get-users-id-teams-burst\n    burst: true\n") {
		t.Errorf("the profile marks no burst:\n%s", text)
	}
	if o, e, code := burstlab(t, "profile", "validate", out); code != 0 || o != "ok\n" {
		t.Errorf("validate: exit %d %s%s", code, o, e)
	}
	o, e, code := burstlab(t, "profile", "plan", out)
	if code != 0 || !strings.Contains(o, "150 requests") {
		t.Errorf("plan: exit %d\n%s%s", code, o, e)
	}
}

func TestFromLogBadInput(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.log")
	os.WriteFile(junk, []byte("hello\nworld\n"), 0o644)
	log := filepath.Join(samples, "nginx-combined.log")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{filepath.Join(dir, "missing.log")}, "missing.log: cannot read: no such file or directory"},
		{[]string{junk}, "junk.log: no requests read (2 malformed, 0 outside the time range)"},
		{[]string{log, "--share", "200%"}, "--share \"200%\": want a share within [0%, 100%)"},
		{[]string{log, "--format", "w3c"}, "unknown log format \"w3c\""},
		{[]string{log, "--from", "yesterday"}, "--from \"yesterday\": want an RFC 3339 time"},
		{[]string{log, "--route", "teams/{x}"}, "route pattern \"teams/{x}\""},
		{[]string{log, "--speed", "0"}, "--speed 0: want a number within (0, 1e6]"},
		{[]string{log, "--from", "2030-01-01T00:00:00Z"}, "no requests read (2 malformed, 7 outside the time range)"},
		{[]string{log, "--scale", "1e6"}, "the replay would send 2e+06/s at its peak, above the 1000000/s one process sends"},
		{[]string{}, "want at least one log FILE"},
	} {
		out := filepath.Join(dir, "p.yaml")
		_, stderr, code := burstlab(t, append([]string{"profile", "from-log", "-o", out}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "p*")); len(left) > 0 {
			t.Errorf("%v: left %v", c.args, left)
		}
	}
}

func TestFromLogCut(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join("..", "..", "examples", "shapes", "access.log")
	for _, c := range []struct{ from, to string }{
		{"8s", "12s"}, // offsets from the first request, 20:04:00Z
		{"2019-11-14T15:04:08-05:00", "2019-11-14T20:04:12Z"},
	} {
		out := filepath.Join(dir, "cut.yaml")
		stdout, stderr, code := burstlab(t, "profile", "from-log", log, "-o", out, "--from", c.from, "--to", c.to)
		if code != 0 || !strings.HasPrefix(stdout, "67 requests") {
			t.Errorf("--from %s --to %s: exit %d\n%s%s", c.from, c.to, code, stdout, stderr)
		}
		text, _ := os.ReadFile(out)
		if !strings.Contains(string(text), "# 68 request(s) outside the time range cut.") || !strings.Contains(string(text), "from 2019-11-14T20:04:08Z to 2019-11-14T20:04:12Z") {
			t.Errorf("the profile does not say what was cut:\n%s", text)
		}
	}
}

func TestFromLogUnwritable(t *testing.T) {
	out := filepath.Join(t.TempDir(), "missing-dir", "p.yaml")
	_, stderr, code := burstlab(t, "profile", "from-log", filepath.Join("..", "..", "examples", "shapes", "access.log"), "-o", out)
	if code != 3 || !strings.Contains(stderr, "missing-dir") {
		t.Errorf("exit %d, stderr %q; want 3 naming the directory", code, stderr)
	}
}
