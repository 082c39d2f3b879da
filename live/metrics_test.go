package live

import (
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/sim"
)

// scrape reads url's text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parsing the exposition: %v\n%s", err, body)
	}
	return fams
}

// value is the sample of fam whose labels include want.
func value(fams map[string]*dto.MetricFamily, name string, want ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		var got []string
		for _, l := range m.GetLabel() {
			got = append(got, l.GetName()+"="+l.GetValue())
		}
		match := true
		for _, w := range want {
			match = match && slices.Contains(got, w)
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Untyped != nil:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// histogramQuantile is Prometheus' histogram_quantile over classic buckets:
// linear interpolation inside the bucket holding the rank.
func histogramQuantile(q float64, h *dto.Histogram) float64 {
	total := float64(h.GetSampleCount())
	rank := q * total
	lower, below := 0.0, 0.0
	for _, b := range h.GetBucket() {
		c := float64(b.GetCumulativeCount())
		if c >= rank {
			return lower + (b.GetUpperBound()-lower)*(rank-below)/(c-below)
		}
		lower, below = b.GetUpperBound(), c
	}
	return lower
}

// TestCountsAndP99 feeds a known run through Metrics and reads it back as a
// scraper does: the counters are the results', the classic buckets give a
// p99 within 5 % of the exact one, and the native histogram is there for a
// scraper that asks for it.
func TestCountsAndP99(t *testing.T) {
	m := New()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	if fams := scrape(t, srv.URL); len(fams) != 0 {
		t.Errorf("before Begin: %d families, want none", len(fams))
	}
	cfg := report.Config{
		Name: "unit", Started: time.Now(), Duration: 2 * time.Second, Window: time.Second,
		Streams: []report.StreamOffer{{Name: "base", Offered: []int64{600, 400}}, {Name: "burst", Burst: true, Offered: []int64{0, 10}}},
	}
	var eng attack.Live
	m.Begin(cfg, &eng)

	rng := rand.New(rand.NewPCG(1, 2))
	var lat []float64
	for i := range 1000 {
		d := time.Duration(math.Exp(rng.NormFloat64()*0.8) * float64(20*time.Millisecond))
		r := outcome.Result{Stream: 0, Intended: time.Duration(i) * time.Millisecond, Class: outcome.OK, Code: 200}
		r.Sent = r.Intended + 50*time.Microsecond
		r.End = r.Intended + d
		switch {
		case i%100 == 7:
			r.Class, r.Code = outcome.Status5xx, 503
		case i%250 == 3:
			r.Class = outcome.TimedOut
		}
		lat = append(lat, r.Latency().Seconds())
		m.Observe(r)
	}
	for range 10 {
		m.Observe(outcome.Result{Stream: 1, Class: outcome.Unsent})
	}
	m.Finish()

	fams := scrape(t, srv.URL)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"burstlab_requests_planned_total", []string{"stream=base"}, 1000},
		{"burstlab_requests_planned_total", []string{"stream=burst"}, 10},
		{"burstlab_requests_sent_total", []string{"stream=base"}, 1000},
		{"burstlab_requests_sent_total", []string{"stream=burst"}, 0},
		{"burstlab_requests_ok_total", []string{"stream=base"}, 986},
		{"burstlab_request_errors_total", []string{"stream=base", "class=5xx"}, 10},
		{"burstlab_request_errors_total", []string{"stream=base", "class=timeout"}, 4},
		{"burstlab_request_errors_total", []string{"stream=burst", "class=unsent"}, 10},
		{"burstlab_run_finished", nil, 1},
		{"burstlab_run_info", []string{"name=unit"}, 1},
	} {
		if got, ok := value(fams, c.name, c.labels...); !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}

	slices.Sort(lat)
	exact := lat[int(math.Ceil(0.99*float64(len(lat))))-1]
	var h *dto.Histogram
	for _, mm := range fams["burstlab_request_latency_seconds"].GetMetric() {
		if mm.GetLabel()[0].GetValue() == "base" {
			h = mm.GetHistogram()
		}
	}
	if h == nil || h.GetSampleCount() != 1000 {
		t.Fatalf("latency histogram of base: %v", h)
	}
	if est := histogramQuantile(0.99, h); math.Abs(est-exact)/exact > 0.05 {
		t.Errorf("histogram_quantile(0.99) = %.4fs, exact p99 %.4fs: off by more than 5 %%", est, exact)
	} else {
		t.Logf("p99 exact %.4fs, from classic buckets %.4fs (%.2f %%)", exact, est, 100*(est-exact)/exact)
	}

	got, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		if f.GetName() != "burstlab_request_latency_seconds" {
			continue
		}
		nh := f.GetMetric()[0].GetHistogram()
		if nh.GetSchema() < 4 || len(nh.GetPositiveSpan()) == 0 {
			t.Errorf("native histogram: schema %d, %d spans; want schema ≥ 4 (factor ≤ 1.044) with buckets", nh.GetSchema(), len(nh.GetPositiveSpan()))
		}
	}
}

// TestPlannedSoFar: the planned counter follows the plan's clock, window by
// window, and is the whole plan once the run is finished.
func TestPlannedSoFar(t *testing.T) {
	p := newPlan(report.Config{Window: time.Second, Streams: []report.StreamOffer{{Name: "a", Offered: []int64{10, 20, 30}}}})
	for _, c := range []struct {
		el   time.Duration
		fin  bool
		want int64
	}{
		{-time.Second, false, 0},
		{500 * time.Millisecond, false, 5},
		{1500 * time.Millisecond, false, 20},
		{10 * time.Second, false, 60},
		{0, true, 60},
	} {
		if got := p.planned(0, c.el, c.fin); got != c.want {
			t.Errorf("planned at %v (finished %v) = %d, want %d", c.el, c.fin, got, c.want)
		}
	}
}

// TestDashboardQueriesServedMetrics: every metric the Grafana example
// queries is one that a run or the simulator serves, so a rename here
// cannot leave the dashboard blank.
func TestDashboardQueriesServedMetrics(t *testing.T) {
	m := New()
	m.Begin(report.Config{Window: time.Second, Streams: []report.StreamOffer{{Name: "a", Offered: []int64{1}}}}, &attack.Live{})
	m.Observe(outcome.Result{Class: outcome.Status5xx, Code: 500, End: time.Millisecond})
	s, err := sim.New(sim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	m.Also(s.Gatherer())
	fams, err := m.gather()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, f := range fams {
		served[f.GetName()] = true
	}
	files, _ := filepath.Glob("../examples/grafana/*.json")
	if len(files) == 0 {
		t.Fatal("no dashboard in examples/grafana")
	}
	name := regexp.MustCompile(`burstlab_[a-z_]+`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var dash struct {
			Panels []struct {
				Targets []struct{ Expr string } `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(b, &dash); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n := 0
		for _, p := range dash.Panels {
			for _, tg := range p.Targets {
				for _, metric := range name.FindAllString(tg.Expr, -1) {
					n++
					base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(metric, "_bucket"), "_count"), "_sum")
					if !served[base] {
						t.Errorf("%s queries %s, which nothing serves", filepath.Base(f), metric)
					}
				}
			}
		}
		if n < 8 {
			t.Errorf("%s: %d metric references; the panels lost their queries?", f, n)
		}
	}
}
