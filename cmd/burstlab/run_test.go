package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunBadProfile checks that a bad profile exits 2 with one line naming
// the file and line, and writes nothing.
func TestRunBadProfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nduration: 10s\ntarget: {url: http://127.0.0.1:1}\nstreams:\n  - name: a\n    request: {path: /}\n    constant: {rate: -5}\n"), 0o644)
	out := filepath.Join(dir, "rec")
	_, stderr, code := burstlab(t, "run", bad, "-o", out)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %s", code, stderr)
	}
	if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.Contains(stderr, bad+":7:") || !strings.Contains(stderr, "rate") {
		t.Errorf("want one line naming %s:7 and the field, got %q", bad, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a bad profile left output behind: %v", err)
	}
}
