package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// exitThreeLine is the one line every exit 3 prints on stderr.
var exitThreeLine = regexp.MustCompile(`^burstlab: writing (the record|the report|--output|--junit|--summary): (.+): (open|create|write|sync|close|rename|mkdir|chmod): (.+)$`)

// checkExitThree checks stderr ends with the one line of an exit 3 naming
// file and op.
func checkExitThree(t *testing.T, stderr, file, op string) {
	t.Helper()
	m := exitThreeLine.FindStringSubmatch(lastLine(stderr))
	if m == nil || m[2] != file || m[3] != op {
		t.Errorf("stderr %q: want a last line `burstlab: writing ...: %s: %s: ERR`", stderr, file, op)
	}
}

// device makes a character device node like /dev/null (minor 3) or
// /dev/full (minor 7) in a test directory, so a burstlab that replaces the
// file it was given replaces the test's node, never the system's. It needs
// root; the test is skipped without.
func device(t *testing.T, name string, minor int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|minor); err != nil {
		t.Skipf("making a device node needs root: %v", err)
	}
	return path
}

// isDevice reports whether path is still a character device.
func isDevice(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// TestOutputsWrittenInPlace (#20 item 1): report -o, --junit and --summary
// write into what the user named: a FIFO is written, not replaced; a
// device stays a device (/dev/null swallows the report, /dev/full exits 3
// naming the file and the write); a symlink stays a symlink and its target
// gets the report, even a target not there yet; /dev/stdout-like links to
// the process's descriptors are written through.
func TestOutputsWrittenInPlace(t *testing.T) {
	t.Parallel()
	gates := []string{"--gate", "p99 < 1h"}
	t.Run("fifo", func(t *testing.T) {
		t.Parallel()
		for _, flag := range []string{"-o", "--junit", "--summary"} {
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(fifo, 0o644); err != nil {
				t.Fatal(err)
			}
			// Held open for reading and writing, the FIFO never blocks
			// burstlab's open, and a replaced FIFO cannot hang the test.
			r, err := os.OpenFile(fifo, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, stderr, code := burstlab(t, append([]string{"report", flag, fifo, fixture}, gates...)...)
			if code != 0 {
				t.Errorf("%s FIFO: exit %d: %s", flag, code, stderr)
			}
			if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
				t.Errorf("%s FIFO: it is no longer a FIFO: %v", flag, fi.Mode())
			}
			r.SetReadDeadline(time.Now().Add(time.Second))
			b, _ := io.ReadAll(r)
			r.Close()
			if len(b) < 20 {
				t.Errorf("%s FIFO: the reader got %q, want the output", flag, b)
			}
		}
	})
	t.Run("devices", func(t *testing.T) {
		t.Parallel()
		null, full := device(t, "null", 3), device(t, "full", 7)
		for _, flag := range []string{"-o", "--junit", "--summary"} {
			if _, stderr, code := burstlab(t, append([]string{"report", flag, null, fixture}, gates...)...); code != 0 || !isDevice(null) {
				t.Errorf("%s to a null device: exit %d, still a device %v: %s", flag, code, isDevice(null), stderr)
			}
			_, stderr, code := burstlab(t, append([]string{"report", flag, full, fixture}, gates...)...)
			if code != exitIO || !isDevice(full) {
				t.Errorf("%s to a full device: exit %d, still a device %v; want 3 and the device kept", flag, code, isDevice(full))
			}
			checkExitThree(t, stderr, full, "write")
			if !strings.Contains(stderr, "no space left on device") {
				t.Errorf("%s: %q does not say the device is full", flag, stderr)
			}
		}
	})
	t.Run("symlinks", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		for _, flag := range []string{"-o", "--junit", "--summary"} {
			sub := filepath.Join(dir, strings.TrimLeft(flag, "-"))
			os.MkdirAll(filepath.Join(sub, "real"), 0o755)
			target, link := filepath.Join(sub, "real", "out"), filepath.Join(sub, "link")
			os.WriteFile(target, []byte("old"), 0o600)
			os.Symlink(filepath.Join("real", "out"), link)
			dangling, pending := filepath.Join(sub, "dangling"), filepath.Join(sub, "real", "new")
			os.Symlink(pending, dangling)
			for _, l := range []string{link, dangling} {
				if _, stderr, code := burstlab(t, append([]string{"report", flag, l, fixture}, gates...)...); code != 0 {
					t.Errorf("%s %s: exit %d: %s", flag, l, code, stderr)
				}
				if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("%s %s: no longer a symlink", flag, l)
				}
			}
			for _, f := range []string{target, pending} {
				if b, err := os.ReadFile(f); err != nil || len(b) < 20 {
					t.Errorf("%s: the link's target %s holds %q (%v), want the output", flag, f, b, err)
				}
			}
			if fi, err := os.Stat(target); err == nil && fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: the target's mode became %v, want it kept (0600)", flag, fi.Mode().Perm())
			}
		}
	})
	t.Run("stdout", func(t *testing.T) {
		t.Parallel()
		link := filepath.Join(t.TempDir(), "stdout")
		os.Symlink("/proc/self/fd/1", link)
		if _, err := os.Stat("/proc/self/fd/1"); err != nil {
			t.Skip("no /proc")
		}
		stdout, stderr, code := burstlab(t, "report", "--format", "json", "-o", link, fixture)
		if code != 0 || !strings.HasPrefix(stdout, "{") {
			t.Errorf("-o a link to /proc/self/fd/1: exit %d, stdout %.40q: %s", code, stdout, stderr)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Error("the link to /proc/self/fd/1 was replaced")
		}
	})
}

// TestOutputFailureKeepsRecord (#20 item 4): a run whose --output results
// file cannot be written keeps its whole record in -o DIR (run.json
// complete, the interval log beside it), prints what was measured, and
// exits 3 with one line naming the file and the write.
func TestOutputFailureKeepsRecord(t *testing.T) {
	t.Parallel()
	srv := okServer(t)
	full := device(t, "full", 7)
	out := filepath.Join(t.TempDir(), "rec")
	stdout, stderr, code := attackCLI(t, "GET "+srv.URL+"/\n", "-rate", "20", "-duration", "2s", "--output", full, "-o", out)
	if code != exitIO {
		t.Errorf("exit %d, want 3: %s", code, stderr)
	}
	checkExitThree(t, stderr, full, "write")
	if !isDevice(full) {
		t.Error("--output replaced the device")
	}
	if !strings.Contains(stdout, "| attack |      40 |   40 | 40 |") {
		t.Errorf("stdout does not report the 40 requests measured:\n%s", stdout)
	}
	rec, err := report.Load(out)
	if err != nil || rec.Incomplete || rec.Summary.OK != 40 {
		t.Fatalf("record: %v; want it whole with 40 ok", err)
	}
	if h, err := rec.Histogram(); err != nil || h.TotalCount() != 40 {
		t.Errorf("interval log: %v; want the 40 latencies", err)
	}
}

// TestRecordWriteFailureNamed (#20 item 4): when run.json cannot be
// replaced (its name taken by a directory mid-run), the run still prints
// what was measured and exits 3 with one line naming run.json and the
// rename that failed.
func TestRecordWriteFailureNamed(t *testing.T) {
	t.Parallel()
	srv := okServer(t)
	out := filepath.Join(t.TempDir(), "rec")
	runJSON := filepath.Join(out, report.RunFile)
	var stdout, stderr strings.Builder
	cmd := startCLI(t, "GET "+srv.URL+"/\n", &stdout, &stderr, "attack", "-rate", "20", "-duration", "3s", "-o", out)
	// The first checkpoint writes run.json; a directory then takes its name.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(runJSON); err == nil {
			os.Remove(runJSON)
			if os.Mkdir(runJSON, 0o755) == nil {
				os.WriteFile(filepath.Join(runJSON, "keep"), nil, 0o644)
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no run.json written within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code := waitCLI(t, cmd, 20*time.Second); code != exitIO {
		t.Errorf("exit %d, want 3: %s", code, stderr.String())
	}
	checkExitThree(t, stderr.String(), runJSON, "rename")
	if !strings.Contains(stdout.String(), "| attack |      60 |   60 | 60 |") {
		t.Errorf("stdout does not report the 60 requests measured:\n%s", stdout.String())
	}
}

// TestRecordWrittenWithoutDescriptors (#25): a run whose connections use up
// every descriptor the process may open (the target answers slowly and
// keeps each connection open; RLIMIT_NOFILE is 64) still writes its whole
// record at the end: the descriptors it needs were taken at the start.
func TestRecordWrittenWithoutDescriptors(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash for ulimit")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	out := filepath.Join(t.TempDir(), "rec")
	cmd := exec.Command(bash, "-c", `ulimit -n 64; exec "$0" "$@"`, bin, "attack", "-rate", "400", "-duration", "4s", "-timeout", "2s", "-o", out)
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/\n")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if code := waitCLI(t, cmd, 30*time.Second); code == exitIO || strings.Contains(stderr.String(), "writing the record") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
	rec, err := report.Load(out)
	if err != nil || rec.Incomplete {
		t.Fatalf("record: %v, incomplete %v; want it whole", err, rec != nil && rec.Incomplete)
	}
	if rec.Summary.OK == 0 || rec.Summary.OK == rec.Summary.Offered {
		t.Errorf("%d ok of %d: want some answered and some refused for want of a descriptor", rec.Summary.OK, rec.Summary.Offered)
	}
	if h, err := rec.Histogram(); err != nil || h.TotalCount() != rec.Summary.OK {
		t.Errorf("interval log: %v; want the %d ok latencies", err, rec.Summary.OK)
	}
}

// TestSIGHUPStopsLikeSIGTERM (#20 item 7): SIGHUP ends a run as SIGTERM
// and Ctrl-C do: the record written whole (stopped), the JUnit file
// written, the directory unlocked for the next run, exit 130; and the
// simulator shuts down cleanly on it. A run started under nohup keeps
// ignoring it.
func TestSIGHUPStopsLikeSIGTERM(t *testing.T) {
	t.Parallel()
	// The children must start with SIGHUP at its default, as from a
	// terminal. A test run under nohup (or a runner that ignores SIGHUP)
	// would hand its ignored SIGHUP on to them, and burstlab rightly keeps
	// an ignored SIGHUP ignored: a handler in this process makes every
	// child it starts begin with the default.
	if signal.Ignored(syscall.SIGHUP) {
		signal.Notify(make(chan os.Signal, 1), syscall.SIGHUP)
	}
	t.Run("attack", func(t *testing.T) {
		t.Parallel()
		srv := okServer(t)
		target := "GET " + srv.URL + "/\n"
		dir := t.TempDir()
		out, junit := filepath.Join(dir, "rec"), filepath.Join(dir, "gates.xml")
		var stdout, stderr strings.Builder
		cmd := startCLI(t, target, &stdout, &stderr, "attack", "-rate", "20", "-duration", "30s", "-o", out, "--junit", junit, "--gate", "p99 < 1h")
		// A checkpoint of run.json says the run is under way, its signals
		// caught.
		waitFor(t, filepath.Join(out, report.RunFile))
		cmd.Process.Signal(syscall.SIGHUP)
		if code := waitCLI(t, cmd, 20*time.Second); code != exitInterrupt {
			t.Errorf("exit %d, want 130 as for SIGTERM: %s", code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "| attack |") {
			t.Errorf("no report on stdout:\n%s", stdout.String())
		}
		rec, err := report.Load(out)
		if err != nil || rec.Incomplete || !rec.Stopped {
			t.Errorf("record: %v; want it whole, stopped", err)
		}
		if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), "stopped") {
			t.Errorf("JUnit: %v, want the stopped gate in it:\n%s", err, b)
		}
		if _, err := os.Stat(filepath.Join(out, ".burstlab.lock")); !os.IsNotExist(err) {
			t.Errorf("the lock is left behind: %v", err)
		}
		if _, stderr, code := attackCLI(t, target, "-rate", "20", "-duration", "1s", "-o", out, "--force"); code != 0 {
			t.Errorf("the next run into the directory: exit %d: %s", code, stderr)
		}
	})
	t.Run("nohup", func(t *testing.T) {
		t.Parallel()
		bash, err := exec.LookPath("bash")
		if err != nil {
			t.Skip("no bash for trap")
		}
		srv := okServer(t)
		out := filepath.Join(t.TempDir(), "rec")
		cmd := exec.Command(bash, "-c", `trap '' HUP; exec "$0" "$@"`, bin, "attack", "-rate", "20", "-duration", "3s", "-o", out)
		cmd.Stdin = strings.NewReader("GET " + srv.URL + "/\n")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, filepath.Join(out, report.RunFile))
		cmd.Process.Signal(syscall.SIGHUP)
		if code := waitCLI(t, cmd, 20*time.Second); code != 0 {
			t.Errorf("a run started with SIGHUP ignored (nohup): exit %d after SIGHUP, want 0: %s", code, stderr.String())
		}
		if rec, err := report.Load(out); err != nil || rec.Stopped || rec.Summary.OK != 60 {
			t.Errorf("record: %v; want the whole run, 60 ok, not stopped", err)
		}
	})
	t.Run("sim", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(bin, "sim", "--addr", "127.0.0.1:0")
		pipe, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The address is printed once the signals are caught.
		if _, err := bufio.NewReader(pipe).ReadString('\n'); err != nil {
			cmd.Process.Kill()
			t.Fatal(err)
		}
		cmd.Process.Signal(syscall.SIGHUP)
		if code := waitCLI(t, cmd, 10*time.Second); code != 0 {
			t.Errorf("sim after SIGHUP: exit %d, want 0: %s", code, stderr.String())
		}
	})
}

// waitFor waits up to 15 s for path to exist.
func waitFor(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not written within 15 s", path)
		}
	}
}
