package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bin is the burstlab binary built once for the CLI tests, with the race
// detector when the tests themselves run under it.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "burstlab-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "burstlab")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// burstlab runs the built binary and returns stdout, stderr and the exit code.
func burstlab(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return burstlabIn(t, "", args...)
}

// burstlabIn runs the built binary with stdin on its standard input.
func burstlabIn(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return burstlabAt(t, "", stdin, args...)
}

// burstlabAt runs the built binary in the working directory dir ("" for
// the test's own) with stdin on its standard input.
func burstlabAt(t *testing.T, dir, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running burstlab %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

// fixture is the synthetic record report's tests pin: a record directory
// as `burstlab run -o` writes it. Tests only read it.
var fixture = filepath.Join("..", "..", "report", "testdata", "synthetic")
