package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/report"
)

// okServer answers every request at once.
func okServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRecordDirOwned: -o writes only into a new or empty directory. An old
// record is replaced whole with --force (a stale gates.xml goes with it);
// files that are not a record are never deleted.
func TestRecordDirOwned(t *testing.T) {
	t.Parallel()
	srv := okServer(t)
	target := "GET " + srv.URL + "/\n"
	out := filepath.Join(t.TempDir(), "rec")
	if _, stderr, code := attackCLI(t, target, "-rate", "20", "-duration", "1s", "-o", out); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(out, report.RunFile))
	if _, stderr, code := attackCLI(t, target, "-rate", "20", "-duration", "1s", "-o", out); code != exitBadInput || !strings.Contains(stderr, "already holds a record") {
		t.Errorf("second run into the record: exit %d, %q; want 2", code, stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(out, report.RunFile)); string(after) != string(before) {
		t.Error("the refused run changed the record")
	}
	stale := filepath.Join(out, "gates.xml")
	os.WriteFile(stale, []byte("<old/>"), 0o644)
	if _, stderr, code := attackCLI(t, target, "-rate", "20", "-duration", "1s", "-o", out, "--force"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("--force kept the old record's gates.xml: %v", err)
	}
	other := filepath.Join(t.TempDir(), "notes")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "todo.txt"), []byte("mine"), 0o644)
	if _, stderr, code := attackCLI(t, target, "-rate", "20", "-duration", "1s", "-o", other, "--force"); code != exitBadInput || !strings.Contains(stderr, "holds no burstlab record") {
		t.Errorf("--force into a directory of other files: exit %d, %q; want 2", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(other, "todo.txt")); err != nil {
		t.Errorf("--force deleted a file that was not a record: %v", err)
	}
}

// TestRecordDirLocked: a second run into the directory a run is writing is
// refused, even with --force, and the first run's record is whole.
func TestRecordDirLocked(t *testing.T) {
	t.Parallel()
	srv := okServer(t)
	target := "GET " + srv.URL + "/\n"
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr strings.Builder
	first := startCLI(t, target, &stdout, &stderr, "attack", "-rate", "20", "-duration", "3s", "-o", out)
	time.Sleep(time.Second)
	_, errs, code := attackCLI(t, target, "-rate", "20", "-duration", "1s", "-o", out, "--force")
	if code != exitBadInput || !strings.Contains(errs, "another burstlab run (pid "+strconv.Itoa(first.Process.Pid)+")") {
		t.Errorf("second run: exit %d, %q; want 2 naming the first run", code, errs)
	}
	if code := waitCLI(t, first, 10*time.Second); code != 0 {
		t.Errorf("first run: exit %d: %s", code, stderr.String())
	}
	rec, err := report.Load(out)
	if err != nil || rec.Summary.OK != 60 || rec.Incomplete {
		t.Errorf("first run's record: %v, ok %d, incomplete %v; want 60 ok", err, rec.Summary.OK, rec.Incomplete)
	}
}

// TestKilledRunLeavesRecord: SIGKILL mid-run leaves a record `report`
// reads, marked incomplete, with the windows final by then; a gate on it
// fails.
func TestKilledRunLeavesRecord(t *testing.T) {
	t.Parallel()
	srv := okServer(t)
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr strings.Builder
	cmd := startCLI(t, "GET "+srv.URL+"/\n", &stdout, &stderr, "attack", "-rate", "20", "-duration", "10s", "-o", out)
	time.Sleep(4 * time.Second)
	cmd.Process.Kill()
	cmd.Wait()
	table, errs, code := burstlab(t, "report", out)
	if code != 0 || !strings.Contains(table, "incomplete record") {
		t.Fatalf("report of the killed run: exit %d, %s\n%s", code, errs, table)
	}
	rec, err := report.Load(out)
	if err != nil || !rec.Incomplete || len(rec.Windows) < 2 || rec.Summary.OK < 40 {
		t.Errorf("%v: incomplete %v, %d windows, %d ok; want at least 2 windows", err, rec.Incomplete, len(rec.Windows), rec.Summary.OK)
	}
	if _, _, code := burstlab(t, "report", out, "--gate", "p99 < 1h"); code != exitGateFail {
		t.Errorf("a gate on the incomplete record: exit %d, want 1", code)
	}
}

// TestDiskFullLeavesRecord: with a file size limit standing in for a full
// disk, the run exits 3 and leaves a record report reads, marked
// incomplete. The limit is set below the size of the whole record, as
// measured by a first run.
func TestDiskFullLeavesRecord(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash for ulimit")
	}
	srv := okServer(t)
	target := "GET " + srv.URL + "/\n"
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	if _, stderr, code := attackCLI(t, target, "-rate", "20", "-duration", "8s", "-o", whole); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fi, err := os.Stat(filepath.Join(whole, report.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	limitKB := (fi.Size() - 1) / 1024 // bash counts ulimit -f in KiB
	out := filepath.Join(dir, "full")
	cmd := exec.Command(bash, "-c", "ulimit -f "+strconv.FormatInt(limitKB, 10)+`; exec "$0" "$@"`, bin, "attack", "-rate", "20", "-duration", "8s", "-o", out)
	cmd.Stdin = strings.NewReader(target)
	msg, err := cmd.CombinedOutput()
	if code := exitCode(err); code != 3 || !strings.Contains(string(msg), "writing the record") {
		t.Errorf("exit %d, want 3 for the I/O failure: %s", code, msg)
	}
	rec, err := report.Load(out)
	if err != nil || !rec.Incomplete || len(rec.Windows) == 0 {
		t.Fatalf("after the write failure: %v; want an incomplete record", err)
	}
	if table, _, code := burstlab(t, "report", out); code != 0 || !strings.Contains(table, "incomplete record") {
		t.Errorf("report: exit %d\n%s", code, table)
	}
}

// TestMissingIntervalLog: a record whose latency.hlog is missing or corrupt
// renders with a note saying so, in every document format.
func TestMissingIntervalLog(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(fixture, report.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	for name, hlog := range map[string]string{"missing": "", "corrupt": "Tag=base,0.0,1.0,0.1,NOTBASE64\n"} {
		dir := filepath.Join(t.TempDir(), name)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, report.RunFile), src, 0o644)
		if hlog != "" {
			os.WriteFile(filepath.Join(dir, report.HlogFile), []byte(hlog), 0o644)
		}
		for _, format := range []string{"table", "md", "html"} {
			out, stderr, code := burstlab(t, "report", "--format", format, dir)
			if code != 0 || !strings.Contains(out, "interval log cannot be read") {
				t.Errorf("%s log, %s: exit %d, %s; want a note", name, format, code, stderr)
			}
		}
	}
}
