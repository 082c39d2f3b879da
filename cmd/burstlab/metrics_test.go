package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/burstlab/burstlab/report"
)

// TestMetricsAddrMatchesRecord scrapes an attack's --metrics-addr while it
// runs and once more in its --metrics-linger: the run shows progress while
// it goes, and the final counters equal the record's, stream by stream.
func TestMetricsAddrMatchesRecord(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/bad") {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "attack", "-rate", "200/s", "-duration", "2s", "-o", dir,
		"--metrics-addr", "127.0.0.1:0", "--metrics-linger", "3s")
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/ok\n\nGET " + srv.URL + "/bad\n")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	var url string
	for url == "" && lines.Scan() {
		_, url, _ = strings.Cut(lines.Text(), "burstlab: metrics at ")
	}
	if url == "" {
		t.Fatal("no metrics address on stderr")
	}
	go io.Copy(io.Discard, stderr)

	var during, final map[string]*dto.MetricFamily
	for range 100 { // at most 10 s: a 2 s run and its record
		fams := scrapeMetrics(t, url)
		if sample(fams, "burstlab_run_finished") == 1 {
			final = fams
			break
		}
		if sample(fams, "burstlab_requests_sent_total") > 0 {
			during = fams
		}
		time.Sleep(100 * time.Millisecond)
	}
	if during == nil || final == nil {
		t.Fatalf("scrapes saw progress %v and a finished run %v; want both", during != nil, final != nil)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("burstlab attack: %v", err)
	}
	rec, err := report.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Summary.Sent != 400 || rec.Summary.Errors["5xx"] != 200 {
		t.Fatalf("record: sent %d, 5xx %d; want 400 and 200", rec.Summary.Sent, rec.Summary.Errors["5xx"])
	}
	for _, s := range rec.Streams {
		st := `stream="` + s.Name + `"`
		checks := map[string]int64{
			"burstlab_requests_planned_total{" + st + "}":           s.Offered,
			"burstlab_requests_sent_total{" + st + "}":              s.Sent,
			"burstlab_requests_ok_total{" + st + "}":                s.OK,
			"burstlab_request_latency_seconds_count{" + st + "}":    s.Sent,
			`burstlab_request_errors_total{class="5xx",` + st + "}": s.Errors["5xx"],
		}
		for k, want := range checks {
			if got := sample(final, k); got != float64(want) {
				t.Errorf("final %s = %v, the record's %d", k, got, want)
			}
		}
	}
	if got := sample(final, "burstlab_requests_released_total"); got != float64(rec.Summary.Sent) {
		t.Errorf("released %v, the record sent %d", got, rec.Summary.Sent)
	}
	if got := sample(final, "burstlab_requests_in_flight"); got != 0 {
		t.Errorf("in flight after the run: %v", got)
	}
}

// TestMetricsAddrRefused: an address that cannot be listened on is bad
// usage, before any request is sent.
func TestMetricsAddrRefused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "rec")
	_, stderr, code := burstlabIn(t, "GET http://127.0.0.1:1/\n", "attack", "-rate", "10/s", "-duration", "1s", "-o", dir, "--metrics-addr", "127.0.0.1:99999")
	if code != 2 || !strings.Contains(stderr, "metrics-addr") || strings.Contains(stderr, "goroutine") {
		t.Errorf("exit %d, stderr %q; want 2 naming -metrics-addr", code, stderr)
	}
}

func scrapeMetrics(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// sample is the value of `name{labels}` exactly as written in the
// exposition (labels in name order, as written), summed over every
// series when no labels are given.
func sample(fams map[string]*dto.MetricFamily, key string) float64 {
	name, labels, _ := strings.Cut(key, "{")
	labels = strings.TrimSuffix(labels, "}")
	base, suffix := name, ""
	for _, s := range []string{"_count", "_sum"} {
		if b, ok := strings.CutSuffix(name, s); ok && fams[name] == nil {
			base, suffix = b, s
		}
	}
	sum := 0.0
	for _, m := range fams[base].GetMetric() {
		var ls []string
		for _, l := range m.GetLabel() {
			ls = append(ls, l.GetName()+`="`+l.GetValue()+`"`)
		}
		if labels != "" && strings.Join(ls, ",") != labels {
			continue
		}
		switch {
		case suffix == "_count":
			sum += float64(m.GetHistogram().GetSampleCount())
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		}
	}
	return sum
}
