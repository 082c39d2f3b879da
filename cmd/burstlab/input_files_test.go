package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// vegetaJSON is one line of vegeta's JSON results, seq i, i seconds after
// the start.
func vegetaJSON(i int) string {
	b, _ := json.Marshal(map[string]any{
		"attack": "a", "seq": i, "code": 200, "timestamp": time.Unix(1795561403+int64(i), 0).UTC().Format(time.RFC3339Nano),
		"latency": 1_000_000, "bytes_out": 0, "bytes_in": 0, "error": "", "method": "GET", "url": "http://127.0.0.1/",
	})
	return string(b)
}

// TestVegetaResultsInput: a bad line in the middle of vegeta results exits
// 2 naming it, instead of a report of the first half; a last line without a
// newline still counts; timestamps 28 years apart are refused at once
// instead of allocating a window for every second between them.
func TestVegetaResultsInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var lines []string
	for i := range 20 {
		lines = append(lines, vegetaJSON(i))
	}
	bad := append(append(append([]string{}, lines[:10]...), `{"attack":"a","seq":10,"code":200,"timest`), lines[11:]...)
	badFile := filepath.Join(dir, "bad.json")
	os.WriteFile(badFile, []byte(strings.Join(bad, "\n")+"\n"), 0o644)
	if out, stderr, code := burstlab(t, "report", badFile); code != exitBadInput || out != "" || !strings.Contains(stderr, badFile+": line 11:") {
		t.Errorf("bad line: exit %d, stdout %q, stderr %q; want 2 naming line 11", code, firstLine(out), stderr)
	}
	whole := filepath.Join(dir, "nonl.json")
	os.WriteFile(whole, []byte(strings.Join(lines, "\n")), 0o644)
	out, stderr, code := burstlab(t, "report", "--format", "json", whole)
	var rec report.Record
	if err := json.Unmarshal([]byte(out), &rec); code != 0 || err != nil || rec.Summary.Sent != 20 {
		t.Errorf("no final newline: exit %d, %v, sent %d; want all 20 (%s)", code, err, rec.Summary.Sent, stderr)
	}
	t0 := int64(1795561403) * 1e9
	var csv strings.Builder
	for i := range 5 {
		fmt.Fprintf(&csv, "%d,200,1000000,0,0,,,a,%d,GET,http://127.0.0.1/,\n", t0+int64(i)*1e9, i)
	}
	fmt.Fprintf(&csv, "%d,200,1000000,0,0,,,a,5,GET,http://127.0.0.1/,\n", t0+28*365*86400*1e9)
	years := filepath.Join(dir, "years.csv")
	os.WriteFile(years, []byte(csv.String()), 0o644)
	start := time.Now()
	if _, stderr, code := burstlab(t, "report", years); code != exitBadInput || !strings.Contains(stderr, "above the 24h0m0s one record holds") || time.Since(start) > 5*time.Second {
		t.Errorf("28 years of results: exit %d after %v, %q; want 2 at once", code, time.Since(start), stderr)
	}
}

// TestScaleSignalFailureRecorded: a scale signal that cannot be read is in
// the record's warnings, not only on stderr.
func TestScaleSignalFailureRecorded(t *testing.T) {
	t.Parallel()
	srv := okServer(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "p.yaml")
	os.WriteFile(p, []byte(fmt.Sprintf(`name: signal
duration: 2s
target:
  url: %s
  scale_signal: {url: "http://127.0.0.1:1/metrics?key=sig-s3cret", metric: replicas, every: 500ms}
streams:
  - name: a
    request: {path: /}
    constant: {rate: 20}
`, srv.URL)), 0o644)
	out := filepath.Join(dir, "rec")
	if _, stderr, code := burstlab(t, "run", p, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	report.Analyze(rec)
	found := false
	for _, w := range rec.Summary.Warnings {
		found = found || strings.Contains(w, "scale signal:") && strings.Contains(w, "samples failed") && !strings.Contains(w, "s3cret")
	}
	if !found {
		t.Errorf("no redacted scale signal warning in %q", rec.Summary.Warnings)
	}
}

// TestGateDurationUnits: gates take every Go duration unit.
func TestGateDurationUnits(t *testing.T) {
	t.Parallel()
	for _, g := range []string{"p99 < 1h", "p99 > 500ns", "p99_recovery < 2h"} {
		if _, stderr, code := burstlab(t, "report", fixture, "--gate", g); code != 0 {
			t.Errorf("--gate %q: exit %d, %s", g, code, stderr)
		}
	}
}
