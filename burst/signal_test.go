package burst

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/burstlab/burstlab/profiles"
)

// TestScaleSignal samples a replica gauge from a Prometheus endpoint while a
// run goes on: the record's scale timeline follows the gauge, and the scale
// figures come from it.
func TestScaleSignal(t *testing.T) {
	var replicas atomic.Int64
	replicas.Store(2)
	metrics := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "# TYPE replicas gauge\nreplicas{app=\"api\"} %d\nreplicas{app=\"other\"} 50\n", replicas.Load())
	}))
	defer metrics.Close()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	p, err := profiles.Parse("signal.yaml", []byte(`
name: signal
duration: 4s
target:
  url: `+target.URL+`
  scale_signal: {url: "`+metrics.URL+`", metric: 'replicas{app="api"}', every: 100ms}
streams:
  - name: base
    request: {path: /}
    constant: {rate: 20}
  - name: burst
    burst: true
    request: {path: /b}
    constant: {rate: 100, start: 1s, duration: 2s}
`))
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(2*time.Second, func() { replicas.Store(5) })
	rec, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Summary
	if len(rec.ScaleEvents) < 2 || s.ReplicasStart != 2 || s.ReplicasPeak != 5 || s.ScaleReactionS == nil {
		t.Fatalf("scale events %+v; start %d peak %d reaction %v", rec.ScaleEvents, s.ReplicasStart, s.ReplicasPeak, s.ScaleReactionS)
	}
	if r := *s.ScaleReactionS; r < 0.5 || r > 1.6 {
		t.Errorf("scale_reaction %.2fs, want about 1s (the gauge rose at ~1.75s, the burst began at 1s)", r)
	}
	for _, bad := range []string{
		`{url: "` + metrics.URL + `", command: "echo 3"}`,
		`{command: "echo 3", metric: replicas}`,
		`{url: "ftp://x"}`,
		`{command: "echo 3", every: 1ms}`,
	} {
		_, err := profiles.Parse("bad.yaml", []byte("name: x\nduration: 1s\ntarget:\n  url: "+target.URL+"\n  scale_signal: "+bad+"\nstreams:\n  - {name: a, request: {path: /}, constant: {rate: 1}}\n"))
		if err == nil {
			t.Errorf("scale_signal %s accepted", bad)
		}
	}
}

func TestScaleSignalCommand(t *testing.T) {
	s := &signal{cfg: profiles.ScaleSignal{Command: "echo 7", Every: time.Second}}
	v, err := s.read(context.Background())
	if err != nil || v != 7 {
		t.Fatalf("command signal: %v, %v", v, err)
	}
	if _, err := promValue([]byte("x 1\n"), "y"); err == nil {
		t.Error("missing metric accepted")
	}
	if _, _, err := parseSelector(`up{job="a"`); err == nil {
		t.Error("unclosed selector accepted")
	}
}
