package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand re-renders a saved record (the synthetic fixture) in
// every format and re-gates it without a new run.
func TestReportCommand(t *testing.T) {
	t.Parallel()
	out := fixture
	want := map[string]string{
		"table":   "time_to_scale",
		"json":    `"time_to_scale_s"`,
		"csv":     "start_s",
		"md":      "| figure |",
		"html":    `id="charts"`,
		"hgrm":    "Percentile",
		"metrics": "p99_ms ",
	}
	for format, marker := range want {
		stdout, stderr, code := burstlab(t, "report", "--format", format, out)
		if code != 0 || !strings.Contains(stdout, marker) {
			t.Errorf("--format %s: exit %d, output lacks %q; stderr %s", format, code, marker, stderr)
		}
	}
	if _, _, code := burstlab(t, "report", "--gate", "error_ratio < 5%", out); code != 0 {
		t.Errorf("passing gate: exit %d", code)
	}
	if _, stderr, code := burstlab(t, "report", "--gate", "peak_p99 < 1us", out); code != 1 || !strings.Contains(stderr, "failed") {
		t.Errorf("failing gate: exit %d, stderr %q", code, stderr)
	}
	for _, args := range [][]string{
		{"report", "--format", "pdf", out},
		{"report", filepath.Join(t.TempDir(), "missing")},
		{"report", "--gate", "p99 <", out},
		{"report"},
	} {
		if _, stderr, code := burstlab(t, args...); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") > 0 && !strings.Contains(stderr, "USAGE") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, stderr)
		}
	}
}
