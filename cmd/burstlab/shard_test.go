package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestShards runs one plan as two shard processes sharing a start time and
// merges their records with burstlab report: the merge holds the whole plan,
// every request exactly once.
func TestShards(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	dir := t.TempDir()
	profile := filepath.Join(dir, "p.yaml")
	os.WriteFile(profile, []byte(`
name: sharded
seed: 5
duration: 4s
target: {url: `+srv.URL+`}
streams:
  - name: base
    request: {path: "/b/{seq}"}
    arrivals: poisson
    constant: {rate: 150}
  - name: fan
    burst: true
    request: {path: "/u/{subscriber}"}
    fanout:
      events: {count: 5, start: 1s, over: 1s}
      subscribers: 80
      reaction: {dist: uniform, min: 0s, max: 500ms}
`), 0o644)
	plan, _, code := burstlab(t, "profile", "plan", "--json", profile)
	if code != 0 {
		t.Fatalf("profile plan: exit %d", code)
	}
	var pj struct {
		Total int64 `json:"total"`
	}
	if err := json.Unmarshal([]byte(plan), &pj); err != nil || pj.Total == 0 {
		t.Fatalf("plan json: %v %q", err, plan)
	}

	startAt := time.Now().Add(3 * time.Second).Truncate(time.Second).Format(time.RFC3339)
	var cmds []*exec.Cmd
	var errs []*bytes.Buffer
	for i, shard := range []string{"0/2", "1/2"} {
		cmd := exec.Command(bin, "run", profile, "--shard", shard, "--start-at", startAt, "-o", filepath.Join(dir, "s"+string(rune('0'+i))))
		var e bytes.Buffer
		cmd.Stderr = &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		errs = append(errs, &e)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, errs[i].String())
		}
	}
	out, stderr, code := burstlab(t, "report", "--format", "json", filepath.Join(dir, "s0"), filepath.Join(dir, "s1"))
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	var rec struct {
		Shards  int `json:"shards"`
		Summary struct {
			Offered, Sent, OK int64
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Shards != 2 || rec.Summary.Offered != pj.Total || rec.Summary.Sent != pj.Total || rec.Summary.OK != pj.Total || hits.Load() != pj.Total {
		t.Errorf("merged %d shards: offered %d sent %d ok %d, server saw %d; the plan holds %d",
			rec.Shards, rec.Summary.Offered, rec.Summary.Sent, rec.Summary.OK, hits.Load(), pj.Total)
	}
	// One shard alone is not the plan: it says so. The same shard twice
	// is refused, not counted twice.
	s0, s1 := filepath.Join(dir, "s0"), filepath.Join(dir, "s1")
	if out, stderr, code := burstlab(t, "report", s0); code != 0 || !strings.Contains(out, "partial: 1 of 2 shards") {
		t.Errorf("one shard: exit %d, want 0 and a partial warning; stdout %q stderr %q", code, firstLine(out), stderr)
	}
	for _, args := range [][]string{{"report", s0, s0}, {"report", s1, filepath.Join(s1, ".")}} {
		if _, stderr, code := burstlab(t, args...); code != 2 || !strings.Contains(stderr, "given twice") {
			t.Errorf("%q: exit %d, stderr %q; want 2, given twice", args, code, stderr)
		}
	}
	if _, stderr, code := burstlab(t, "run", profile, "--shard", "0/2"); code != 2 || !strings.Contains(stderr, "needs --start-at") {
		t.Errorf("--shard without --start-at: exit %d, stderr %q; want 2", code, stderr)
	}
	if _, _, code := burstlab(t, "run", profile, "--shard", "2/2"); code != 2 {
		t.Errorf("--shard 2/2: exit %d, want 2", code)
	}
	if _, _, code := burstlab(t, "run", profile, "--start-at", "2001-01-01T00:00:00Z"); code != 2 {
		t.Errorf("--start-at in the past: exit %d, want 2", code)
	}
}
