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
	"github.com/burstlab/burstlab/report"
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

// promAPI is a loopback server speaking Prometheus' documented instant
// query API (GET or POST /api/v1/query): it answers the replica count for
// the expected query, and bad_data for any other.
func promAPI(want string, replicas *atomic.Int64, resultType string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/api/v1/query" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if q := r.FormValue("query"); q != want {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","errorType":"bad_data","error":"unexpected query %q"}`, q)
			return
		}
		n := replicas.Load()
		switch resultType {
		case "scalar":
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"scalar","result":[1700000000.000,"%d"]}}`, n)
		case "empty":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
		default: // the count split over two series, which the signal sums
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[`+
				`{"metric":{"zone":"a"},"value":[1700000000.000,"%d"]},{"metric":{"zone":"b"},"value":[1700000000.000,"%d"]}]}}`, n-n/2, n/2)
		}
	}))
}

// TestScaleSignalPromQL samples the replica count with a PromQL query
// against a loopback server speaking Prometheus' HTTP API: the record's
// scale timeline follows the answers.
func TestScaleSignalPromQL(t *testing.T) {
	const query = `sum by (zone) (kube_deployment_status_replicas_available{deployment="api"})`
	var replicas atomic.Int64
	replicas.Store(2)
	prom := promAPI(query, &replicas, "vector")
	defer prom.Close()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	rec := runWithSignal(t, target.URL, `{prometheus: "`+prom.URL+`", query: '`+query+`', every: 100ms}`,
		func() { replicas.Store(5) })
	s := rec.Summary
	if len(rec.ScaleEvents) < 2 || s.ReplicasStart != 2 || s.ReplicasPeak != 5 || s.ScaleReactionS == nil {
		t.Fatalf("scale events %+v; start %d peak %d reaction %v", rec.ScaleEvents, s.ReplicasStart, s.ReplicasPeak, s.ScaleReactionS)
	}

	for _, c := range []struct {
		kind, query string
		want        float64
		fails       bool
	}{
		{"scalar", query, 5, false},
		{"empty", query, 0, true},
		{"vector", "up", 0, true}, // the server refuses it: bad_data
	} {
		srv := promAPI(query, &replicas, c.kind)
		sg := newSignal(profiles.ScaleSignal{Prometheus: srv.URL, Query: c.query, Every: time.Second}, time.Now(), nil)
		v, err := sg.read(context.Background())
		srv.Close()
		if (err != nil) != c.fails || v != c.want {
			t.Errorf("%s answer to %q: %v, %v; want %v (fails %v)", c.kind, c.query, v, err, c.want, c.fails)
		}
	}

	for _, bad := range []string{
		`{prometheus: "` + prom.URL + `"}`,
		`{prometheus: "` + prom.URL + `", query: up, url: "` + prom.URL + `"}`,
		`{url: "` + prom.URL + `", query: up}`,
		`{prometheus: "unix:/x", query: up}`,
	} {
		_, err := profiles.Parse("bad.yaml", []byte("name: x\nduration: 1s\ntarget:\n  url: "+target.URL+"\n  scale_signal: "+bad+"\nstreams:\n  - {name: a, request: {path: /}, constant: {rate: 1}}\n"))
		if err == nil {
			t.Errorf("scale_signal %s accepted", bad)
		}
	}
}

// runWithSignal runs a 4 s profile with a burst from 1 s to 3 s and the
// given scale_signal; rise is called 2 s in.
func runWithSignal(t *testing.T, target, signal string, rise func()) *report.Record {
	t.Helper()
	p, err := profiles.Parse("signal.yaml", []byte(`
name: signal
duration: 4s
target:
  url: `+target+`
  scale_signal: `+signal+`
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
	time.AfterFunc(2*time.Second, rise)
	rec, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func scaleSignalFor(prometheus, query string) profiles.ScaleSignal {
	return profiles.ScaleSignal{Prometheus: prometheus, Query: query, Every: time.Second}
}
