package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// bin is the burstlab binary built once for the CLI tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "burstlab-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "burstlab")
	out, err := exec.Command("go", "build", "-race", "-o", bin, ".").CombinedOutput()
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
	cmd := exec.Command(bin, args...)
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
