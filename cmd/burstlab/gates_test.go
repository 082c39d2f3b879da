package main

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/report"
)

// gateRecord is a record that recovered in 12 s with a teams stream.
func gateRecord() *report.Record {
	recovery := 12.0
	return &report.Record{
		Schema:  report.SchemaVersion,
		Name:    "checkout",
		WindowS: 1,
		Summary: report.Summary{
			ErrorRatio:        0.002,
			P99RecoveryS:      &recovery,
			P99RecoveryStatus: report.StatusRecovered,
		},
		Streams: []report.StreamSummary{{Name: "teams", Tally: report.Tally{OK: 100}, Percentiles: report.Percentiles{P99Ms: 900}}},
	}
}

// withGateFlags parses the gates and runs applyGates on rec the way a
// command does, with args as its flags.
func withGateFlags(t *testing.T, rec *report.Record, profileGates []string, args ...string) error {
	t.Helper()
	var got error
	app := &cli.App{
		Name:                      "burstlab",
		DisableSliceFlagSeparator: true,
		ExitErrHandler:            func(*cli.Context, error) {},
		Commands: []*cli.Command{{
			Name:  "judge",
			Flags: gateFlags(),
			Action: func(c *cli.Context) error {
				gates, err := parseGateFlags(c, profileGates)
				if err != nil {
					got = err
					return nil
				}
				got = applyGates(c, rec, gates)
				return nil
			},
		}},
	}
	if err := app.Run(append([]string{"burstlab", "judge"}, args...)); err != nil {
		t.Fatalf("flags %q: %v", args, err)
	}
	return got
}

func TestApplyGates(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	tests := []struct {
		name    string
		profile []string
		args    []string
		code    int    // 0 nil, 1 gate failed, 2 usage error
		msg     string // in the error
	}{
		{"no gates", nil, nil, 0, ""},
		{"pass", []string{"p99_recovery < 30s"}, []string{"--gate", "error_ratio < 1%"}, 0, ""},
		{"fail", []string{"p99_recovery < 10s"}, []string{"--gate", "error_ratio < 1%"}, 1, "gates: 1 passed, 1 failed: p99_recovery = 12s (want < 10s)"},
		{"commas stay inside one gate", nil, []string{"--gate", "error_ratio < 1%,", "--gate", "p99_recovery < 30s"}, 2, `gate "error_ratio < 1%,": col 17: unexpected ","`},
		{"bad flag gate", nil, []string{"--gate", "p99_recovery << 30s"}, 2, `gate "p99_recovery << 30s": col 15`},
		{"bad profile gate", []string{"p99_recovry < 30s"}, nil, 2, `profile gates: gate "p99_recovry < 30s": col 1: unknown figure "p99_recovry" (did you mean p99_recovery?)`},
		{"unknown stream", nil, []string{"--gate", "stream.tems.p99 < 1s"}, 2, `no stream "tems" (did you mean teams?)`},
		{"stream gate fails", nil, []string{"--gate", "stream.teams.p99 < 800ms"}, 1, "stream.teams.p99 = 900ms (want < 800ms)"},
	}
	for _, tt := range tests {
		err := withGateFlags(t, gateRecord(), tt.profile, tt.args...)
		code := 0
		var ee exitError
		var ue usageError
		switch {
		case errors.As(err, &ee):
			code = ee.code
		case errors.As(err, &ue):
			code = exitBadInput
		case err != nil:
			code = -1
		}
		if code != tt.code || (err != nil) != (tt.msg != "") || err != nil && !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: code %d, err %v; want code %d and %q", tt.name, code, err, tt.code, tt.msg)
		}
	}
}

func TestApplyGatesOutputs(t *testing.T) {
	dir := t.TempDir()
	step := filepath.Join(dir, "step-summary.md")
	os.WriteFile(step, []byte("earlier step output\n"), 0o644)
	t.Setenv("GITHUB_STEP_SUMMARY", step)
	junit := filepath.Join(dir, "gates.xml")

	err := withGateFlags(t, gateRecord(), []string{"p99_recovery < 30s"}, "--gate", "error_ratio < 0.1%", "--junit", junit)
	if ee, ok := err.(exitError); !ok || ee.code != exitGateFail {
		t.Fatalf("err %v, want exit 1", err)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suite struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || doc.Suite.Name != "burstlab gates" || len(doc.Suite.Cases) != 2 {
		t.Errorf("JUnit %+v, %v:\n%s", doc, err, data)
	}
	sum, _ := os.ReadFile(step)
	if !strings.HasPrefix(string(sum), "earlier step output\n### ❌ burstlab gates: 1 passed, 1 failed") {
		t.Errorf("$GITHUB_STEP_SUMMARY not appended to:\n%s", sum)
	}

	// --summary replaces the step summary default.
	own := filepath.Join(dir, "gates.md")
	if err := withGateFlags(t, gateRecord(), nil, "--gate", "error_ratio < 1%", "--summary", own); err != nil {
		t.Fatal(err)
	}
	if md, _ := os.ReadFile(own); !strings.Contains(string(md), "### ✅ burstlab gates: 1 passed, 0 failed") {
		t.Errorf("--summary file:\n%s", md)
	}
	if again, _ := os.ReadFile(step); string(again) != string(sum) {
		t.Errorf("--summary also wrote $GITHUB_STEP_SUMMARY")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
