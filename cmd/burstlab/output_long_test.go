//go:build long

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// TestOutputReadByVegeta writes an attack's results with --output in each of
// vegeta's formats and has vegeta's own CLI, built from the module cache,
// read them: `vegeta report` counts what the record counts, and `vegeta
// plot` draws them. Building vegeta takes a while: `go test -tags long`.
func TestOutputReadByVegeta(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vegeta := filepath.Join(dir, "vegeta")
	build := exec.Command("go", "build", "-o", vegeta, "github.com/tsenart/vegeta/v12")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building vegeta's CLI from the module cache: %v\n%s", err, out)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/bad") {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	targets := "GET " + srv.URL + "/ok\n\nGET " + srv.URL + "/bad\n"
	for _, format := range report.ResultFormats {
		t.Run(format, func(t *testing.T) {
			res := filepath.Join(dir, "results."+format)
			rec := filepath.Join(dir, "rec-"+format)
			if stdout, stderr, code := burstlabIn(t, targets, "attack", "-rate", "100/s", "-duration", "1s", "-o", rec, "--output", res, "--output-format", format); code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			r, err := report.Load(rec)
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(vegeta, "report", "-type", "json", res).Output()
			if err != nil {
				t.Fatalf("vegeta report: %v", err)
			}
			var m struct {
				Requests    int64            `json:"requests"`
				StatusCodes map[string]int64 `json:"status_codes"`
			}
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("vegeta report's JSON: %v\n%s", err, out)
			}
			if m.Requests != r.Summary.Sent || m.StatusCodes["200"] != r.Summary.OK || m.StatusCodes["503"] != r.Summary.Errors["5xx"] || m.Requests != 100 {
				t.Errorf("vegeta read %d requests %v; the record sent %d, ok %d, 5xx %d", m.Requests, m.StatusCodes, r.Summary.Sent, r.Summary.OK, r.Summary.Errors["5xx"])
			}
			plot, err := exec.Command(vegeta, "plot", res).Output()
			if err != nil || !strings.Contains(string(plot), "<html") {
				t.Errorf("vegeta plot: %v, %d bytes", err, len(plot))
			}
			// burstlab report reads them back, as vegeta results.
			if stdout, stderr, code := burstlab(t, "report", "--format", "json", res); code != 0 || !strings.Contains(stdout, `"sent": 100`) {
				t.Errorf("burstlab report of the results: exit %d\n%s\n%s", code, stdout, stderr)
			}
		})
	}
	if _, stderr, code := burstlabIn(t, targets, "attack", "-rate", "10/s", "-duration", "1s", "--output", filepath.Join(dir, "x"), "--output-format", "xml"); code != 2 || !strings.Contains(stderr, "output-format") {
		t.Errorf("an unknown -output-format: exit %d, %q; want 2 naming the flag", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a refused -output-format still wrote the file")
	}
}
