package burst

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	promapi "github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
)

// signal samples the target's replica count beside a run (the profile's
// target.scale_signal) and keeps each change as a scale event, so a real
// target gets the scale figures the simulator's ground truth gives.
type signal struct {
	cfg     profiles.ScaleSignal
	started time.Time
	client  *http.Client
	prom    promv1.API // set for a prometheus signal
	warn    io.Writer

	mu     sync.Mutex
	events []report.ScaleEvent
	last   int
	failed int    // failed samples
	first  string // the first failure
	tried  int    // samples taken
}

// startSignal samples until the returned stop is called, which returns the
// samples that changed the count; failures says how sampling failed, ""
// when it never did.
func startSignal(cfg profiles.ScaleSignal, started time.Time, warn io.Writer) (stop func() []report.ScaleEvent, failures func() string) {
	s := newSignal(cfg, started, warn)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(cfg.Every)
		defer t.Stop()
		for {
			s.sample(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	stop = func() []report.ScaleEvent {
		cancel()
		<-done
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.events
	}
	failures = func() string {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.failed == 0 {
			return ""
		}
		return fmt.Sprintf("scale signal: %d of %d samples failed, the first with: %s; the scale figures miss them", s.failed, s.tried, s.first)
	}
	return stop, failures
}

func newSignal(cfg profiles.ScaleSignal, started time.Time, warn io.Writer) *signal {
	// One client reads every answer, a URL's and Prometheus', each body
	// capped by its transport.
	client := &http.Client{Timeout: 2 * time.Second, Transport: cappedBodies{http.DefaultTransport}}
	s := &signal{cfg: cfg, started: started, client: client, warn: warn, last: -1}
	if cfg.Prometheus != "" {
		// The address is checked when the profile is validated, so this
		// cannot fail on a valid profile; a failure shows as a failed read.
		if c, err := promapi.NewClient(promapi.Config{Address: cfg.Prometheus, Client: client}); err == nil {
			s.prom = promv1.NewAPI(c)
		}
	}
	return s
}

func (s *signal) sample(ctx context.Context) {
	at := time.Since(s.started)
	v, err := s.read(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil && ctx.Err() != nil {
		return // stopped while sampling: not the signal's failure
	}
	s.tried++
	if err != nil {
		if s.failed == 0 {
			s.first = outcome.RedactText(err.Error())
			if s.warn != nil {
				fmt.Fprintf(s.warn, "burstlab: scale signal: %v (further failures are not shown; the record counts them)\n", s.first)
			}
		}
		s.failed++
		return
	}
	n := int(math.Round(v))
	if n == s.last {
		return
	}
	s.last = n
	s.events = append(s.events, report.ScaleEvent{AtS: max(at.Seconds(), 0), Kind: "sample", Replicas: n})
}

// read takes one sample, bounded in time and size.
func (s *signal) read(ctx context.Context) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, max(s.cfg.Every, 2*time.Second))
	defer cancel()
	if s.cfg.Prometheus != "" {
		v, err := s.query(ctx)
		if err == nil && !replicaCount(v) {
			err = fmt.Errorf("prometheus query %q is %v: not a replica count", s.cfg.Query, v)
		}
		return v, err
	}
	var body []byte
	if s.cfg.Command != "" {
		out, err := exec.CommandContext(ctx, "sh", "-c", s.cfg.Command).Output()
		if err != nil {
			return 0, fmt.Errorf("command: %v", err)
		}
		body = out
	} else {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.URL, nil)
		if err != nil {
			return 0, err
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %s", s.cfg.URL, resp.Status)
		}
		if body, err = io.ReadAll(resp.Body); err != nil { // capped by the client
			return 0, err
		}
		if s.cfg.Metric != "" {
			return promValue(body, s.cfg.Metric)
		}
	}
	f := strings.Fields(string(body))
	if len(f) == 0 {
		return 0, fmt.Errorf("no number in the answer")
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil || !replicaCount(v) {
		return 0, fmt.Errorf("not a replica count: %q", f[0])
	}
	return v, nil
}

// replicaCount reports whether v can be a number of replicas: finite, not
// negative, within int range.
func replicaCount(v float64) bool { return v >= 0 && v <= 1e9 }

// query asks the Prometheus server for the signal's PromQL query at the
// current time (GET /api/v1/query): a scalar is the count, a vector's
// samples are summed.
func (s *signal) query(ctx context.Context) (float64, error) {
	if s.prom == nil {
		return 0, fmt.Errorf("prometheus %q: not a usable address", s.cfg.Prometheus)
	}
	v, _, _, err := s.prom.Query(ctx, s.cfg.Query, time.Now())
	if err != nil {
		return 0, fmt.Errorf("prometheus query %q: %v", s.cfg.Query, err)
	}
	switch v := v.(type) {
	case *model.Scalar:
		return float64(v.Value), nil
	case model.Vector:
		if len(v) == 0 {
			return 0, fmt.Errorf("prometheus query %q: no series", s.cfg.Query)
		}
		sum := 0.0
		for _, smp := range v {
			sum += float64(smp.Value)
		}
		return sum, nil
	}
	return 0, fmt.Errorf("prometheus query %q: a %s, want a scalar or an instant vector", s.cfg.Query, v.Type())
}

// cappedBodies reads at most 4 MiB of each answer: the signal's client
// reads through it, so every sample is bounded in size.
type cappedBodies struct{ rt http.RoundTripper }

func (c cappedBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, 4<<20), resp.Body}
	}
	return resp, err
}

// promValue sums the samples of metric in Prometheus text exposition;
// metric may carry label matchers, `name{k="v"}`, that every sample summed
// must have.
func promValue(body []byte, metric string) (float64, error) {
	name, want, err := parseSelector(metric)
	if err != nil {
		return 0, err
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("reading metrics: %v", err)
	}
	fam, ok := fams[name]
	if !ok {
		return 0, fmt.Errorf("no metric %s", name)
	}
	sum, found := 0.0, false
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			match = match && labels[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		default:
			continue
		}
		found = true
	}
	if !found {
		return 0, fmt.Errorf("no sample of %s", metric)
	}
	if !replicaCount(sum) {
		return 0, fmt.Errorf("%s is %v: not a replica count", metric, sum)
	}
	return sum, nil
}

// parseSelector splits `name{k="v",...}` into the name and its labels.
func parseSelector(s string) (string, map[string]string, error) {
	name, rest, ok := strings.Cut(s, "{")
	labels := map[string]string{}
	if !ok {
		return strings.TrimSpace(s), labels, nil
	}
	rest, ok = strings.CutSuffix(strings.TrimSpace(rest), "}")
	if !ok {
		return "", nil, fmt.Errorf("metric %q: unclosed {", s)
	}
	for _, kv := range strings.Split(rest, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		uq, err := strconv.Unquote(strings.TrimSpace(v))
		if !ok || err != nil {
			return "", nil, fmt.Errorf("metric %q: want name{label=\"value\"}", s)
		}
		labels[strings.TrimSpace(k)] = uq
	}
	return strings.TrimSpace(name), labels, nil
}
