package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// compareRecord saves a record that recovered in recovery seconds into a
// directory under dir and returns the directory.
func compareRecord(t *testing.T, dir, name string, recovery float64) string {
	t.Helper()
	rec := gateRecord()
	rec.Name = name
	rec.Summary.P99RecoveryS = &recovery
	out := filepath.Join(dir, name)
	if err := report.Save(out, rec); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCompareCLI runs `burstlab compare` on saved records and checks its
// exit codes: 0 within the bounds, 1 on a regression or failed gate, 2 on
// bad usage.
func TestCompareCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := compareRecord(t, dir, "base", 10)
	slower30 := compareRecord(t, dir, "slower30", 13)
	slower5 := compareRecord(t, dir, "slower5", 10.5)
	junit := filepath.Join(dir, "compare.xml")

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // in stdout
		stderr string // in stderr
	}{
		{"5% under a 20% bound", []string{base, slower5, "--max-regression", "p99_recovery=20%"}, 0, "| p99_recovery ", "burstlab: gates: 1 passed"},
		{"30% over a 20% bound", []string{base, slower30, "--max-regression", "p99_recovery=20%", "--junit", junit}, 1, "|  +30.0% | worse", "burstlab: gates: 0 passed, 1 failed: p99_recovery regression = 30% worse (want <= 20% worse)"},
		{"flags after the records", []string{"--max-regression", "p99_recovery=20%", base, slower30}, 1, "", "1 failed"},
		{"no bounds", []string{base, slower30}, 0, "p99_recovery", ""},
		{"gate on new", []string{base, slower5, "--gate", "p99_recovery < 10s"}, 1, "", "p99_recovery = 10.5s (want < 10s)"},
		{"json", []string{"--format", "json", base, slower5}, 0, `"figure": "p99_recovery"`, ""},
		{"md", []string{"--format", "md", base, slower5}, 0, "| p99_recovery | 10s | 10.5s |", ""},
		{"one record", []string{base}, 2, "", "compare: want BASE and NEW record directories, got 1 arguments"},
		{"missing record", []string{base, filepath.Join(dir, "nope")}, 2, "", "compare: new: " + filepath.Join(dir, "nope")},
		{"bad bound", []string{base, slower5, "--max-regression", "p99_recovry=20%"}, 2, "", "did you mean p99_recovery?"},
		{"bad gate", []string{base, slower5, "--gate", "p99_recovery << 30s"}, 2, "", `gate "p99_recovery << 30s": col 15`},
		{"bad format", []string{"--format", "xml", base, slower5}, 2, "", `--format "xml": want table, json or md`},
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, append([]string{"compare"}, tt.args...)...)
		cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=")
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.code || !strings.Contains(o.String(), tt.stdout) || !strings.Contains(e.String(), tt.stderr) {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.name, code, tt.code, o.String(), e.String())
		}
		if code == 2 && strings.Count(strings.TrimSpace(e.String()), "\n") != 0 {
			t.Errorf("%s: a usage error should be one line:\n%s", tt.name, e.String())
		}
		if tt.args[len(tt.args)-1] == "json" || (len(tt.args) > 1 && tt.args[1] == "json") {
			var v map[string]any
			if err := json.Unmarshal(o.Bytes(), &v); err != nil {
				t.Errorf("--format json: %v\n%s", err, o.String())
			}
		}
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suite struct {
			Failures int `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || doc.Suite.Failures != 1 {
		t.Errorf("JUnit %+v, %v:\n%s", doc, err, data)
	}
}
