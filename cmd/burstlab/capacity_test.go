package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCapacityBadUsage: a search that cannot be run as asked exits 2 with
// one line saying why, before any step, and writes nothing.
func TestCapacityBadUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	steady := filepath.Join(dir, "steady.yaml")
	os.WriteFile(steady, []byte("name: s\nduration: 5s\ntarget: {url: http://127.0.0.1:1}\nstreams:\n  - name: a\n    request: {path: /}\n    constant: {rate: 50}\n"), 0o644)
	slow := filepath.Join("..", "..", "capacity", "testdata", "incident-slow.yaml")
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"-from", "100/s"}, "needs -slo-p99"},
		{[]string{"--burst"}, "want a PROFILE"},
		{[]string{"--burst", steady, "--gate", "p99_recovery < 1s"}, "marks no stream burst: true"},
		{[]string{"--burst", slow, "--gate", "p99_recovry < 1s"}, `unknown figure "p99_recovry" (did you mean p99_recovery?); a search's own figures are`},
		{[]string{"--burst", slow, "--gate", "capacity >= 10ms"}, `unit "ms" does not fit capacity, a rate`},
		{[]string{"--burst", slow, "--gate", "stream.fanot.p99 < 1s"}, `no stream "fanot"`},
		{[]string{"--burst", slow, "-from", "0"}, "want a factor > 0"},
		{[]string{"-slo-p99", "100ms", "-step", "1s", "-warmup", "1s"}, "must be longer than -warmup"},
		{[]string{"-slo-p99", "100ms", "-precision", "5"}, `-precision "5"`},
		{[]string{"-slo-p99", "100ms", "-from", "500/s", "-to", "100/s"}, "below the first"},
		{[]string{"-slo-p99", "100ms", "-from", "fast"}, `rate "fast"`},
		{[]string{"-slo-p99", "100ms", "--format", "pdf"}, `unknown format "pdf"`},
		{[]string{"-slo-p99", "100ms", "-step", "3s", steady}, "-step and -warmup are for targets on stdin"},
		{[]string{"-slo-p99", "100ms", "a.yaml", "b.yaml"}, "at most one PROFILE"},
	}
	for _, tt := range tests {
		out := filepath.Join(dir, "out")
		cmd := exec.Command(bin, append(append([]string{"capacity"}, tt.args...), "-o", out)...)
		cmd.Stdin = strings.NewReader("GET http://127.0.0.1:1/\n")
		b, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != exitBadInput {
			t.Errorf("capacity %v: %v, want exit 2\n%s", tt.args, err, b)
			continue
		}
		msg := strings.TrimSpace(string(b))
		if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, tt.msg) || strings.Contains(msg, "goroutine") {
			t.Errorf("capacity %v: want one line with %q, got:\n%s", tt.args, tt.msg, msg)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("capacity %v left output behind: %v", tt.args, err)
		}
	}
}
