//go:build long

package burst

import (
	"fmt"
	"net"
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

// TestScaleSignalRealPrometheus runs a real Prometheus server (Debian's
// `prometheus` package) that scrapes a loopback replica gauge every 200ms,
// and samples it with a PromQL scale_signal during a run: the record's
// scale timeline follows the gauge through Prometheus.
func TestScaleSignalRealPrometheus(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("no prometheus binary (apt-get install prometheus); the loopback API test covers the client")
	}
	var replicas atomic.Int64
	replicas.Store(2)
	exporter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "# TYPE replicas gauge\nreplicas{app=\"api\",zone=\"a\"} %d\nreplicas{app=\"api\",zone=\"b\"} 0\nreplicas{app=\"other\",zone=\"a\"} 50\n", replicas.Load())
	}))
	defer exporter.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("global: {scrape_interval: 200ms, scrape_timeout: 200ms}\nscrape_configs:\n  - job_name: api\n    static_configs: [{targets: [%q]}]\n",
		strings.TrimPrefix(exporter.URL, "http://"))), 0o644)
	addr := freeAddr(t)
	prom := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	prom.Stdout, prom.Stderr = os.Stderr, os.Stderr
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { prom.Process.Kill(); prom.Wait() }()
	url := "http://" + addr
	const query = `sum(replicas{app="api"})`
	ready := false
	for range 100 { // at most 20 s for the server to start and scrape
		sg := newSignal(scaleSignalFor(url, query), time.Now(), nil)
		if v, err := sg.read(t.Context()); err == nil && v == 2 {
			ready = true
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !ready {
		t.Fatal("prometheus did not answer the query with 2 within 20s")
	}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	rec := runWithSignal(t, target.URL, `{prometheus: "`+url+`", query: '`+query+`', every: 100ms}`, func() { replicas.Store(5) })
	s := rec.Summary
	if s.ReplicasStart != 2 || s.ReplicasPeak != 5 || s.ScaleReactionS == nil {
		t.Fatalf("scale events %+v; start %d peak %d reaction %v", rec.ScaleEvents, s.ReplicasStart, s.ReplicasPeak, s.ScaleReactionS)
	}
	// The gauge rose 1 s after B0; Prometheus sees it at its next scrape.
	if r := *s.ScaleReactionS; r < 0.5 || r > 2 {
		t.Errorf("scale_reaction %.2fs, want about 1-1.5s", r)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
