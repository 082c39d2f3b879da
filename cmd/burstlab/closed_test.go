package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/burstlab/burstlab/report"
)

// TestClosedModel runs vegeta's "as fast as possible" (-rate 0 with
// -max-workers N): never more than N requests at the server at once, the
// record says the model was closed, its counts are what the server saw, and
// the report prints the achieved rate. -rate 0 without -max-workers, and
// rates that are no number of requests, are refused before anything is sent.
func TestClosedModel(t *testing.T) {
	var hits, now, most atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		n := now.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		now.Add(-1)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "rec")
	stdout, stderr, code := burstlabIn(t, "GET "+srv.URL+"/\n", "attack", "-rate", "0", "-max-workers", "4", "-duration", "1s", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Model != report.ModelClosed {
		t.Errorf("model %q, want closed", rec.Model)
	}
	if s := rec.Summary; s.OK == 0 || s.OK != hits.Load() || s.Offered != s.Sent || s.AchievedRPS <= 0 {
		t.Errorf("ok %d offered %d sent %d achieved %.0f/s, server saw %d", s.OK, s.Offered, s.Sent, s.AchievedRPS, hits.Load())
	}
	if most.Load() > 4 {
		t.Errorf("%d requests at the server at once, want at most 4 workers", most.Load())
	}
	if !strings.Contains(stdout, "achieved rate") || rec.Generator.LatenessP99Ms != 0 {
		t.Errorf("report lacks the achieved rate or shows lateness %.1fms:\n%s", rec.Generator.LatenessP99Ms, stdout)
	}

	before := hits.Load()
	for _, rate := range []string{"0", "NaN", "Inf", "-5/s", "1e20", "5/0s"} {
		_, stderr, code := burstlabIn(t, "GET "+srv.URL+"/\n", "attack", "-rate", rate, "-duration", "1s")
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
			t.Errorf("-rate %s: exit %d, stderr %q; want 2 and one message", rate, code, stderr)
		}
	}
	if hits.Load() != before {
		t.Errorf("refused rates still sent %d requests", hits.Load()-before)
	}
}

// TestClosedStreamInProfile runs a profile with a planned stream beside a
// rate: max stream: the record is mixed, the planned stream offers its plan,
// and the closed stream offers what it sent, which is what the server saw.
func TestClosedStreamInProfile(t *testing.T) {
	var planned, flood atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/f/") {
			flood.Add(1)
		} else {
			planned.Add(1)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	prof := filepath.Join(dir, "mixed.yaml")
	yaml := `name: mixed
duration: 1s
target: {url: "` + srv.URL + `"}
streams:
  - name: app
    request: {path: /a}
    constant: {rate: 50}
  - name: flood
    request: {path: "/f/{seq}"}
    rate: max
    max_workers: 2
`
	if err := os.WriteFile(prof, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "rec")
	if stdout, stderr, code := burstlab(t, "run", prof, "-o", out); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	rec, err := report.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Model != report.ModelMixed || len(rec.Streams) != 2 {
		t.Fatalf("model %q with %d streams, want mixed with 2", rec.Model, len(rec.Streams))
	}
	app, fl := rec.Streams[0], rec.Streams[1]
	if app.Offered != 50 || app.OK != 50 || app.Closed || planned.Load() != 50 {
		t.Errorf("planned stream: offered %d ok %d closed %v, server saw %d; want 50", app.Offered, app.OK, app.Closed, planned.Load())
	}
	if !fl.Closed || fl.OK == 0 || fl.Offered != fl.Sent || fl.OK != flood.Load() {
		t.Errorf("closed stream: closed %v offered %d sent %d ok %d, server saw %d", fl.Closed, fl.Offered, fl.Sent, fl.OK, flood.Load())
	}
}
