package profiles

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/burstlab/burstlab/profiles/yamlfile"
	"github.com/burstlab/burstlab/sim"
)

// problem is a validation failure at a YAML path such as $.streams[0].constant.rate.
type problem struct {
	path string
	msg  string
}

// position finds the line and column of a YAML path in data; it falls back to
// the nearest existing parent.
func position(data []byte, path string) (line, col int) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 1, 1
	}
	for p := path; p != "$" && p != ""; p = parentPath(p) {
		yp, err := yaml.PathString(p)
		if err != nil {
			continue
		}
		n, err := yp.FilterFile(f)
		if err != nil || n == nil || n.GetToken() == nil {
			continue
		}
		pos := n.GetToken().Position
		return pos.Line, pos.Column
	}
	return 1, 1 // a field missing at the top level: point at the document
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// errorAt turns a problem into an Error placed at its field in the source.
func (p *Profile) errorAt(pr problem) *Error {
	line, col := position(p.src, pr.path)
	field := strings.TrimPrefix(pr.path, "$.")
	return &Error{File: p.path, Line: line, Col: col, Msg: oneLine(p.Redact(fmt.Sprintf("%s: %s", field, pr.msg)))}
}

// finite reports whether v is a usable number (not NaN or ±Inf).
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// maxRate bounds every rate a profile may ask for, so that a typo cannot
// plan forever.
const maxRate = 1e7

// problems lists everything wrong with p, in the order of the file.
func (p *Profile) problems() []problem {
	var ps problems
	ps.run(p)
	ps.target(p.Target, p.src)
	ps.client(p.Client)
	ps.analysis(p.Analysis, p.Duration)
	if len(p.Streams) == 0 {
		ps.add("$.streams", "needs at least one stream")
	}
	seen := map[string]bool{}
	for i := range p.Streams {
		s := &p.Streams[i]
		at := fmt.Sprintf("$.streams[%d]", i)
		if s.Name == "" {
			ps.add(at+".name", "is required")
		} else if c, ok := badNameChar(s.Name); ok {
			ps.add(at+".name", "%q holds %q (%U); a stream name may hold only ASCII letters, digits, '_', '.' and '-', so that gates and alerts can name it as stream.NAME.FIELD", s.Name, c, c)
		} else if seen[s.Name] {
			ps.add(at+".name", "duplicate stream name %q", s.Name)
		}
		seen[s.Name] = true
		ps.stream(at, s)
	}
	ps.alerts(p.Alerts, p.StreamNames())
	return ps
}

// checked validates p and, when nothing is wrong with its structure,
// compiles it: what Parse, Scaled and the plan of an uncompiled profile all
// do. The problems are the structural ones when there are any (compiling a
// broken profile would only add to them), else compile's; the compiled
// profile is usable when there are none.
func (p *Profile) checked() (*compiled, []problem) {
	if probs := p.problems(); len(probs) > 0 {
		return nil, probs
	}
	return p.compile()
}

// problems collects validation failures as they are found; each method
// checks one part of a profile.
type problems []problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, problem{path, fmt.Sprintf(format, args...)})
}

// rate checks a rate in requests/s: finite, >= 0 (> 0 when positive), and
// at most maxRate.
func (ps *problems) rate(path string, v float64, positive bool) {
	switch {
	case !finite(v) || v < 0 || (positive && v == 0):
		if positive {
			ps.add(path, "must be > 0, got %v", v)
		} else {
			ps.add(path, "must be >= 0, got %v", v)
		}
	case v > maxRate:
		ps.add(path, "must be <= %g requests/s, got %v", float64(maxRate), v)
	}
}

func (ps *problems) nonneg(path string, d time.Duration) {
	if d < 0 {
		ps.add(path, "must be >= 0, got %v", d)
	}
}

// run checks the run's length, warm-up and rate cap.
func (ps *problems) run(p *Profile) {
	if p.Duration <= 0 {
		ps.add("$.duration", "must be > 0, got %v", p.Duration)
	} else if p.Duration > 30*24*time.Hour {
		ps.add("$.duration", "must be at most 720h, got %v", p.Duration)
	}
	if p.Warmup < 0 || (p.Duration > 0 && p.Warmup >= p.Duration) {
		ps.add("$.warmup", "must be >= 0 and shorter than duration, got %v", p.Warmup)
	}
	if p.MaxRate < 0 || !finite(p.MaxRate) {
		ps.add("$.max_rate", "must be >= 0, got %v", p.MaxRate)
	}
}

// target checks that the target is one URL or one simulator, and its scale
// signal; src is the profile's YAML, which tells a simulator field written
// as 0 from one left to its default.
func (ps *problems) target(t Target, src []byte) {
	switch {
	case t.URL == "" && t.Sim == nil:
		ps.add("$.target", "needs url or sim")
	case t.URL != "" && t.Sim != nil:
		ps.add("$.target", "has both url and sim; pick one")
	case t.URL != "":
		ps.httpURL("$.target.url", t.URL)
	case t.Sim != nil:
		var fe *sim.FieldError
		switch err := t.Sim.ValidateWritten(yamlfile.Written(src, "$.target.sim")); {
		case errors.As(err, &fe):
			ps.add("$.target.sim."+fe.Field, "%s", fe.Msg)
		case err != nil:
			ps.add("$.target.sim", "%v", err)
		}
	}
	sg := t.ScaleSignal
	if sg == nil {
		return
	}
	sources := 0
	for _, v := range []string{sg.URL, sg.Prometheus, sg.Command} {
		if v != "" {
			sources++
		}
	}
	switch {
	case sources != 1:
		ps.add("$.target.scale_signal", "needs one of url, prometheus or command")
	case sg.URL != "":
		ps.httpURL("$.target.scale_signal.url", sg.URL)
	case sg.Prometheus != "":
		ps.httpURL("$.target.scale_signal.prometheus", sg.Prometheus)
		if strings.TrimSpace(sg.Query) == "" {
			ps.add("$.target.scale_signal.query", "prometheus needs a PromQL query")
		}
	}
	if sg.Metric != "" && sg.URL == "" {
		ps.add("$.target.scale_signal.metric", "goes with url")
	}
	if sg.Query != "" && sg.Prometheus == "" {
		ps.add("$.target.scale_signal.query", "goes with prometheus")
	}
	if sg.Every < 100*time.Millisecond {
		ps.add("$.target.scale_signal.every", "must be >= 100ms, got %v", sg.Every)
	}
}

// httpURL checks that v, at path, is an http or https URL with a host.
func (ps *problems) httpURL(path, v string) {
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		ps.add(path, "must be an http(s) URL, got %q", v)
	}
}

// client checks the HTTP client settings.
func (ps *problems) client(c Client) {
	if c.Timeout < 0 {
		ps.add("$.client.timeout", "must be > 0, got %v", c.Timeout)
	}
	if c.Workers > c.MaxWorkers {
		ps.add("$.client.workers", "must be <= max_workers (%d), got %d", c.MaxWorkers, c.Workers)
	}
	if c.Redirects < -1 {
		ps.add("$.client.redirects", "must be >= -1 (-1 follows none), got %d", c.Redirects)
	}
	if c.LocalAddr != "" && net.ParseIP(c.LocalAddr) == nil {
		ps.add("$.client.local_addr", "must be an IP address, got %q", c.LocalAddr)
	}
	if (c.Cert == "") != (c.Key == "") {
		ps.add("$.client.cert", "cert and key go together: both or neither")
	}
	if c.MaxBody < -1 || c.Connections < 0 || c.MaxConnections < 0 || c.DNSTTL < 0 {
		ps.add("$.client", "max_body, connections, max_connections and dns_ttl must not be negative")
	}
}

// analysis checks the analysis settings of a run of the given duration.
func (ps *problems) analysis(a Analysis, duration time.Duration) {
	if a.Window < time.Millisecond {
		ps.add("$.analysis.window", "must be >= 1ms, got %v", a.Window)
	} else if duration > 0 && duration/a.Window > 10_000_000 {
		ps.add("$.analysis.window", "makes %d windows of %v; use a longer window", duration/a.Window, a.Window)
	}
	if !(a.Tolerance >= 1) || !finite(a.Tolerance) {
		ps.add("$.analysis.tolerance", "must be >= 1, got %v", a.Tolerance)
	}
	if a.HealthyWindows < 1 {
		ps.add("$.analysis.healthy_windows", "must be >= 1, got %d", a.HealthyWindows)
	}
	if !(a.ErrorRatio >= 0 && a.ErrorRatio <= 1) {
		ps.add("$.analysis.error_ratio", "must be within 0..1, got %v", a.ErrorRatio)
	}
}

// stream checks one stream at path at, its name aside: its requests, its
// arrivals, its one arrival shape and its retry policy.
func (ps *problems) stream(at string, s *Stream) {
	ps.requests(at, s)
	if s.Arrivals != "even" && s.Arrivals != "poisson" {
		ps.add(at+".arrivals", "must be even or poisson, got %q", s.Arrivals)
	}
	if shapes := ps.shapes(at, s); len(shapes) != 1 {
		ps.add(at, "needs exactly one arrival shape (constant, ramp, stages, spike, sine, replay, fanout or rate: max), got %d %v", len(shapes), shapes)
	}
	ps.closed(at, s)
	if r := s.Retry; r != nil {
		if field, msg := r.check(); msg != "" {
			ps.add(at+".retry."+field, "%s", msg)
		}
	}
}

// requests checks a stream's request, or its weighted mix of requests.
func (ps *problems) requests(at string, s *Stream) {
	r := s.Request
	single := r.Path != "" || r.Body != "" || r.BodyFile != "" || len(r.Headers) > 0 || r.Weight != 0
	if len(s.Requests) > 0 && single {
		ps.add(at+".request", "has both request and requests; pick one")
	}
	for j, r := range s.mix() {
		rp := mixPath(at, s, j)
		if !strings.HasPrefix(r.Path, "/") {
			ps.add(rp+".path", "must start with /, got %q", r.Path)
		} else if c, ok := controlChar(r.Path, false); ok {
			ps.add(rp+".path", "holds the control character %U, which no request line can carry; percent-encode it (%%%02X) if the target expects it", c, c)
		}
		if !validMethod(r.Method) {
			ps.add(rp+".method", "must be an HTTP method such as GET or POST, got %q", r.Method)
		}
		if len(s.Requests) > 0 && (!(r.Weight > 0) || !finite(r.Weight)) {
			ps.add(rp+".weight", "must be > 0, got %v", r.Weight)
		}
		if r.Body != "" && r.BodyFile != "" {
			ps.add(rp+".body_file", "has both body and body_file; pick one")
		}
		for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
			if !validToken(k) {
				ps.add(rp+".headers", "header name %q is not a valid HTTP token", k)
			} else if c, ok := controlChar(r.Headers[k], true); ok {
				ps.add(rp+".headers."+k, "holds the control character %U, which no header value can carry", c)
			}
		}
	}
}

// closed checks a rate: max stream: its workers, and nothing that needs a
// plan.
func (ps *problems) closed(at string, s *Stream) {
	switch {
	case s.Rate != "" && s.Rate != "max":
		ps.add(at+".rate", "must be max (as fast as max_workers workers get answers), got %q; a planned rate is a shape such as constant: {rate: %s}", s.Rate, s.Rate)
	case s.Rate == "max" && s.MaxWorkers == 0:
		ps.add(at+".max_workers", "must be > 0 for a rate: max stream: the number of closed-loop workers")
	case s.Rate == "" && s.MaxWorkers > 0:
		ps.add(at+".max_workers", "applies to rate: max streams only (the client block's max_workers caps planned streams)")
	case s.Rate == "max" && s.Burst:
		ps.add(at+".burst", "a rate: max stream has no plan, so it cannot mark the burst")
	}
}

// shapes checks each arrival shape the stream sets and returns their names.
func (ps *problems) shapes(at string, s *Stream) []string {
	var shapes []string
	if s.Rate != "" {
		shapes = append(shapes, "rate")
	}
	if c := s.Constant; c != nil {
		shapes = append(shapes, "constant")
		ps.rate(at+".constant.rate", c.Rate, true)
		ps.nonneg(at+".constant.start", c.Start)
		ps.nonneg(at+".constant.duration", c.Duration)
	}
	if r := s.Ramp; r != nil {
		shapes = append(shapes, "ramp")
		ps.ramp(at+".ramp", r)
	}
	if len(s.Stages) > 0 {
		shapes = append(shapes, "stages")
		ps.stages(at+".stages", s.Stages)
	} else if s.Stages != nil {
		ps.add(at+".stages", "needs at least one stage")
	}
	if k := s.Spike; k != nil {
		shapes = append(shapes, "spike")
		ps.spike(at+".spike", k)
	}
	if w := s.Sine; w != nil {
		shapes = append(shapes, "sine")
		ps.sine(at+".sine", w)
	}
	if r := s.Replay; r != nil {
		shapes = append(shapes, "replay")
		ps.replay(at+".replay", r)
	}
	if f := s.FanOut; f != nil {
		shapes = append(shapes, "fanout")
		ps.fanOut(at+".fanout", f)
	}
	return shapes
}

func (ps *problems) ramp(at string, r *Ramp) {
	ps.rate(at+".from", r.From, false)
	ps.rate(at+".to", r.To, false)
	if r.From == 0 && r.To == 0 {
		ps.add(at, "from and to are both 0: the ramp sends nothing")
	}
	if r.Duration <= 0 {
		ps.add(at+".duration", "must be > 0, got %v", r.Duration)
	}
	ps.nonneg(at+".start", r.Start)
}

func (ps *problems) stages(at string, stages []Stage) {
	var total time.Duration
	top := 0.0
	for j, st := range stages {
		sp := fmt.Sprintf("%s[%d]", at, j)
		ps.rate(sp+".rate", st.Rate, false)
		ps.nonneg(sp+".duration", st.Duration)
		total += st.Duration
		top = math.Max(top, st.Rate)
	}
	if total <= 0 || top == 0 {
		ps.add(at, "send nothing: want some duration > 0 and some rate > 0")
	}
}

func (ps *problems) spike(at string, k *Spike) {
	ps.rate(at+".base", k.Base, false)
	ps.rate(at+".peak", k.Peak, true)
	if k.Peak < k.Base {
		ps.add(at+".peak", "must be >= base (%v), got %v", k.Base, k.Peak)
	}
	ps.nonneg(at+".start", k.Start)
	ps.nonneg(at+".rise", k.Rise)
	ps.nonneg(at+".hold", k.Hold)
	ps.nonneg(at+".fall", k.Fall)
}

func (ps *problems) sine(at string, w *Sine) {
	ps.rate(at+".mean", w.Mean, true)
	ps.rate(at+".amplitude", w.Amplitude, false)
	if w.Amplitude > w.Mean {
		ps.add(at+".amplitude", "must be <= mean (%v) so the rate stays >= 0, got %v", w.Mean, w.Amplitude)
	}
	if w.Period <= 0 {
		ps.add(at+".period", "must be > 0, got %v", w.Period)
	}
	ps.nonneg(at+".start", w.Start)
	ps.nonneg(at+".duration", w.Duration)
}

func (ps *problems) replay(at string, r *Replay) {
	switch {
	case r.CSV == "" && r.AccessLog == "":
		ps.add(at, "needs csv or access_log")
	case r.CSV != "" && r.AccessLog != "":
		ps.add(at, "has both csv and access_log; pick one")
	}
	if !(r.Speed > 0) || !finite(r.Speed) || r.Speed > 1e6 {
		ps.add(at+".speed", "must be within (0, 1e6], got %v", r.Speed)
	}
	if !(r.Scale > 0) || !finite(r.Scale) || r.Scale > 1e6 {
		ps.add(at+".scale", "must be within (0, 1e6], got %v", r.Scale)
	}
	ps.nonneg(at+".start", r.Start)
}

// MaxSubscribers caps a fan-out's subscribers per event: each event holds
// its subscribers' arrivals while the plan is counted and sent, and one
// event to more would ask one process for more than MaxPeakRate within a
// second of reaction.
const MaxSubscribers = 1_000_000

// fanOut checks a fan-out: its subscribers, one kind of event schedule, and
// the reaction delay.
func (ps *problems) fanOut(at string, f *FanOut) {
	sub := f.Subscribers
	switch {
	case !sub.Range && sub.Count < 1:
		ps.add(at+".subscribers", "must be >= 1, got %d", sub.Count)
	case sub.Range && (sub.From < 0 || sub.To < sub.From):
		ps.add(at+".subscribers", "range needs 0 <= from <= to, got from %d to %d", sub.From, sub.To)
	case sub.Range && sub.To-sub.From >= MaxSubscribers:
		ps.add(at+".subscribers", "range must hold at most %d ids, got %d..%d", MaxSubscribers, sub.From, sub.To)
	case sub.Count > MaxSubscribers:
		ps.add(at+".subscribers", "must be at most %d (one process sends at most %d/s), got %d", MaxSubscribers, MaxPeakRate, sub.Count)
	}
	ps.events(at+".events", f.Events)
	if field, msg := f.Reaction.check(); msg != "" {
		ps.add(at+".reaction"+field, "%s", msg)
	}
	if f.Coalesce < 0 {
		ps.add(at+".coalesce", "must be >= 0, got %v", f.Coalesce)
	}
}

// events checks a fan-out's event schedule: exactly one of at, count and
// rate, with the options that go with it.
func (ps *problems) events(at string, e Events) {
	kinds := 0
	if len(e.At) > 0 {
		kinds++
	}
	if e.Count != 0 {
		kinds++
		if e.Count < 0 || e.Count > 10_000_000 {
			ps.add(at+".count", "must be within 1..10000000, got %d", e.Count)
		}
	}
	if e.Rate != 0 {
		kinds++
		ps.rate(at+".rate", e.Rate, true)
	}
	switch {
	case kinds == 0:
		ps.add(at, "needs at (a list of times), count or rate")
	case kinds > 1:
		ps.add(at, "has more than one of at, count and rate; pick one")
	}
	for j, t := range e.At {
		if t < 0 {
			ps.add(fmt.Sprintf("%s.at[%d]", at, j), "must be >= 0, got %v", t)
		}
	}
	ps.nonneg(at+".start", e.Start)
	ps.nonneg(at+".over", e.Over)
	ps.nonneg(at+".duration", e.Duration)
	if e.Rate == 0 && (e.Poisson || e.Duration != 0) {
		ps.add(at, "poisson and duration go with rate")
	}
	if e.Count == 0 && e.Over != 0 {
		ps.add(at+".over", "goes with count")
	}
}

func (d Delay) check() (field, msg string) {
	const week = 7 * 24 * time.Hour
	switch d.Dist {
	case "", "fixed":
		if d.Value < 0 || d.Value > week {
			return ".value", fmt.Sprintf("must be within 0..168h, got %v", d.Value)
		}
	case "uniform":
		if d.Min < 0 || d.Max < d.Min || d.Max > week {
			return "", fmt.Sprintf("uniform needs 0 <= min <= max <= 168h, got min %v max %v", d.Min, d.Max)
		}
	case "exponential":
		if d.Mean <= 0 || d.Mean > week {
			return ".mean", fmt.Sprintf("exponential needs mean within (0, 168h], got %v", d.Mean)
		}
	case "lognormal":
		if d.Median <= 0 || d.P99 < d.Median || d.P99 > week {
			return "", fmt.Sprintf("lognormal needs 0 < median <= p99 <= 168h, got median %v p99 %v", d.Median, d.P99)
		}
	default:
		return ".dist", fmt.Sprintf("must be fixed, uniform, exponential or lognormal, got %q", d.Dist)
	}
	return "", ""
}

// badNameChar finds the first character of a stream name that the gate
// grammar (report/gate) cannot read in stream.NAME.FIELD.
func badNameChar(name string) (rune, bool) {
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
		default:
			return c, true
		}
	}
	return 0, false
}

// controlChar finds the first control character of s (a tab is allowed
// when tab is true, as in a header value): net/http refuses to send one, so
// every request would fail.
func controlChar(s string, tab bool) (rune, bool) {
	for _, c := range s {
		if unicode.IsControl(c) && !(tab && c == '\t') {
			return c, true
		}
	}
	return 0, false
}

// validMethod accepts an HTTP method token in upper case.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// validToken reports whether s is an RFC 9110 token (a header name).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// decodeError names the file of a YAML decoding error.
func decodeError(name string, err error) *Error {
	var ye *yamlfile.Error
	if !errors.As(err, &ye) {
		return &Error{File: name, Msg: oneLine(err.Error())}
	}
	msg := ye.Msg
	if ye.Field != "" {
		msg = ye.Field + ": " + msg
	}
	return &Error{File: name, Line: ye.Line, Col: ye.Col, Msg: oneLine(msg)}
}
