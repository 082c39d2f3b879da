// Package browser opens the HTML pages burstlab writes in headless
// Chromium, for tests that check what a reader sees: that the scripts run
// without an error and draw what they should.
package browser

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Find returns the installed Chromium, or skips the test, saying what was
// not checked.
func Find(t *testing.T, unchecked string) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skipf("no Chromium installed (apt-get install chromium): %s is not checked in a browser", unchecked)
	return ""
}

// Open runs Chromium bin headless on the file page in a window of width x
// height, with the network off, lets the page's scripts run for 5 s of
// virtual time, and returns what it printed (args such as --dump-dom or
// --screenshot say what) and the lines the page logged to its console. A
// Chromium that exits with an error (it can crash starting on a loaded
// machine) gets a second try with a fresh profile; what a page does never
// makes it exit with one.
func Open(t *testing.T, bin, page string, width, height int, args ...string) (stdout []byte, console []string) {
	t.Helper()
	out, errs, err := run(t, bin, page, width, height, args)
	if err != nil {
		t.Logf("chromium: %v, once; trying again\n%s", err, errs)
		out, errs, err = run(t, bin, page, width, height, args)
	}
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, errs)
	}
	for _, l := range strings.Split(errs, "\n") {
		if strings.Contains(l, ":CONSOLE") {
			console = append(console, l)
		}
	}
	return out, console
}

// run runs Chromium once, as Open says, and returns its stdout, its stderr
// and how it exited.
func run(t *testing.T, bin, page string, width, height int, args []string) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--proxy-server=127.0.0.1:9", "--user-data-dir=" + filepath.Join(t.TempDir(), "profile"),
		"--enable-logging=stderr", "--v=0",
		fmt.Sprintf("--window-size=%d,%d", width, height), "--virtual-time-budget=5000"}, args...)
	cmd := exec.CommandContext(ctx, bin, append(all, "file://"+page)...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	return out.Bytes(), errs.String(), err
}

// Screenshot opens page like Open and returns a screenshot of it. With
// BURSTLAB_KEEP_SCREENSHOT=FILE set, the screenshot is also kept there to
// look at.
func Screenshot(t *testing.T, bin, page string, width, height int) image.Image {
	t.Helper()
	shot := filepath.Join(t.TempDir(), "shot.png")
	Open(t, bin, page, width, height, "--screenshot="+shot)
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("BURSTLAB_KEEP_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Error(err)
		}
	}
	return img
}
