//go:build unix

package report

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReplacedFileWithoutDescriptors: with every descriptor of the process
// taken, a Replace that asks for another fails with EMFILE and leaves the
// file as it was, and the last Replace still writes it. It runs in a child
// process, whose descriptor limit it lowers.
func TestReplacedFileWithoutDescriptors(t *testing.T) {
	if os.Getenv("BURSTLAB_NOFILE_CHILD") == "" {
		cmd := execSelf(t, "TestReplacedFileWithoutDescriptors", "BURSTLAB_NOFILE_CHILD=1")
		out, err := cmd.CombinedOutput()
		switch {
		case strings.Contains(string(out), "--- SKIP"):
			t.Skipf("child: %s", out)
		case err != nil || !strings.Contains(string(out), "--- PASS"):
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "run.json")
	f, err := OpenReplaced(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Replace([]byte("checkpoint"), true); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: 64, Max: 64}); err != nil {
		t.Skip(err)
	}
	var held []*os.File
	for {
		h, err := os.Open(os.DevNull)
		if err != nil {
			if !errors.Is(err, syscall.EMFILE) {
				t.Fatal(err)
			}
			break
		}
		held = append(held, h)
	}
	err = f.Replace([]byte("another checkpoint"), true)
	if !errors.Is(err, syscall.EMFILE) || !strings.HasPrefix(err.Error(), path+": create: ") {
		t.Errorf("Replace asking for a descriptor: %v; want %s: create: too many open files", err, path)
	}
	held[0].Close()
	if b, _ := os.ReadFile(path); string(b) != "checkpoint" {
		t.Errorf("the failed Replace changed the file: %q", b)
	}
	if held[0], err = os.Open(os.DevNull); err != nil {
		t.Fatal(err)
	}
	if err := f.Replace([]byte("last"), false); err != nil {
		t.Errorf("the last Replace: %v", err)
	}
	for _, h := range held {
		h.Close()
	}
	if b, err := os.ReadFile(path); string(b) != "last" {
		t.Errorf("after the last Replace: %q, %v", b, err)
	}
}

// execSelf is the test binary running test name alone, with env added.
func execSelf(t *testing.T, name, env string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env)
	return cmd
}
