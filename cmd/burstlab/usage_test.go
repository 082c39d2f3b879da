package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrors: a usage error is one line on stderr, exit 2, and nothing
// on stdout (a report redirected to a file stays clean); a flag without its
// value is refused instead of taking the `--` burstlab injects.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	profile, _ := filepath.Abs(filepath.Join("testdata", "short-burst.yaml"))
	rec, _ := filepath.Abs(fixture)
	cases := []struct {
		args []string
		want string // in the one line on stderr
	}{
		{[]string{"attack", "-bogus", "1"}, "flag provided but not defined: -bogus"},
		{[]string{"report", rec, "-o"}, "flag -o needs a value"},
		{[]string{"run", profile, "-o"}, "flag -o needs a value"},
		{[]string{"run", profile, "--gate"}, "flag --gate needs a value"},
		{[]string{"report", "--format"}, "flag --format needs a value"},
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, c := range cases {
		stdout, stderr, code := burstlabAt(t, dir, "", c.args...)
		if code != exitBadInput {
			t.Errorf("%q: exit %d, want 2", c.args, code)
		}
		if stdout != "" {
			t.Errorf("%q: stdout should stay empty, got %q", c.args, firstLine(stdout))
		}
		if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: want one line with %q on stderr, got %q", c.args, c.want, stderr)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("a usage error left %q behind", e.Name())
	}
}

// TestVersion: `burstlab version` and `--version` name the module version.
func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, stderr, code := burstlab(t, args...)
		if code != 0 || !strings.HasPrefix(stdout, "burstlab ") || !strings.Contains(stdout, "go1.") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// TestHelpAndUnknownCommands: `burstlab help [COMMAND [SUBCOMMAND]]` prints
// help on stdout and exits 0; an unknown command or help topic is one line
// naming it (with the closest command when one is close), exit 2.
func TestHelpAndUnknownCommands(t *testing.T) {
	t.Parallel()
	helps := []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"help"}, "USAGE:\n   burstlab [global options] command"},
		{[]string{"help", "run"}, "burstlab run [command options] PROFILE"},
		{[]string{"help", "profile"}, "burstlab profile - check a traffic profile"},
		{[]string{"help", "profile", "plan"}, "--json"},
		{[]string{"run", "--help"}, "burstlab run [command options] PROFILE"},
		{[]string{"run", "x.yaml", "-o", "out", "--help"}, "burstlab run [command options] PROFILE"},
		{[]string{"profile", "validate", "x.yaml", "-h"}, "burstlab profile validate [command options] PROFILE"},
		{[]string{}, "USAGE:\n   burstlab [global options] command"},
	}
	for _, c := range helps {
		stdout, stderr, code := burstlab(t, c.args...)
		if code != 0 || !strings.Contains(stdout, c.want) || stderr != "" {
			t.Errorf("%q: exit %d, want 0 with %q on stdout; stdout %q, stderr %q", c.args, code, c.want, stdout, stderr)
		}
	}
	unknown := []struct {
		args []string
		want string // the one line on stderr
	}{
		{[]string{"frobnicate"}, `burstlab: unknown command "frobnicate"`},
		{[]string{"rnu", "x.yaml"}, `burstlab: unknown command "rnu" (did you mean run?)`},
		{[]string{"help", "frobnicate"}, `burstlab: unknown command "frobnicate"`},
		{[]string{"help", "comapre"}, `burstlab: unknown command "comapre" (did you mean compare?)`},
		{[]string{"profile", "valdate", "x.yaml"}, `burstlab: unknown command "profile valdate" (did you mean validate?)`},
		{[]string{"help", "profile", "frob"}, `burstlab: unknown command "profile frob"`},
	}
	for _, c := range unknown {
		stdout, stderr, code := burstlab(t, c.args...)
		if code != exitBadInput || stdout != "" || stderr != c.want+"\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, firstLine(stdout), stderr, c.want)
		}
	}
}
